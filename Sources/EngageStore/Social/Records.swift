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
    /// Archived in the dashboard: reports leave it out unless it is asked for by id.
    public var archived = false

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
    /// For lifetime totals taken from a native export: the day they were taken. A stored
    /// post with a later `asOf` is kept (an older export never overwrites a newer one).
    public var asOf: LocalDate?

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

/// A day of an account as a native export gives it: only the figures it carries (nil keeps
/// what is stored). `followers` is a total the file (or an anchor) states; days without
/// one get theirs rebuilt from the daily changes (`FollowerRebuild`).
public struct DailyPatch: Sendable, Equatable {
    public var accountID: String
    public var date: LocalDate
    public var followers: Int?
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

    public init(accountID: String, date: LocalDate) {
        self.accountID = accountID
        self.date = date
    }
}
