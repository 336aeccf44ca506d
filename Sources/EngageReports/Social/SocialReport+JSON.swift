import EngageCore
import EngageStore

extension SocialReport {
    /// The `engage report social --format json` object (CONTRACT.md §2; keys of METRICS.md).
    public var json: JSONValue {
        .object([
            ("period", .object([("from", .string(period.from.description)), ("to", .string(period.to.description))])),
            ("accounts", .array(accounts.map(\.json))),
            ("traffic", traffic.json),
        ])
    }
}

extension SocialMetrics {
    /// The metric keys of METRICS.md §1, in its order.
    public var jsonFields: [(String, JSONValue)] {
        [
            ("followers_end", .from(followersEnd)),
            ("new_followers", .from(newFollowers)),
            ("unfollows", .from(unfollows)),
            ("follower_growth_gross_pct", .from(followerGrowthGrossPct)),
            ("follower_growth_net_pct", .from(followerGrowthNetPct)),
            ("views_total", .int(viewsTotal)),
            ("reach_total", .from(reachTotal)),
            ("reach_is_upper_bound", .bool(reachIsUpperBound)),
            ("reach_organic", .from(reachOrganic)),
            ("reach_viral", .from(reachViral)),
            ("reach_paid", .from(reachPaid)),
            ("unique_visitors", .from(uniqueVisitors)),
            ("unique_visitors_is_upper_bound", .bool(uniqueVisitorsIsUpperBound)),
            ("posts", .int(posts)),
            ("posts_per_day", .from(postsPerDay)),
            ("likes", .int(likes)),
            ("comments", .int(comments)),
            ("shares", .int(shares)),
            ("engagements", .int(engagements)),
            ("love_rate_pct", .from(loveRatePct)),
            ("talk_rate_pct", .from(talkRatePct)),
            ("amplification_rate_pct", .from(amplificationRatePct)),
            ("er_followers_pct", .from(erFollowersPct)),
            ("engaged_users", .from(engagedUsers)),
            ("er_unique_pct", .from(erUniquePct)),
            ("err_pct", .from(errPct)),
            ("er_day_avg_pct", .from(erDayAvgPct)),
            ("er_post_avg_pct", .from(erPostAvgPct)),
            ("er_view_avg_pct", .from(erViewAvgPct)),
            ("avg_post_er_visitors_pct", .from(avgPostERVisitorsPct)),
            ("community_er_visitors_pct", .from(communityERVisitorsPct)),
            ("clicks", .from(clicks)),
            ("ctr_pct", .from(ctrPct)),
            ("spend", .from(spend)),
            ("cpc", .from(cpc)),
            ("cpe", .from(cpe)),
            ("questions", .int(questions)),
            ("answered_questions", .int(answeredQuestions)),
            ("response_rate_pct", .from(responseRatePct)),
            ("response_time_avg", .from(responseTimeAvg)),
            ("response_time_median", .from(responseTimeMedian)),
            ("response_time_change_pct", .from(responseTimeChangePct)),
            ("growth_without_engagement", .bool(growthWithoutEngagement)),
        ]
    }
}

extension PostMetrics {
    public var json: JSONValue {
        .object([
            ("post_id", .string(postID)),
            ("published_at", .string(publishedAt.isoUTC)),
            ("date", .string(date.description)),
            ("type", .from(type)),
            ("rubric", .from(rubric)),
            ("url", .from(url)),
            ("likes", .int(likes)),
            ("comments", .int(comments)),
            ("shares", .int(shares)),
            ("engagements", .int(engagements)),
            ("views", .from(views)),
            ("reach", .from(reach)),
            ("followers", .from(followers)),
            ("er_post_pct", .from(erPostPct)),
            ("err_pct", .from(errPct)),
            ("er_view_pct", .from(erViewPct)),
            ("love_rate_pct", .from(loveRatePct)),
            ("talk_rate_pct", .from(talkRatePct)),
        ])
    }
}

extension Breakdown {
    func json(_ keyName: String, numeric: Bool) -> JSONValue {
        .object([
            (keyName, numeric ? .int(Int(key) ?? 0) : .string(key)),
            ("posts", .int(posts)),
            ("engagements", .int(engagements)),
            ("er_post_avg_pct", .from(erPostAvgPct)),
        ])
    }
}

extension AccountReport {
    public var json: JSONValue {
        var kv: [(String, JSONValue)] = [
            ("account_id", .string(account.accountID)),
            ("network", .string(account.network)),
            ("name", .from(account.name)),
            ("competitor", .bool(account.competitor)),
            ("timezone", .string(account.timezone)),
        ]
        kv += metrics.jsonFields
        kv.append(("previous_period", .object([
            ("followers_end", .from(previous.followersEnd)),
            ("follower_growth_net_pct", .from(previous.followerGrowthNetPct)),
            ("reach_total", .from(previous.reachTotal)),
            ("engagements", .int(previous.engagements)),
            ("er_followers_pct", .from(previous.erFollowersPct)),
            ("err_pct", .from(previous.errPct)),
            ("response_time_avg", .from(previous.responseTimeAvg)),
        ])))
        let l = Labels(.en)
        kv.append(("missing_inputs", .array(missingInputs.map { .object([("input", .string($0)), ("hint", .string(l["missing_" + $0]))]) })))
        kv.append(("top_posts", .array(topPosts.map(\.json))))
        kv.append(("er_by_weekday", .array(byWeekday.map { $0.json("weekday", numeric: true) })))
        kv.append(("er_by_hour", .array(byHour.map { $0.json("hour", numeric: true) })))
        kv.append(("er_by_type", .array(byType.map { $0.json("type", numeric: false) })))
        kv.append(("er_by_rubric", .array(byRubric.map { $0.json("rubric", numeric: false) })))
        kv.append(("daily_er", .array(dailyER.map { .object([("date", .string($0.date.description)), ("er_followers_pct", .double($0.erPct))]) })))
        return .object(kv)
    }
}

extension TrafficMetrics {
    public var json: JSONValue {
        .object([
            ("sessions", .int(sessions)),
            ("social_sessions", .int(socialSessions)),
            ("new_visits", .int(newVisits)),
            ("returning_visits", .int(returningVisits)),
            ("leads", .int(leads)),
            ("conversions", .int(conversions)),
            ("cpl", .from(cpl)),
            ("channels", .array(channels.map { c in
                .object([
                    ("channel", .string(c.channel)),
                    ("social", .bool(c.social)),
                    ("sessions", .int(c.sessions)),
                    ("last_click_conversions", .int(c.lastClickConversions)),
                    ("assisted_conversions", .int(c.assistedConversions)),
                    ("assisted_to_last_click_ratio", .from(c.assistedToLastClickRatio)),
                ])
            })),
        ])
    }
}
