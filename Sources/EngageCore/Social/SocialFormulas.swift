/// The formulas of METRICS.md §1, each a function of plain values. A zero or unknown
/// denominator yields nil.
public enum SocialFormulas {
    /// likes + comments + shares (saves, clicks and other reactions are not engagement).
    public static func engagements(likes: Int, comments: Int, shares: Int) -> Int { Checked.saturating(Checked.saturating(likes, comments), shares) }

    /// new_followers / followers_end × 100.
    public static func followerGrowthGrossPct(newFollowers: Int?, followersEnd: Int?) -> Double? {
        percent(newFollowers.double, followersEnd.double)
    }

    /// (new_followers − unfollows) / followers_end × 100.
    public static func followerGrowthNetPct(newFollowers: Int?, unfollows: Int?, followersEnd: Int?) -> Double? {
        guard let n = newFollowers, let u = unfollows else { return nil }
        return percent(Double(n - u), followersEnd.double)
    }

    /// posts / days in period.
    public static func postsPerDay(posts: Int, days: Int) -> Double? { ratio(Double(posts), Double(days)) }

    /// likes / followers_end × 100.
    public static func loveRatePct(likes: Int, followersEnd: Int?) -> Double? { percent(Double(likes), followersEnd.double) }

    /// comments / followers_end × 100.
    public static func talkRatePct(comments: Int, followersEnd: Int?) -> Double? { percent(Double(comments), followersEnd.double) }

    /// shares / posts × 100 (the seed's definition).
    public static func amplificationRatePct(shares: Int, posts: Int) -> Double? { percent(Double(shares), Double(posts)) }

    /// engagements / followers_end × 100.
    public static func erFollowersPct(engagements: Int, followersEnd: Int?) -> Double? {
        percent(Double(engagements), followersEnd.double)
    }

    /// engaged users / followers_end × 100.
    public static func erUniquePct(engagedUsers: Int?, followersEnd: Int?) -> Double? {
        percent(engagedUsers.double, followersEnd.double)
    }

    /// engagements / reach × 100 (ERR).
    public static func errPct(engagements: Int, reach: Int?) -> Double? { percent(Double(engagements), reach.double) }

    /// engagements / views × 100.
    public static func erViewPct(engagements: Int, views: Int?) -> Double? { percent(Double(engagements), views.double) }

    /// engagements / posts / unique_visitors × 100.
    public static func avgPostERVisitorsPct(engagements: Int, posts: Int, uniqueVisitors: Int?) -> Double? {
        guard let perPost = ratio(Double(engagements), Double(posts)) else { return nil }
        return percent(perPost, uniqueVisitors.double)
    }

    /// engagements / unique_visitors × 100.
    public static func communityERVisitorsPct(engagements: Int, uniqueVisitors: Int?) -> Double? {
        percent(Double(engagements), uniqueVisitors.double)
    }

    /// clicks / impressions × 100 (views where impressions are not imported).
    public static func ctrPct(clicks: Int?, impressions: Int?) -> Double? { percent(clicks.double, impressions.double) }

    /// spend / clicks.
    public static func cpc(spend: Double?, clicks: Int?) -> Double? { ratio(spend, clicks.double) }

    /// spend / engagements: cost per engagement (the seed's wording is the inverse).
    public static func cpe(spend: Double?, engagements: Int) -> Double? { ratio(spend, Double(engagements)) }

    /// answered questions / questions × 100.
    public static func responseRatePct(answered: Int, questions: Int) -> Double? {
        percent(Double(answered), Double(questions))
    }

    /// (previous average / this average − 1) × 100: positive means answers came faster.
    public static func responseTimeChangePct(previousAvg: Double?, currentAvg: Double?) -> Double? {
        guard let r = ratio(previousAvg, currentAvg) else { return nil }
        return (r - 1) * 100
    }

    /// Followers grew while ER by followers fell by 20 % or more (relative) against the
    /// previous period: the seed's sign of bought followers.
    public static func growthWithoutEngagement(netGrowth: Int?, erFollowersPct: Double?, previousERFollowersPct: Double?) -> Bool {
        guard let g = netGrowth, g > 0, let now = erFollowersPct, let before = previousERFollowersPct, before > 0 else {
            return false
        }
        return now <= before * 0.8
    }

    /// ER Post averaged over single posts: mean of engagements / followers on the post's
    /// day × 100, leaving out posts whose followers are unknown or 0.
    public static func erPostAverage(_ posts: [(engagements: Int, followers: Int?)]) -> Double? {
        var sum = 0.0, n = 0
        for p in posts {
            guard let f = p.followers, f > 0 else { continue }
            sum += Double(p.engagements) / Double(f)
            n += 1
        }
        return n == 0 ? nil : sum / Double(n) * 100
    }

    /// ER View averaged: mean of engagements / views × 100 over posts with views > 0.
    public static func erViewAverage(_ posts: [(engagements: Int, views: Int)]) -> Double? {
        var acc = ERViewAccumulator()
        for p in posts { acc.add(engagements: p.engagements, views: p.views) }
        return acc.averagePct
    }
}

/// Posts of one local day (or one day and one slice: an hour, a type, a rubric), summed.
/// All posts of a day share that day's follower count, so the per-post ER averages can be
/// computed exactly from these sums.
public struct DayPosts: Sendable, Equatable {
    public var date: LocalDate
    public var posts: Int
    public var engagements: Int

    public init(date: LocalDate, posts: Int, engagements: Int) {
        self.date = date
        self.posts = posts
        self.engagements = engagements
    }
}

/// Running sum for an ER View average: Σ engagements / views over the posts with views, and
/// their number — additive, so per-day sums (the post rollup) add up to the period's, and a
/// post taken out (`sign` −1) is subtracted exactly.
public struct ERViewAccumulator: Sendable, Equatable {
    public var sum = 0.0
    public var posts = 0

    public init(sum: Double = 0, posts: Int = 0) {
        self.sum = sum
        self.posts = posts
    }

    public mutating func add(engagements: Int, views: Int?, sign: Int = 1) {
        guard let views, views > 0 else { return }
        sum += Double(sign) * Double(engagements) / Double(views)
        posts += sign
    }

    public mutating func merge(_ o: ERViewAccumulator) {
        sum += o.sum
        posts += o.posts
    }

    /// Mean ER View, in percent; nil without a post with views.
    public var averagePct: Double? { posts == 0 ? nil : sum / Double(posts) * 100 }
}

/// Running sum for an ER Post average (Σ engagements / followers over posts, and n).
public struct ERPostAccumulator: Sendable, Equatable {
    public var sum = 0.0
    public var posts = 0
    public var engagements = 0
    public var postsTotal = 0

    public init() {}

    public mutating func add(_ d: DayPosts, followers: FollowerSeries) {
        // saturating: the period's checked totals bound these partial sums
        postsTotal = Checked.saturating(postsTotal, d.posts)
        engagements = Checked.saturating(engagements, d.engagements)
        guard let f = followers.usable(d.date) else { return }
        sum += Double(d.engagements) / f
        posts += d.posts
    }

    /// Mean ER Post, in percent; nil when no post had a usable follower count.
    public var averagePct: Double? { posts == 0 ? nil : sum / Double(posts) * 100 }
}

extension SocialFormulas {
    /// ER Post averaged, from per-day sums (equal to `erPostAverage` over the single posts).
    public static func erPostAverage(days: [DayPosts], followers: FollowerSeries) -> Double? {
        var acc = ERPostAccumulator()
        for d in days { acc.add(d, followers: followers) }
        return acc.averagePct
    }

    /// ER Day averaged: mean over the days of the period of (engagements of posts published
    /// that day / followers that day × 100); days without posts count as 0; days whose
    /// followers are unknown or 0 are left out.
    public static func erDayAverage(days: [DayPosts], followers: FollowerSeries, period: Period) -> Double? {
        var byDay: [Int: Int] = [:]
        for d in days { byDay[d.date.dayNumber] = Checked.saturating(byDay[d.date.dayNumber] ?? 0, d.engagements) }
        var sum = 0.0, n = 0
        for dn in period.from.dayNumber...period.to.dayNumber {
            guard let f = followers.usable(LocalDate(dayNumber: dn)) else { continue }
            sum += Double(byDay[dn] ?? 0) / f
            n += 1
        }
        return n == 0 ? nil : sum / Double(n) * 100
    }

    /// Daily ER by followers for the trend chart: one point per day with a usable follower count.
    public static func dailyER(days: [DayPosts], followers: FollowerSeries, period: Period) -> [(date: LocalDate, erPct: Double)] {
        var byDay: [Int: Int] = [:]
        for d in days { byDay[d.date.dayNumber] = Checked.saturating(byDay[d.date.dayNumber] ?? 0, d.engagements) }
        var out: [(LocalDate, Double)] = []
        for dn in period.from.dayNumber...period.to.dayNumber {
            let d = LocalDate(dayNumber: dn)
            guard let f = followers.usable(d) else { continue }
            out.append((d, Double(byDay[dn] ?? 0) / f * 100))
        }
        return out
    }
}
