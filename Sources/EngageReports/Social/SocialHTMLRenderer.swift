import EngageCore
import Foundation

/// `--format html`: one self-contained page (inline CSS and SVG, no scripts, no network
/// fetches), readable on screen and in print. Every figure has its formula and inputs as a
/// tooltip, and each account ends with the same formulas as footnotes.
public struct SocialHTMLRenderer: Sendable {
    public let labels: Labels
    /// Where an account's name links to from the comparison table (its section below, in
    /// the one-page report; its own page, in the dashboard).
    public var accountHref: @Sendable (String) -> String = { "#acc-" + $0 }

    public init(lang: Language = .en) { labels = Labels(lang) }

    func name(_ a: AccountReport) -> String { a.account.name ?? a.account.accountID }

    func value(_ text: String, _ formula: String?) -> String { HTMLPage.value(text, formula) }
    func table(_ header: [String], _ rows: [[String]]) -> String { HTMLPage.table(header, rows) }

    public func render(_ r: SocialReport) -> String {
        let l = labels
        var s = "<h1>\(htmlEscape(l["title"]))</h1><p class=\"muted\">\(htmlEscape(l["period"])): \(r.period.from) — \(r.period.to) · \(htmlEscape(l["generated"]))</p>"
        if r.accounts.isEmpty {
            s += "<p>\(htmlEscape(l["no_data"]))</p>"
        } else {
            s += comparison(r)
            for a in r.accounts { s += account(a, period: r.period, comparison: r.comparison) }
            s += traffic(r.traffic)
        }
        return HTMLPage.document(lang: l.lang, title: "\(l["title"]) \(r.period.from) — \(r.period.to)", s)
    }

    public func comparison(_ r: SocialReport) -> String {
        let l = labels
        var s = "<h2 id=\"comparison\">\(htmlEscape(l["comparison"]))</h2><div class=\"scroll\">"
        s += table([l["account"], l["network"]] + comparisonKeys.map { l[$0] }, r.accounts.map { a in
            let f = Explain(l).formulas(a.metrics, days: r.period.days)
            return ["<a href=\"\(htmlEscape(accountHref(a.account.accountID)))\">\(htmlEscape(name(a)))</a>" + (a.account.competitor ? "<span class=\"tag\">\(htmlEscape(l["competitors"]))</span>" : ""),
                    htmlEscape(a.account.network)] + comparisonKeys.map { value(a.metrics.display($0, l), f[$0]) }
        }) + "</div>"
        s += SVGChart.stacked(
            rows: r.accounts.map { (name($0), [Double($0.metrics.reachOrganic ?? 0), Double($0.metrics.reachViral ?? 0), Double($0.metrics.reachPaid ?? 0)]) },
            partNames: [l["reach_organic"], l["reach_viral"], l["reach_paid"]], title: l["reach_by_kind"], width: 760,
            formatValue: { l.int(Int($0)) })
        return s
    }

    /// Which way a shown figure can be off from the true one: a reach summed over days
    /// (`≤`) is an upper bound, a rate over such a reach (ERR) a lower bound.
    public enum Bound: Sendable { case upper, lower }

    /// A figure's bound, if it has one, by its key.
    static func bound(_ key: String, _ m: SocialMetrics) -> Bound? {
        guard m.reachIsUpperBound, m.reachTotal != nil else { return nil }
        switch key {
        case "reach_total": return .upper
        case "err_pct": return .lower
        default: return nil
        }
    }

    /// A KPI's change against the comparison range: absolute (percentage points for a
    /// percentage) and relative, an arrow and a colour; "n/a" where either side is unknown.
    /// The tooltip names the range and the value there. Where either side is a bound (a
    /// summed reach), a change is claimed only when the bounds make it certain, and then as
    /// "at least"; otherwise the card says the two cannot be compared, and why: a summed
    /// reach that looks lower than last month's may be a true reach that is higher.
    public func change(now: Double?, before: Double?, points: Bool, against: Period, previousText: String,
                       bounds: (now: Bound?, before: Bound?) = (nil, nil)) -> String {
        let l = labels
        let tip = "\(l["compared_with"]) \(against.from) — \(against.to): \(previousText)"
        let prev = "<span class=\"prev\">\(htmlEscape(l["previous_short"])): \(htmlEscape(previousText))</span>"
        guard let now, let before, now.isFinite, before.isFinite else {
            return "<div class=\"d na tip\" tabindex=\"0\" title=\"\(htmlEscape(tip))\">\(htmlEscape(l["change_na"]))</div>"
        }
        let diff = now - before
        let bounded = bounds.now != nil || bounds.before != nil
        let certain = !bounded
            || (diff > 0 && bounds.now != .upper && bounds.before != .lower)
            || (diff < 0 && bounds.now != .lower && bounds.before != .upper)
        guard certain else {
            return "<div class=\"d na tip\" tabindex=\"0\" title=\"\(htmlEscape(tip + " · " + l["bound_note"]))\">\(htmlEscape(l["change_bound"]))\(prev)</div>"
        }
        let sign = diff > 0 ? "+" : ""
        let absText = points ? sign + l.num(diff, digits: 2) + " " + l["pp"] : sign + (diff == diff.rounded() ? whole(diff) : l.num(diff, digits: 2))
        let relText = before == 0 ? "" : " (" + (diff > 0 ? "+" : "") + l.pct(diff / abs(before) * 100, digits: 1) + ")"
        let (cls, arrow) = diff > 0 ? ("up", "▲") : diff < 0 ? ("down", "▼") : ("same", "=")
        let atLeast = bounded ? l["at_least"] + " " : ""
        return "<div class=\"d \(cls) tip\" tabindex=\"0\" title=\"\(htmlEscape(bounded ? tip + " · " + l["bound_note"] : tip))\">\(arrow) \(htmlEscape(atLeast + absText + relText))\(prev)</div>"
    }

    /// A whole number held as a Double (sums and differences of counts), without trapping
    /// beyond Int's range.
    func whole(_ d: Double) -> String { d.magnitude < 9e18 ? labels.int(Int(d)) : labels.num(d, digits: 0) }

    /// The overview's cards: own accounts' followers, engagements, posts and reach, summed,
    /// each against the comparison range.
    public func overviewKPIs(_ r: SocialReport) -> String {
        let l = labels
        let own = r.own
        func sum(_ v: (SocialMetrics) -> Int?) -> Double? {
            let known = own.compactMap { v($0.metrics) }
            return known.isEmpty ? nil : known.reduce(0.0) { $0 + Double($1) }
        }
        func sumBefore(_ v: (SocialMetrics) -> Int?) -> Double? {
            let known = own.filter(\.previous.hasData).compactMap { v($0.previous) }
            return known.isEmpty ? nil : known.reduce(0.0) { $0 + Double($1) }
        }
        var s = "<div class=\"kpis overview\">"
        let cards: [(String, (SocialMetrics) -> Int?)] = [("followers_end", { $0.followersEnd }), ("engagements", { $0.engagements }),
                                                          ("posts", { $0.posts }), ("reach_total", { $0.reachTotal })]
        for (key, v) in cards {
            let now = sum(v), before = sumBefore(v)
            let formula = l["sum_own"] + ": " + own.map { "\(name($0)) \(l.int(v($0.metrics)))" }.joined(separator: " + ")
            s += "<div class=\"kpi\"><div class=\"v\">\(value(now.map(whole) ?? "—", formula))</div><div class=\"k\">\(htmlEscape(l[key])) · \(htmlEscape(l["own_accounts"]))</div>"
                + change(now: now, before: before, points: false, against: r.comparison, previousText: before.map(whole) ?? "—",
                         bounds: (own.contains { Self.bound(key, $0.metrics) != nil } ? .upper : nil,
                                  own.contains { $0.previous.hasData && Self.bound(key, $0.previous) != nil } ? .upper : nil)) + "</div>"
        }
        return s + "</div>"
    }

    public func account(_ a: AccountReport, period: Period, comparison: Period? = nil) -> String {
        let l = labels
        let m = a.metrics
        let f = Explain(l).formulas(m, days: period.days)
        var s = "<h2 id=\"acc-\(htmlEscape(a.account.accountID))\">\(htmlEscape(name(a))) <span class=\"muted\">· \(htmlEscape(a.account.network))</span>"
        if a.account.competitor { s += "<span class=\"tag\">\(htmlEscape(l["competitors"]))</span>" }
        s += "</h2>"
        if m.growthWithoutEngagement { s += "<div class=\"warn\" role=\"alert\">⚠ \(htmlEscape(l["warning_growth"]))</div>" }
        if !a.missingInputs.isEmpty {
            s += "<div class=\"note\"><strong>\(htmlEscape(l["missing_inputs"]))</strong><ul>"
                + a.missingInputs.map { "<li>\(htmlEscape(l["missing_" + $0]))</li>" }.joined() + "</ul></div>"
        }
        s += "<div class=\"kpis\">"
        let against = comparison ?? period.previous
        let before = a.previous.hasData
        // the headline ER is ER per post, as LiveDune and Popsters show it; the period's ER by
        // followers and ERR follow, each with its formula
        for key in ["followers_end", "follower_growth_net_pct", "reach_total", "engagements", "er_post_avg_pct", "er_followers_pct", "err_pct"] {
            s += "<div class=\"kpi\"><div class=\"v\">\(value(m.display(key, l), f[key]))</div><div class=\"k\">\(htmlEscape(l[key]))</div>"
                + change(now: m.number(key), before: before ? a.previous.number(key) : nil, points: key.hasSuffix("_pct"), against: against,
                         previousText: a.previous.display(key, l),
                         bounds: (Self.bound(key, m), before ? Self.bound(key, a.previous) : nil)) + "</div>"
        }
        s += "</div><div class=\"charts\">"
        s += "<figure><figcaption>\(htmlEscape(l["trend"]))</figcaption>" + SVGChart.line(
            a.dailyER.map { .init(label: HTMLPage.shortDate($0.date), value: $0.erPct, tooltip: "\($0.date): ER \(l.pct($0.erPct, digits: 3))") },
            title: l["trend"], unit: "%") + "</figure>"
        s += "<figure><figcaption>\(htmlEscape(l["followers_chart"]))</figcaption>" + SVGChart.line(
            a.followers.map { .init(label: HTMLPage.shortDate($0.date), value: Double($0.followers), tooltip: "\($0.date): \(l.int($0.followers))") },
            title: l["followers_chart"], color: SVGChart.palette[2], fromZero: false, integers: true) + "</figure>"
        s += "<figure><figcaption>\(htmlEscape(l["er_by_weekday"]))</figcaption>" + SVGChart.bars(
            a.byWeekday.map { .init(label: l.weekdayName(Int($0.key)!), value: $0.erPostAvgPct ?? 0,
                                    tooltip: "\(l.weekdayName(Int($0.key)!)): ER Post \(l.pct($0.erPostAvgPct, digits: 3)), \(l.int($0.posts)) \(l["posts"].lowercased())") },
            title: l["er_by_weekday"], color: SVGChart.palette[1], unit: "%") + "</figure>"
        s += "<figure><figcaption>\(htmlEscape(l["reach_by_kind"]))</figcaption>" + SVGChart.bars(
            [("reach_organic", m.reachOrganic), ("reach_viral", m.reachViral), ("reach_paid", m.reachPaid)].map {
                .init(label: l[$0.0], value: Double($0.1 ?? 0), tooltip: "\(l[$0.0]): \(l.int($0.1))")
            }, title: l["reach_by_kind"], color: SVGChart.palette[4], integers: true) + "</figure>"
        s += "</div><h3>\(htmlEscape(l["monthly"]))</h3>"
        s += table([l["metric"], l["value"], l["previous"]], m.rows(previous: a.previous, l).map {
            [htmlEscape($0.label), value($0.value, f[$0.key]), htmlEscape($0.previous)]
        })
        s += "<h3>\(htmlEscape(l["top_posts"]))</h3>"
        s += table([l["post"], l["published"], l["type"], l["reach"], l["engagements"], l["er_post_pct"], l["err_pct"]], a.topPosts.map { p in
            let er = "ER Post = \(l.int(p.engagements)) / \(l.int(p.followers)) × 100"
            let id = p.url.flatMap { u in u.hasPrefix("http://") || u.hasPrefix("https://") ? u : nil }
                .map { "<a href=\"\(htmlEscape($0))\">\(htmlEscape(p.postID))</a>" } ?? htmlEscape(p.postID)
            return [id, htmlEscape(p.date.description), htmlEscape(p.type.map { l.postType($0) } ?? "—"), htmlEscape(l.int(p.reach)), htmlEscape(l.int(p.engagements)),
                    value(l.pct(p.erPostPct, digits: 3), er), value(l.pct(p.errPct), "ERR = \(l.int(p.engagements)) / \(l.int(p.reach)) × 100")]
        })
        s += "<h3>\(htmlEscape(l["when_works"]))</h3><div class=\"cols\">"
        func small(_ head: String, _ rows: [Breakdown], _ label: (Breakdown) -> String) -> String {
            table([head, l["posts"], l["er_post_avg_pct"]], rows.map { [htmlEscape(label($0)), htmlEscape(l.int($0.posts)), htmlEscape(l.pct($0.erPostAvgPct, digits: 3))] })
        }
        s += "<div>" + small(l["weekday"], a.byWeekday) { l.weekdayName(Int($0.key)!) } + "</div>"
        s += "<div>" + small(l["type"], a.byType) { l.postType($0.key) } + "</div>"
        s += "<div>" + small(l["rubric"], a.byRubric) { $0.key.isEmpty ? l["none"] : $0.key } + "</div>"
        s += "<div>" + small(l["hour"], a.byHour) { $0.key + ":00" } + "</div></div>"
        s += "<h3>\(htmlEscape(l["formulas"]))</h3><ul class=\"formulas\">"
        for key in SocialMetrics.reportKeys { if let text = f[key] { s += "<li><b>\(htmlEscape(l[key]))</b>: \(htmlEscape(text))</li>" } }
        return s + "</ul>"
    }

    public func traffic(_ t: TrafficMetrics) -> String {
        let l = labels
        var s = "<h2 id=\"traffic\">\(htmlEscape(l["traffic"]))</h2><div class=\"kpis\">"
        let cplFormula = t.cpl.map { _ in String(format: l["cpl_formula"], l.int(t.leads)) }
        for (k, v, f) in [("sessions", l.int(t.sessions), nil), ("social_sessions", l.int(t.socialSessions), nil),
                          ("new_visits", l.int(t.newVisits), nil), ("returning_visits", l.int(t.returningVisits), nil),
                          ("leads", l.int(t.leads), nil), ("cpl", l.money(t.cpl), cplFormula)] as [(String, String, String?)] {
            s += "<div class=\"kpi\"><div class=\"v\">\(value(v, f))</div><div class=\"k\">\(htmlEscape(l[k]))</div></div>"
        }
        s += "</div>"
        s += table([l["channel"], l["sessions"], l["last_click_conversions"], l["assisted_conversions"], l["assisted_to_last_click_ratio"]], t.channels.map { c in
            [htmlEscape(c.channel), htmlEscape(l.int(c.sessions)), htmlEscape(l.int(c.lastClickConversions)), htmlEscape(l.int(c.assistedConversions)),
             value(l.num(c.assistedToLastClickRatio), "\(l.int(c.assistedConversions)) / \(l.int(c.lastClickConversions))")]
        })
        return s
    }
}
