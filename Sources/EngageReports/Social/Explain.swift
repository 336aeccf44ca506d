import EngageCore

/// "Every number can show its formula and inputs": for each metric of an account, the
/// formula with the figures that went into it, e.g. `ER = 386 / 10,412 × 100 = 3.71 %`.
public struct Explain: Sendable {
    public let labels: Labels

    public init(_ labels: Labels) { self.labels = labels }

    public func formulas(_ m: SocialMetrics, days: Int) -> [String: String] {
        let l = labels
        func f(_ num: String, _ den: String, _ result: String, pct: Bool = true) -> String {
            "\(num) / \(den)\(pct ? " × 100" : "") = \(result)"
        }
        let fe = l.int(m.followersEnd)
        var out: [String: String] = [:]
        out["followers_end"] = "followers on the last day of the period (latest snapshot on or before it) = \(fe)"
        out["follower_growth_gross_pct"] = "new_followers / followers_end × 100 = " + f(l.int(m.newFollowers), fe, l.pct(m.followerGrowthGrossPct))
        out["follower_growth_net_pct"] = "(new_followers − unfollows) / followers_end × 100 = (\(l.int(m.newFollowers)) − \(l.int(m.unfollows))) / \(fe) × 100 = \(l.pct(m.followerGrowthNetPct))"
        out["engagements"] = "likes + comments + shares = \(l.int(m.likes)) + \(l.int(m.comments)) + \(l.int(m.shares)) = \(l.int(m.engagements))"
        out["er_followers_pct"] = "ER = engagements / followers_end × 100 = " + f(l.int(m.engagements), fe, l.pct(m.erFollowersPct))
        out["err_pct"] = "ERR = engagements / reach × 100 = " + f(l.int(m.engagements), l.int(m.reachTotal), l.pct(m.errPct))
        out["er_unique_pct"] = "engaged_users / followers_end × 100 = " + f(l.int(m.engagedUsers), fe, l.pct(m.erUniquePct))
        out["love_rate_pct"] = "likes / followers_end × 100 = " + f(l.int(m.likes), fe, l.pct(m.loveRatePct))
        out["talk_rate_pct"] = "comments / followers_end × 100 = " + f(l.int(m.comments), fe, l.pct(m.talkRatePct))
        out["amplification_rate_pct"] = "shares / posts × 100 = " + f(l.int(m.shares), l.int(m.posts), l.pct(m.amplificationRatePct))
        out["posts_per_day"] = "posts / days = " + f(l.int(m.posts), l.int(days), l.num(m.postsPerDay), pct: false)
        out["er_day_avg_pct"] = "mean over days of (engagements of that day's posts / followers that day × 100); days without posts count as 0 = \(l.pct(m.erDayAvgPct))"
        out["er_post_avg_pct"] = "mean over \(l.int(m.posts)) posts of (engagements / followers on the post's day × 100) = \(l.pct(m.erPostAvgPct))"
        out["er_view_avg_pct"] = "mean over posts with views > 0 of (engagements / views × 100) = \(l.pct(m.erViewAvgPct))"
        out["avg_post_er_visitors_pct"] = "engagements / posts / unique_visitors × 100 = \(l.int(m.engagements)) / \(l.int(m.posts)) / \(l.int(m.uniqueVisitors)) × 100 = \(l.pct(m.avgPostERVisitorsPct))"
        out["community_er_visitors_pct"] = "engagements / unique_visitors × 100 = " + f(l.int(m.engagements), l.int(m.uniqueVisitors), l.pct(m.communityERVisitorsPct))
        out["ctr_pct"] = "clicks / \(m.ctrBase == m.viewsTotal ? "views" : "impressions") × 100 = " + f(l.int(m.clicks), l.int(m.ctrBase), l.pct(m.ctrPct))
        out["cpc"] = "spend / clicks = " + f(l.money(m.spend), l.int(m.clicks), l.money(m.cpc), pct: false)
        out["cpe"] = "spend / engagements = " + f(l.money(m.spend), l.int(m.engagements), l.money(m.cpe), pct: false)
        out["response_rate_pct"] = "answered questions / questions × 100 = " + f(l.int(m.answeredQuestions), l.int(m.questions), l.pct(m.responseRatePct))
        out["response_time_change_pct"] = "(previous average / this average − 1) × 100 = \(l.pct(m.responseTimeChangePct)) (positive = faster)"
        out["reach_total"] = m.reachIsUpperBound
            ? "Σ daily reach = \(l.int(m.reachTotal)) (\(l["upper_bound"]))"
            : "reach reported by the network for this period = \(l.int(m.reachTotal))"
        out["unique_visitors"] = m.uniqueVisitorsIsUpperBound
            ? "Σ daily unique visitors = \(l.int(m.uniqueVisitors)) (\(l["upper_bound"]))"
            : "unique visitors reported by the network for this period = \(l.int(m.uniqueVisitors))"
        return out
    }
}
