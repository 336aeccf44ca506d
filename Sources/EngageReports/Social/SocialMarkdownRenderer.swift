import EngageCore

/// `--format md`: the monthly SMM report per account, competitors side by side, what works
/// when, traffic, and every formula with its inputs.
public struct SocialMarkdownRenderer: Sendable {
    public let labels: Labels

    public init(lang: Language = .en) { labels = Labels(lang) }

    static func cell(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ") }

    func table(_ header: [String], _ rows: [[String]]) -> String {
        var s = "| " + header.map(Self.cell).joined(separator: " | ") + " |\n"
        s += "|" + header.indices.map { $0 == 0 ? "---" : "---:" }.joined(separator: "|") + "|\n"
        for r in rows { s += "| " + r.map(Self.cell).joined(separator: " | ") + " |\n" }
        return s
    }

    func name(_ a: AccountReport) -> String { a.account.name ?? a.account.accountID }

    public func render(_ r: SocialReport) -> String {
        let l = labels
        var s = "# \(l["title"])\n\n\(l["period"]): \(r.period.from) — \(r.period.to)\n\n"
        if r.accounts.isEmpty { return s + l["no_data"] + "\n" }
        s += "## \(l["comparison"])\n\n"
        s += table([l["account"], l["network"]] + comparisonKeys.map { l[$0] }, r.accounts.map { a in
            [name(a) + (a.account.competitor ? " (\(l["competitors"].lowercased()))" : ""), a.account.network]
                + comparisonKeys.map { a.metrics.display($0, l) }
        }) + "\n"
        for a in r.accounts { s += account(a, period: r.period) }
        s += traffic(r.traffic)
        return s
    }

    func account(_ a: AccountReport, period: Period) -> String {
        let l = labels
        var s = "## \(name(a)) — \(a.account.network)\(a.account.competitor ? " (\(l["competitors"].lowercased()))" : "")\n\n"
        if a.metrics.growthWithoutEngagement { s += "> ⚠ \(l["warning_growth"])\n\n" }
        s += "### \(l["monthly"])\n\n"
        s += table([l["metric"], l["value"], l["previous"]], a.metrics.rows(previous: a.previous, l).map { [$0.label, $0.value, $0.previous] })
        if !a.missingInputs.isEmpty {
            s += "\n**\(l["missing_inputs"])**\n\n" + a.missingInputs.map { "- \(l["missing_" + $0])\n" }.joined()
        }
        s += "\n### \(l["top_posts"])\n\n"
        s += table([l["post"], l["published"], l["reach"], l["engagements"], l["er_post_pct"], l["err_pct"]], a.topPosts.map { p in
            [p.url.map { "[\(p.postID)](\($0))" } ?? p.postID, p.date.description, l.int(p.reach), l.int(p.engagements),
             l.pct(p.erPostPct, digits: 3), l.pct(p.errPct)]
        })
        s += "\n### \(l["when_works"])\n\n"
        s += table([l["weekday"], l["posts"], l["er_post_avg_pct"]], a.byWeekday.map { [l.weekdayName(Int($0.key)!), l.int($0.posts), l.pct($0.erPostAvgPct, digits: 3)] })
        s += "\n" + table([l["hour"], l["posts"], l["er_post_avg_pct"]], a.byHour.map { [$0.key + ":00", l.int($0.posts), l.pct($0.erPostAvgPct, digits: 3)] })
        s += "\n" + table([l["type"], l["posts"], l["er_post_avg_pct"]], a.byType.map { [l.postType($0.key), l.int($0.posts), l.pct($0.erPostAvgPct, digits: 3)] })
        s += "\n" + table([l["rubric"], l["posts"], l["er_post_avg_pct"]], a.byRubric.map { [$0.key.isEmpty ? l["none"] : $0.key, l.int($0.posts), l.pct($0.erPostAvgPct, digits: 3)] })
        s += "\n### \(l["formulas"])\n\n"
        let f = Explain(l).formulas(a.metrics, days: period.days)
        for key in SocialMetrics.reportKeys { if let text = f[key] { s += "- **\(l[key])**: \(text)\n" } }
        return s + "\n"
    }

    func traffic(_ t: TrafficMetrics) -> String {
        let l = labels
        var s = "## \(l["traffic"])\n\n"
        s += table([l["metric"], l["value"]], [
            [l["sessions"], l.int(t.sessions)], [l["social_sessions"], l.int(t.socialSessions)],
            [l["new_visits"], l.int(t.newVisits)], [l["returning_visits"], l.int(t.returningVisits)],
            [l["leads"], l.int(t.leads)], [l["cpl"], l.money(t.cpl)],
        ])
        s += "\n" + table([l["channel"], l["sessions"], l["last_click_conversions"], l["assisted_conversions"], l["assisted_to_last_click_ratio"]],
                          t.channels.map { [$0.channel, l.int($0.sessions), l.int($0.lastClickConversions), l.int($0.assistedConversions), l.num($0.assistedToLastClickRatio)] })
        return s
    }
}
