import EngageCore

/// A social account (`accounts.csv`).
public struct Account: Sendable, Equatable, Hashable {
    public var accountID: String
    public var network: String
    public var name: String?
    public var handle: String?
    public var competitor: Bool
    /// IANA zone in which the account's days are cut.
    public var timezone: String

    public init(accountID: String, network: String, name: String? = nil, handle: String? = nil, competitor: Bool = false, timezone: String = "UTC") {
        self.accountID = accountID
        self.network = network
        self.name = name
        self.handle = handle
        self.competitor = competitor
        self.timezone = timezone
    }
}

/// One daily snapshot (`account_daily.csv`).
public struct DailyRow: Sendable, Equatable {
    public var accountID: String
    public var date: LocalDate
    public var followers: Int
    public var newFollowers: Int?
    public var unfollows: Int?
    public var reach: Int?
    public var reachOrganic: Int?
    public var reachViral: Int?
    public var reachPaid: Int?
    public var impressions: Int?
    public var pageViews: Int?
    public var uniqueVisitors: Int?
    public var engagedUsers: Int?

    public init(accountID: String, date: LocalDate, followers: Int) {
        self.accountID = accountID
        self.date = date
        self.followers = followers
    }
}

/// Period totals as the network reports them (`account_periods.csv`).
public struct PeriodRow: Sendable, Equatable {
    public var accountID: String
    public var period: Period
    public var reach: Int?
    public var reachOrganic: Int?
    public var reachViral: Int?
    public var reachPaid: Int?
    public var uniqueVisitors: Int?
    public var engagedUsers: Int?

    public init(accountID: String, period: Period) {
        self.accountID = accountID
        self.period = period
    }
}

/// One post (`posts.csv`); `date` and `hour` are local to the account's zone.
public struct PostRow: Sendable, Equatable {
    public var postID: String
    public var accountID: String
    public var publishedAt: Int64
    public var date: LocalDate
    public var hour: Int
    public var type: String?
    public var rubric: String?
    public var url: String?
    public var text: String?
    public var likes = 0
    public var comments = 0
    public var shares = 0
    public var saves: Int?
    public var views: Int?
    public var reach: Int?
    public var clicks: Int?
    public var spendCents: Int?

    public init(postID: String, accountID: String, publishedAt: Int64, date: LocalDate, hour: Int) {
        self.postID = postID
        self.accountID = accountID
        self.publishedAt = publishedAt
        self.date = date
        self.hour = hour
    }

    public var engagements: Int { Checked.saturating(Checked.saturating(likes, comments), shares) }
}

/// A cost (`costs.csv`). Costs have no id of their own: a row is identified by all its
/// fields plus its occurrence number among identical rows of the file.
public struct CostRow: Sendable, Equatable {
    public var date: LocalDate
    public var amountCents: Int
    public var accountID: String?
    public var note: String?
    public var occurrence: Int

    public init(date: LocalDate, amountCents: Int, accountID: String?, note: String?, occurrence: Int = 1) {
        self.date = date
        self.amountCents = amountCents
        self.accountID = accountID
        self.note = note
        self.occurrence = occurrence
    }
}

/// An audience message (`messages.csv`).
public struct MessageRow: Sendable, Equatable {
    public var messageID: String
    public var accountID: String
    public var receivedAt: Int64
    public var isQuestion: Bool
    public var repliedAt: Int64?

    public init(messageID: String, accountID: String, receivedAt: Int64, isQuestion: Bool, repliedAt: Int64?) {
        self.messageID = messageID
        self.accountID = accountID
        self.receivedAt = receivedAt
        self.isQuestion = isQuestion
        self.repliedAt = repliedAt
    }
}

/// A site session (`sessions.csv`).
public struct SessionRow: Sendable, Equatable {
    public var sessionID: String
    public var visitorID: String
    public var startedAt: Int64
    public var utmSource: String?
    public var utmMedium: String?
    public var utmCampaign: String?
    public var utmContent: String?
    public var utmTerm: String?
    public var referrer: String?
    public var landingPage: String?
    public var converted = false
    public var conversionValueCents: Int?
    public var lead = false

    public init(sessionID: String, visitorID: String, startedAt: Int64) {
        self.sessionID = sessionID
        self.visitorID = visitorID
        self.startedAt = startedAt
    }
}

/// A post as shown in post tables and top-5 lists.
public typealias PostRecord = PostMetrics

/// A tracked-link click the server recorded (`GET /r/{code}`).
public struct ClickRow: Sendable, Equatable {
    public var code: String
    public var at: Int64
    /// The daily salted visitor hash.
    public var visitor: String
    public var userAgent: String?
    /// `AgentClass` raw value.
    public var agentClass: String
    public var referrer: String?
    public var isBot: Bool
    /// Tells apart clicks of the same link, second and visitor (unique per process).
    public var occurrence: Int

    public init(code: String, at: Int64, visitor: String, userAgent: String?, agentClass: String, referrer: String?, isBot: Bool, occurrence: Int) {
        self.code = code
        self.at = at
        self.visitor = visitor
        self.userAgent = userAgent.map { String($0.prefix(512)) }
        self.agentClass = agentClass
        self.referrer = referrer.map { String($0.prefix(1024)) }
        self.isBot = isBot
        self.occurrence = occurrence
    }

    /// The row's values for `ClickRow.insertSQL` (`?1` … `?9`).
    var values: [StoreValue] {
        [.text(code), .int(Int(at)), .text(visitor), userAgent.map { .text($0) } ?? .null, .text(agentClass),
         referrer.map { .text($0) } ?? .null, .int(isBot ? 1 : 0), .int(occurrence), .int(Int(at / 86_400))]
    }

    /// One click; its owner is the link's employee when it is recorded. A click already
    /// stored (same key) is not stored twice, so a spooled batch can move in again safely.
    static let insertSQL = """
        INSERT INTO clicks (link_code, clicked_at, visitor_hash, user_agent, agent_class, referrer, is_bot, occurrence, import_id, day, employee_id)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0, ?9, (SELECT l.employee_id FROM links l WHERE l.link_code = ?1))
        ON CONFLICT (link_code, clicked_at, visitor_hash, occurrence) DO NOTHING
        """
}
