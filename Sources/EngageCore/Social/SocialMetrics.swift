/// What an engine aggregates for one account and one period: sums and per-day figures,
/// never single rows of large tables. `SocialMetrics` applies the formulas to it.
public struct AccountFigures: Sendable {
    public var followers = FollowerSeries()
    public var newFollowers: Int?
    public var unfollows: Int?
    public var reach: Int?
    public var reachOrganic: Int?
    public var reachViral: Int?
    public var reachPaid: Int?
    /// True when reach came from a network-reported total for exactly this period
    /// (`account_periods.csv`); false when daily reaches were summed (an upper bound).
    public var reachFromNetworkPeriod = false
    public var uniqueVisitors: Int?
    public var uniqueVisitorsFromNetworkPeriod = false
    public var engagedUsers: Int?
    public var impressions: Int?
    public var posts = 0
    public var likes = 0
    public var comments = 0
    public var shares = 0
    public var views = 0
    public var clicks: Int?
    /// Σ spend of the period's posts plus Σ costs, in cents; nil when neither has a value.
    public var spendCents: Int?
    /// Posts per local day of publication (only days with posts).
    public var days: [DayPosts] = []
    /// Σ engagements / views over posts with views > 0, and their count.
    public var erView = ERViewAccumulator()
    public var questions = 0
    public var answeredQuestions = 0
    /// Seconds from question to first reply, for answered questions.
    public var responseTimes: [Double] = []

    public init() {}
}

/// Every metric of METRICS.md §1 for one account and period.
public struct SocialMetrics: Sendable {
    public var followersEnd: Int?
    public var newFollowers: Int?
    public var unfollows: Int?
    public var followerGrowthGrossPct: Double?
    public var followerGrowthNetPct: Double?
    public var viewsTotal: Int
    public var reachTotal: Int?
    public var reachIsUpperBound: Bool
    public var reachOrganic: Int?
    public var reachViral: Int?
    public var reachPaid: Int?
    public var uniqueVisitors: Int?
    public var uniqueVisitorsIsUpperBound: Bool
    public var engagedUsers: Int?
    public var posts: Int
    public var postsPerDay: Double?
    public var likes: Int
    public var comments: Int
    public var shares: Int
    public var engagements: Int
    public var loveRatePct: Double?
    public var talkRatePct: Double?
    public var amplificationRatePct: Double?
    public var erFollowersPct: Double?
    public var erUniquePct: Double?
    public var errPct: Double?
    public var erDayAvgPct: Double?
    public var erPostAvgPct: Double?
    public var erViewAvgPct: Double?
    public var avgPostERVisitorsPct: Double?
    public var communityERVisitorsPct: Double?
    public var clicks: Int?
    public var ctrPct: Double?
    public var ctrBase: Int?
    public var spend: Double?
    public var cpc: Double?
    public var cpe: Double?
    public var questions: Int
    public var answeredQuestions: Int
    public var responseRatePct: Double?
    public var responseTimeAvg: Double?
    public var responseTimeMedian: Double?
    public var responseTimeChangePct: Double?
    public var growthWithoutEngagement: Bool

    /// What the previous period contributes: its ER by followers and response time.
    public struct Previous: Sendable {
        public var erFollowersPct: Double?
        public var responseTimeAvg: Double?
        public init(erFollowersPct: Double?, responseTimeAvg: Double?) {
            self.erFollowersPct = erFollowersPct
            self.responseTimeAvg = responseTimeAvg
        }
    }

    public init(_ f: AccountFigures, period: Period, previous: Previous?) {
        typealias F = SocialFormulas
        let fe = f.followers.on(period.to)
        followersEnd = fe
        newFollowers = f.newFollowers
        unfollows = f.unfollows
        followerGrowthGrossPct = F.followerGrowthGrossPct(newFollowers: f.newFollowers, followersEnd: fe)
        followerGrowthNetPct = F.followerGrowthNetPct(newFollowers: f.newFollowers, unfollows: f.unfollows, followersEnd: fe)
        viewsTotal = f.views
        reachTotal = f.reach
        reachIsUpperBound = !f.reachFromNetworkPeriod
        reachOrganic = f.reachOrganic
        reachViral = f.reachViral
        reachPaid = f.reachPaid
        uniqueVisitors = f.uniqueVisitors
        uniqueVisitorsIsUpperBound = !f.uniqueVisitorsFromNetworkPeriod
        engagedUsers = f.engagedUsers
        posts = f.posts
        postsPerDay = F.postsPerDay(posts: f.posts, days: period.days)
        likes = f.likes
        comments = f.comments
        shares = f.shares
        let eng = F.engagements(likes: f.likes, comments: f.comments, shares: f.shares)
        engagements = eng
        loveRatePct = F.loveRatePct(likes: f.likes, followersEnd: fe)
        talkRatePct = F.talkRatePct(comments: f.comments, followersEnd: fe)
        amplificationRatePct = F.amplificationRatePct(shares: f.shares, posts: f.posts)
        erFollowersPct = F.erFollowersPct(engagements: eng, followersEnd: fe)
        erUniquePct = F.erUniquePct(engagedUsers: f.engagedUsers, followersEnd: fe)
        errPct = F.errPct(engagements: eng, reach: f.reach)
        erDayAvgPct = F.erDayAverage(days: f.days, followers: f.followers, period: period)
        erPostAvgPct = F.erPostAverage(days: f.days, followers: f.followers)
        erViewAvgPct = f.erView.averagePct
        avgPostERVisitorsPct = F.avgPostERVisitorsPct(engagements: eng, posts: f.posts, uniqueVisitors: f.uniqueVisitors)
        communityERVisitorsPct = F.communityERVisitorsPct(engagements: eng, uniqueVisitors: f.uniqueVisitors)
        clicks = f.clicks
        ctrBase = f.impressions ?? f.views
        ctrPct = F.ctrPct(clicks: f.clicks, impressions: ctrBase)
        let spendValue = f.spendCents.map { Double($0) / 100 }
        spend = spendValue
        cpc = F.cpc(spend: spendValue, clicks: f.clicks)
        cpe = F.cpe(spend: spendValue, engagements: eng)
        questions = f.questions
        answeredQuestions = f.answeredQuestions
        responseRatePct = F.responseRatePct(answered: f.answeredQuestions, questions: f.questions)
        responseTimeAvg = Statistics.mean(f.responseTimes)
        responseTimeMedian = Statistics.median(f.responseTimes)
        responseTimeChangePct = F.responseTimeChangePct(previousAvg: previous?.responseTimeAvg, currentAvg: responseTimeAvg)
        let net = f.newFollowers.flatMap { n in f.unfollows.map { n - $0 } }
        growthWithoutEngagement = F.growthWithoutEngagement(
            netGrowth: net, erFollowersPct: erFollowersPct, previousERFollowersPct: previous?.erFollowersPct)
    }
}

/// One post's figures and its per-post rates (against followers on its publication day).
public struct PostMetrics: Sendable {
    public var postID: String
    public var publishedAt: Int64
    public var date: LocalDate
    public var type: String?
    public var rubric: String?
    public var url: String?
    public var likes: Int
    public var comments: Int
    public var shares: Int
    public var views: Int?
    public var reach: Int?
    public var followers: Int?
    public var engagements: Int { Checked.saturating(Checked.saturating(likes, comments), shares) }
    public var erPostPct: Double? {
        guard let f = followers, f > 0 else { return nil }
        return percent(Double(engagements), Double(f))
    }
    public var errPct: Double? { SocialFormulas.errPct(engagements: engagements, reach: reach) }
    public var erViewPct: Double? { SocialFormulas.erViewPct(engagements: engagements, views: views) }
    public var loveRatePct: Double? { erPostPct == nil ? nil : SocialFormulas.loveRatePct(likes: likes, followersEnd: followers) }
    public var talkRatePct: Double? { erPostPct == nil ? nil : SocialFormulas.talkRatePct(comments: comments, followersEnd: followers) }

    public init(postID: String, publishedAt: Int64, date: LocalDate, type: String?, rubric: String?, url: String?,
                likes: Int, comments: Int, shares: Int, views: Int?, reach: Int?, followers: Int?) {
        self.postID = postID
        self.publishedAt = publishedAt
        self.date = date
        self.type = type
        self.rubric = rubric
        self.url = url
        self.likes = likes
        self.comments = comments
        self.shares = shares
        self.views = views
        self.reach = reach
        self.followers = followers
    }

    /// Top-posts order: larger reach first; ties: more engagements, then earlier, then id.
    public static func topOrder(_ a: PostMetrics, _ b: PostMetrics) -> Bool {
        if (a.reach ?? -1) != (b.reach ?? -1) { return (a.reach ?? -1) > (b.reach ?? -1) }
        if a.engagements != b.engagements { return a.engagements > b.engagements }
        if a.publishedAt != b.publishedAt { return a.publishedAt < b.publishedAt }
        return a.postID < b.postID
    }
}
