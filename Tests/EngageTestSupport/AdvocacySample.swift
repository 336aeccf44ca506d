/// A small advocacy data set (every file of CONTRACT.md §1 advocacy), valid as a whole.
public let advocacySampleFiles: [String: String] = [
    "employees.csv": """
        employee_id,name,email,department,title,is_manager,hired_on,left_on,birth_year,gender
        e1,Anna,anna@example.com,Sales,Rep,no,2024-01-10,,1990,f
        e2,Boris,,Marketing,Lead,yes,2023-05-01,2026-02-15,1985,m
        e3,Vera,,Sales,Rep,0,2026-01-05,,,

        """,
    "invitations.csv": """
        employee_id,invited_at,cohort,joined_at
        e1,2026-01-15T09:00:00Z,wave-1,2026-01-16T10:00:00Z
        e2,2026-01-15T09:00:00Z,wave-1,
        e3,2026-02-01T09:00:00+03:00,,2026-02-02T12:00:00+03:00

        """,
    "content.csv": """
        content_id,title,url,submitted_by,submitted_at,status,approved_at,published_at
        c1,Our new office,https://example.com/office,e1,2026-02-01T08:00:00Z,Published,2026-02-02T08:00:00Z,2026-02-03T08:00:00Z
        c2,Brand video,https://example.com/video,,,approved,,

        """,
    "shares.csv": """
        share_id,employee_id,shared_at,content_id,network,impressions,likes,comments,shares,clicks
        s1,e1,2026-02-03T09:00:00Z,c1,linkedin,1200,30,4,2,15
        s2,e3,2026-02-04T09:00:00Z,,vk,300,5,0,0,1

        """,
    "links.csv": """
        link_code,target,employee_id,content_id,utm_source,utm_medium,utm_campaign,utm_content,utm_term,created_at
        abc,https://example.com/office?utm_source=linkedin&utm_medium=advocacy,e1,c1,linkedin,advocacy,office,e1-office,,2026-02-03T08:30:00Z
        brand1,https://example.com/office,,c1,vk,social,office,,,

        """,
    "clicks.csv": """
        clicked_at,link_code,visitor_hash,user_agent,referrer
        2026-02-03T10:00:00Z,abc,v1,Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148,https://www.linkedin.com/
        2026-02-03T10:00:00Z,abc,v1,Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148,https://www.linkedin.com/
        2026-02-03T10:05:00Z,abc,,LinkedInBot/1.0 (compatible; Mozilla/5.0),
        2026-02-04T11:00:00Z,brand1,v2,Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120.0,

        """,
    "leads.csv": """
        lead_id,created_at,source,utm_source,utm_medium,utm_campaign,utm_content,rep_id,stage,closed_at,won,value
        l1,2026-02-05T09:00:00Z,,linkedin,advocacy,office,e1-office,e1,won,2026-02-20T09:00:00Z,yes,1500.50
        l2,2026-02-06T09:00:00Z,ads,,,,,,open,,,

        """,
    "ssi.csv": """
        employee_id,date,total,brand,people,insights,relationships
        e1,2026-02-01,55.5,14,13.5,14,14
        e1,2026-02-28,61,16,15,15,15

        """,
    "candidates.csv": """
        candidate_id,source,first_contact_at,referred_by,position,offer_accepted_at,hired
        k1,referral,2026-01-10T09:00:00Z,e1,Rep,2026-02-01T09:00:00Z,true
        k2,hh.ru,2026-01-12T09:00:00Z,,Rep,,false

        """,
    "emv_rates.csv": """
        network,action,value,from
        linkedin,clicks,1.50,2026-02-04
        *,likes,0.10,2000-01-01

        """,
]
