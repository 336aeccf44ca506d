import EngageCore

/// "Every number can show its formula and inputs": for each metric of an account, the
/// formula with the figures that went into it, e.g. `ER = 386 / 10,412 × 100 = 3.71 %`.
public struct Explain: Sendable {
    public let labels: Labels

    public init(_ labels: Labels) { self.labels = labels }

    public func formulas(_ m: SocialMetrics, days: Int) -> [String: String] {
        let l = labels
        let ru = l.lang == .ru
        /// The words of a formula in the reader's language; the figures are the same.
        func w(_ en: String, _ rus: String) -> String { ru ? rus : en }
        func f(_ num: String, _ den: String, _ result: String, pct: Bool = true) -> String {
            "\(num) / \(den)\(pct ? " × 100" : "") = \(result)"
        }
        let fe = l.int(m.followersEnd)
        let followers = w("followers_end", "подписчики_на_конец"), eng = w("engagements", "вовлечения")
        var out: [String: String] = [:]
        out["followers_end"] = w("followers on the last day of the period (latest snapshot on or before it)",
                                 "подписчики в последний день периода (последний срез не позже него)") + " = \(fe)"
        out["follower_growth_gross_pct"] = w("new_followers", "новые_подписчики") + " / \(followers) × 100 = " + f(l.int(m.newFollowers), fe, l.pct(m.followerGrowthGrossPct))
        out["follower_growth_net_pct"] = "(\(w("new_followers", "новые_подписчики")) − \(w("unfollows", "отписки"))) / \(followers) × 100 = (\(l.int(m.newFollowers)) − \(l.int(m.unfollows))) / \(fe) × 100 = \(l.pct(m.followerGrowthNetPct))"
        out["engagements"] = w("likes + comments + shares", "лайки + комментарии + репосты") + " = \(l.int(m.likes)) + \(l.int(m.comments)) + \(l.int(m.shares)) = \(l.int(m.engagements))"
        out["er_followers_pct"] = "ER = \(eng) / \(followers) × 100 = " + f(l.int(m.engagements), fe, l.pct(m.erFollowersPct))
        out["err_pct"] = "ERR = \(eng) / \(w("reach", "охват")) × 100 = " + f(l.int(m.engagements), l.int(m.reachTotal), l.pct(m.errPct))
        out["er_unique_pct"] = w("engaged_users", "вовлечённые_пользователи") + " / \(followers) × 100 = " + f(l.int(m.engagedUsers), fe, l.pct(m.erUniquePct))
        out["love_rate_pct"] = w("likes", "лайки") + " / \(followers) × 100 = " + f(l.int(m.likes), fe, l.pct(m.loveRatePct))
        out["talk_rate_pct"] = w("comments", "комментарии") + " / \(followers) × 100 = " + f(l.int(m.comments), fe, l.pct(m.talkRatePct))
        out["amplification_rate_pct"] = w("shares / posts", "репосты / публикации") + " × 100 = " + f(l.int(m.shares), l.int(m.posts), l.pct(m.amplificationRatePct))
        out["posts_per_day"] = w("posts / days", "публикации / дни") + " = " + f(l.int(m.posts), l.int(days), l.num(m.postsPerDay), pct: false)
        out["er_day_avg_pct"] = w("mean over days of (engagements of that day's posts / followers that day × 100); days without posts count as 0",
                                  "среднее по дням (вовлечения публикаций дня / подписчики в этот день × 100); дни без публикаций считаются как 0") + " = \(l.pct(m.erDayAvgPct))"
        out["er_post_avg_pct"] = w("mean over \(l.int(m.posts)) posts of (engagements / followers on the post's day × 100)",
                                   "среднее по \(l.int(m.posts)) публикациям (вовлечения / подписчики в день публикации × 100)") + " = \(l.pct(m.erPostAvgPct))"
        out["er_view_avg_pct"] = w("mean over posts with views > 0 of (engagements / views × 100)",
                                   "среднее по публикациям с просмотрами > 0 (вовлечения / просмотры × 100)") + " = \(l.pct(m.erViewAvgPct))"
        out["avg_post_er_visitors_pct"] = w("engagements / posts / unique_visitors × 100", "вовлечения / публикации / уникальные_посетители × 100")
            + " = \(l.int(m.engagements)) / \(l.int(m.posts)) / \(l.int(m.uniqueVisitors)) × 100 = \(l.pct(m.avgPostERVisitorsPct))"
        out["community_er_visitors_pct"] = "\(eng) / \(w("unique_visitors", "уникальные_посетители")) × 100 = " + f(l.int(m.engagements), l.int(m.uniqueVisitors), l.pct(m.communityERVisitorsPct))
        let ctrBase = m.ctrBase == m.viewsTotal ? w("views", "просмотры") : w("impressions", "показы")
        out["ctr_pct"] = "\(w("clicks", "клики")) / \(ctrBase) × 100 = " + f(l.int(m.clicks), l.int(m.ctrBase), l.pct(m.ctrPct))
        out["cpc"] = w("spend / clicks", "расход / клики") + " = " + f(l.money(m.spend), l.int(m.clicks), l.money(m.cpc), pct: false)
        out["cpe"] = w("spend / engagements", "расход / вовлечения") + " = " + f(l.money(m.spend), l.int(m.engagements), l.money(m.cpe), pct: false)
        out["response_rate_pct"] = w("answered questions / questions", "отвеченные вопросы / вопросы") + " × 100 = " + f(l.int(m.answeredQuestions), l.int(m.questions), l.pct(m.responseRatePct))
        out["response_time_change_pct"] = w("(previous average / this average − 1) × 100", "(прежнее среднее / текущее среднее − 1) × 100")
            + " = \(l.pct(m.responseTimeChangePct)) " + w("(positive = faster)", "(плюс — быстрее)")
        out["reach_total"] = m.reachIsUpperBound
            ? w("Σ daily reach", "Σ дневного охвата") + " = \(l.int(m.reachTotal)) (\(l["upper_bound"]))"
            : w("reach reported by the network for this period", "охват за этот период по данным сети") + " = \(l.int(m.reachTotal))"
        out["unique_visitors"] = m.uniqueVisitorsIsUpperBound
            ? w("Σ daily unique visitors", "Σ дневных уникальных посетителей") + " = \(l.int(m.uniqueVisitors)) (\(l["upper_bound"]))"
            : w("unique visitors reported by the network for this period", "уникальные посетители за этот период по данным сети") + " = \(l.int(m.uniqueVisitors))"
        return out
    }
}
