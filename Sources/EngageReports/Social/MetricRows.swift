import EngageCore

/// The rows of the monthly SMM report (the seed's template first, then every other metric),
/// formatted for people: shared by the Markdown and HTML renderers.
struct MetricRow {
    var key: String
    var label: String
    var value: String
    var previous: String
}

extension SocialMetrics {
    /// Whether the period has any data at all (posts, a follower count or reach): a period
    /// without is not compared with ("n/a"), rather than counted as zeros.
    public var hasData: Bool { posts > 0 || followersEnd != nil || reachTotal != nil }

    /// The KPI `key` as a number, for changes between periods (nil: unknown).
    public func number(_ key: String) -> Double? {
        switch key {
        case "followers_end": return followersEnd.map(Double.init)
        case "follower_growth_net_pct": return followerGrowthNetPct
        case "reach_total": return reachTotal.map(Double.init)
        case "engagements": return Double(engagements)
        case "posts": return Double(posts)
        case "er_followers_pct": return erFollowersPct
        case "er_post_avg_pct": return erPostAvgPct
        case "err_pct": return errPct
        default: return nil
        }
    }

    func display(_ key: String, _ l: Labels) -> String {
        switch key {
        case "followers_end": return l.int(followersEnd)
        case "new_followers": return l.int(newFollowers)
        case "unfollows": return l.int(unfollows)
        case "follower_growth_gross_pct": return l.pct(followerGrowthGrossPct)
        case "follower_growth_net_pct": return l.pct(followerGrowthNetPct)
        case "reach_total": return l.int(reachTotal) + (reachTotal != nil && reachIsUpperBound ? " ≤" : "")
        case "reach_organic": return l.int(reachOrganic)
        case "reach_viral": return l.int(reachViral)
        case "reach_paid": return l.int(reachPaid)
        case "unique_visitors": return l.int(uniqueVisitors) + (uniqueVisitors != nil && uniqueVisitorsIsUpperBound ? " ≤" : "")
        case "views_total": return l.int(viewsTotal)
        case "posts": return l.int(posts)
        case "posts_per_day": return l.num(postsPerDay)
        case "likes": return l.int(likes)
        case "comments": return l.int(comments)
        case "shares": return l.int(shares)
        case "engagements": return l.int(engagements)
        case "love_rate_pct": return l.pct(loveRatePct, digits: 3)
        case "talk_rate_pct": return l.pct(talkRatePct, digits: 3)
        case "amplification_rate_pct": return l.pct(amplificationRatePct)
        case "er_followers_pct": return l.pct(erFollowersPct)
        case "er_unique_pct": return l.pct(erUniquePct)
        case "err_pct": return l.pct(errPct)
        case "er_day_avg_pct": return l.pct(erDayAvgPct, digits: 3)
        case "er_post_avg_pct": return l.pct(erPostAvgPct, digits: 3)
        case "er_view_avg_pct": return l.pct(erViewAvgPct)
        case "avg_post_er_visitors_pct": return l.pct(avgPostERVisitorsPct, digits: 3)
        case "community_er_visitors_pct": return l.pct(communityERVisitorsPct)
        case "clicks": return l.int(clicks)
        case "ctr_pct": return l.pct(ctrPct)
        case "spend": return l.money(spend)
        case "cpc": return l.money(cpc)
        case "cpe": return l.money(cpe)
        case "response_rate_pct": return l.pct(responseRatePct)
        case "response_time_avg": return responseTimeAvg.map { l.num($0 / 60, digits: 1) + (l.lang == .en ? " min" : " мин") } ?? "—"
        case "response_time_change_pct": return l.pct(responseTimeChangePct)
        default: return "—"
        }
    }

    /// The seed's monthly template, then the rest of METRICS.md §1.
    static let reportKeys = [
        "followers_end", "new_followers", "unfollows", "follower_growth_gross_pct", "follower_growth_net_pct", "reach_total",
        "unique_visitors", "views_total", "posts", "posts_per_day", "er_followers_pct", "err_pct",
        "likes", "comments", "shares", "engagements", "love_rate_pct", "talk_rate_pct", "amplification_rate_pct",
        "er_unique_pct", "er_day_avg_pct", "er_post_avg_pct", "er_view_avg_pct", "avg_post_er_visitors_pct",
        "community_er_visitors_pct", "reach_organic", "reach_viral", "reach_paid", "clicks", "ctr_pct", "spend", "cpc", "cpe",
        "response_rate_pct", "response_time_avg", "response_time_change_pct",
    ]

    func rows(previous: SocialMetrics, _ l: Labels) -> [MetricRow] {
        Self.reportKeys.map { MetricRow(key: $0, label: l[$0], value: display($0, l), previous: previous.display($0, l)) }
    }
}

/// Keys of the side-by-side comparison.
let comparisonKeys = ["followers_end", "follower_growth_net_pct", "posts", "engagements", "er_post_avg_pct", "er_followers_pct", "err_pct",
                      "love_rate_pct", "talk_rate_pct", "amplification_rate_pct"]
