import EngageCore
import EngageImport
import EngageStore
import EngageTestSupport
import Foundation
import Testing

/// The advocacy files of CONTRACT.md §1: typed, checked, referring to earlier rows, all or
/// nothing, idempotent — on both engines.
@Suite struct AdvocacyImportTests {
    static let files: [String: String] = [
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
    ]

    @Test(arguments: engines) func everyAdvocacyFileImports(engine: Engine) async throws {
        try await withStore(engine) { store, dir in
            let r = try await importFiles(Self.files, into: store, dir: dir)
            guard case .success(let summary) = r else { Issue.record("refused: \(r)"); return }
            #expect(summary.files.map(\.file) == ["employees.csv", "invitations.csv", "content.csv", "shares.csv", "links.csv",
                                                  "clicks.csv", "leads.csv", "ssi.csv", "candidates.csv"])
            #expect(summary.files.map(\.rows) == [3, 3, 2, 2, 2, 4, 2, 2, 2])
            // typed values as stored
            let e = try await store.execute("SELECT is_manager, hired_on, left_on, birth_year FROM employees WHERE employee_id = 'e2'")
            #expect(e == [[.int(1), .int(LocalDate(year: 2023, month: 5, day: 1).dayNumber), .int(LocalDate(year: 2026, month: 2, day: 15).dayNumber), .int(1985)]])
            let inv = try await store.execute("SELECT invited_at, joined_at FROM invitations WHERE employee_id = 'e3'")
            // +03:00 read as such: 09:00 Moscow = 06:00 UTC
            let feb1 = Int(LocalDate(year: 2026, month: 2, day: 1).dayNumber) * 86_400
            #expect(inv == [[.int(feb1 + 6 * 3600), .int(feb1 + 86_400 + 9 * 3600)]])
            #expect(try await store.execute("SELECT status FROM content WHERE content_id = 'c1'") == [[.text("published")]])
            let clicks = try await store.execute("SELECT link_code, visitor_hash, occurrence, agent_class, is_bot FROM clicks ORDER BY clicked_at, occurrence")
            #expect(clicks == [
                [.text("abc"), .text("v1"), .int(1), .text("mobile"), .int(0)],
                [.text("abc"), .text("v1"), .int(2), .text("mobile"), .int(0)],
                [.text("abc"), .text(""), .int(1), .text("bot"), .int(1)],
                [.text("brand1"), .text("v2"), .int(1), .text("desktop"), .int(0)],
            ])
            #expect(try await store.execute("SELECT value_cents, won FROM leads WHERE lead_id = 'l1'") == [[.int(150_050), .int(1)]])
            #expect(try await store.execute("SELECT total, people FROM ssi ORDER BY day") == [[.double(55.5), .double(13.5)], [.double(61), .double(15)]])
            // importing the same files again stores nothing twice
            let again = try await importFiles(Self.files, into: store, dir: dir)
            guard case .success = again else { Issue.record("second import refused"); return }
            let counts = try await store.execute("""
                SELECT (SELECT COUNT(*) FROM employees), (SELECT COUNT(*) FROM invitations), (SELECT COUNT(*) FROM clicks),
                       (SELECT COUNT(*) FROM shares), (SELECT COUNT(*) FROM ssi)
                """)
            #expect(counts == [[.int(3), .int(3), .int(4), .int(2), .int(2)]])
        }
    }

    @Test(arguments: engines) func referencesMayPointAtEarlierImports(engine: Engine) async throws {
        try await withStore(engine) { store, dir in
            guard case .success = try await importFiles(["employees.csv": Self.files["employees.csv"]!], into: store, dir: dir)
            else { Issue.record("refused"); return }
            let r = try await importFiles(["shares.csv": "share_id,employee_id,shared_at\ns9,e2,2026-02-01T00:00:00Z\n"], into: store, dir: dir)
            guard case .success = r else { Issue.record("refused: \(r)"); return }
        }
    }

    @Test(arguments: engines) func badRowsAreRefusedWithTheirPlace(engine: Engine) async throws {
        try await withStore(engine) { store, dir in
            var files = Self.files
            files["invitations.csv"] = "employee_id,invited_at,joined_at\ne9,2026-01-15T09:00:00Z,\ne1,2026-01-15T09:00:00Z,2026-01-14T09:00:00Z\n"
            files["content.csv"] = Self.files["content.csv"]! + "c5,,ftp://example.com/x,,,draft,,\n"
            files["ssi.csv"] = "employee_id,date,total,brand,people,insights,relationships\ne1,2026-02-01,130,10,10,10,10\ne1,2026-02-02,50,10,10,10,10\n"
            files["clicks.csv"] = "clicked_at,link_code\n2026-02-03T10:00:00Z,nope\n"
            files["employees.csv"] = Self.files["employees.csv"]! + "e4,X,,,,,2026-02-01,2026-01-01,1700,\n"
            let r = try await importFiles(files, into: store, dir: dir)
            guard case .failure(let f) = r else { Issue.record("accepted"); return }
            #expect(f.errors.map(\.description) == [
                "employees.csv:5:21: left_on: is earlier than hired_on",
                "employees.csv:5:32: birth_year: 1700 is not a plausible year of birth",
                "invitations.csv:2:1: employee_id: no employee 'e9' (in employees.csv of this import or an earlier one)",
                "invitations.csv:3:25: joined_at: is earlier than invited_at",
                "content.csv:4:5: url: expected an http:// or https:// address, got 'ftp://example.com/x'",
                "content.csv:4:27: status: expected one of submitted, approved, rejected, published, got 'draft'",
                "clicks.csv:2:22: link_code: no tracked link 'nope' (in links.csv of this import or an earlier one)",
                "ssi.csv:2:15: total: must be from 0 to 100, got 130.0",
                "ssi.csv:3:15: total: 50.0 is not the sum of its four parts (40.0)",
            ])
            let n = try await store.execute("SELECT (SELECT COUNT(*) FROM employees) + (SELECT COUNT(*) FROM shares)")
            #expect(n == [[.int(0)]], "nothing of a refused import is kept")
        }
    }
}
