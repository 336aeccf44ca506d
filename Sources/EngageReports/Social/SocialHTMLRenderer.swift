import EngageCore
import Foundation

/// `--format html`: one self-contained page (inline CSS and SVG, no scripts, no network
/// fetches), readable on screen and in print. Every figure has its formula and inputs as a
/// tooltip, and each account ends with the same formulas as footnotes.
public struct HTMLRenderer: Sendable {
    public let labels: Labels
    /// Where an account's name links to from the comparison table (its section below, in
    /// the one-page report; its own page, in the dashboard).
    public var accountHref: @Sendable (String) -> String = { "#acc-" + $0 }

    public init(lang: Language = .en) { labels = Labels(lang) }

    public static let css = """
        :root{--fg:#111827;--muted:#6b7280;--line:#e5e7eb;--accent:#2563eb;--warn:#b45309;--bg:#fff;--card:#f9fafb}
        *{box-sizing:border-box}body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:var(--fg);background:var(--bg);margin:0}
        main{max-width:1100px;margin:0 auto;padding:24px}h1{font-size:26px;margin:0 0 4px}h2{font-size:20px;margin:36px 0 8px;padding-top:12px;border-top:2px solid var(--line)}
        h3{font-size:15px;margin:22px 0 8px;color:#374151}.muted{color:var(--muted)}
        table{border-collapse:collapse;width:100%;margin:6px 0 12px;font-variant-numeric:tabular-nums}th,td{padding:5px 8px;white-space:nowrap;border-bottom:1px solid var(--line);text-align:right;vertical-align:top}
        th:first-child,td:first-child{text-align:left}th{font-weight:600;color:#374151;background:var(--card)}
        .kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:10px;margin:10px 0}
        .kpi{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px 12px}.kpi .v{font-size:22px;font-weight:650}.kpi .k{color:var(--muted);font-size:12px}
        .warn{background:#fffbeb;border:1px solid #fcd34d;color:var(--warn);border-radius:8px;padding:10px 12px;margin:10px 0}
        .charts{display:flex;flex-wrap:wrap;gap:16px}.chart{max-width:100%;height:auto}.chart .grid{stroke:var(--line)}.chart .lbl{font-size:10px;fill:var(--muted)}
        figure{margin:0}figcaption{font-size:12px;color:var(--muted);margin-bottom:2px}
        [title]{text-decoration:underline dotted #9ca3af;text-underline-offset:3px;cursor:help}
        .formulas{font-size:12px;color:#374151}.formulas li{margin:2px 0}.tag{font-size:11px;background:#eef2ff;color:#3730a3;border-radius:4px;padding:1px 6px;margin-left:6px}
        .scroll{overflow-x:auto}.scroll table{font-size:13px}.cols{display:grid;grid-template-columns:repeat(auto-fit,minmax(240px,1fr));gap:16px}.cols>div{min-width:0;overflow-x:auto}
        @media print{main{padding:0}h2{break-before:page}.chart,table,.kpis{break-inside:avoid}[title]{text-decoration:none}}
        """

    func name(_ a: AccountReport) -> String { a.account.name ?? a.account.accountID }

    /// A value with its formula as a tooltip.
    func value(_ text: String, _ formula: String?) -> String {
        guard let formula else { return htmlEscape(text) }
        return "<span title=\"\(htmlEscape(formula))\">\(htmlEscape(text))</span>"
    }

    func table(_ header: [String], _ rows: [[String]]) -> String {
        "<table><thead><tr>" + header.map { "<th>\(htmlEscape($0))</th>" }.joined() + "</tr></thead><tbody>"
            + rows.map { "<tr>" + $0.map { "<td>\($0)</td>" }.joined() + "</tr>" }.joined() + "</tbody></table>"
    }

    public func render(_ r: SocialReport) -> String {
        let l = labels
        var s = "<!doctype html><html lang=\"\(l.lang.rawValue)\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
        s += "<title>\(htmlEscape(l["title"])) \(r.period.from) — \(r.period.to)</title><style>\(Self.css)</style></head><body><main>"
        s += "<h1>\(htmlEscape(l["title"]))</h1><p class=\"muted\">\(htmlEscape(l["period"])): \(r.period.from) — \(r.period.to) · \(htmlEscape(l["generated"]))</p>"
        if r.accounts.isEmpty { return s + "<p>\(htmlEscape(l["no_data"]))</p></main></body></html>" }
        s += comparison(r)
        for a in r.accounts { s += account(a, period: r.period) }
        s += traffic(r.traffic)
        return s + "</main></body></html>\n"
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

    public func account(_ a: AccountReport, period: Period) -> String {
        let l = labels
        let m = a.metrics
        let f = Explain(l).formulas(m, days: period.days)
        var s = "<h2 id=\"acc-\(htmlEscape(a.account.accountID))\">\(htmlEscape(name(a))) <span class=\"muted\">· \(htmlEscape(a.account.network))</span>"
        if a.account.competitor { s += "<span class=\"tag\">\(htmlEscape(l["competitors"]))</span>" }
        s += "</h2>"
        if m.growthWithoutEngagement { s += "<div class=\"warn\" role=\"alert\">⚠ \(htmlEscape(l["warning_growth"]))</div>" }
        s += "<div class=\"kpis\">"
        for key in ["followers_end", "follower_growth_net_pct", "reach_total", "engagements", "er_followers_pct", "err_pct"] {
            s += "<div class=\"kpi\"><div class=\"v\">\(value(m.display(key, l), f[key]))</div><div class=\"k\">\(htmlEscape(l[key])) · \(htmlEscape(l["previous"].lowercased())): \(htmlEscape(a.previous.display(key, l)))</div></div>"
        }
        s += "</div><div class=\"charts\">"
        s += "<figure><figcaption>\(htmlEscape(l["trend"]))</figcaption>" + SVGChart.line(
            a.dailyER.map { .init(label: shortDate($0.date), value: $0.erPct, tooltip: "\($0.date): ER \(l.pct($0.erPct, digits: 3))") },
            title: l["trend"], unit: "%") + "</figure>"
        s += "<figure><figcaption>\(htmlEscape(l["followers_chart"]))</figcaption>" + SVGChart.line(
            a.followers.map { .init(label: shortDate($0.date), value: Double($0.followers), tooltip: "\($0.date): \(l.int($0.followers))") },
            title: l["followers_chart"], color: SVGChart.palette[2]) + "</figure>"
        s += "<figure><figcaption>\(htmlEscape(l["er_by_weekday"]))</figcaption>" + SVGChart.bars(
            a.byWeekday.map { .init(label: l.weekdayName(Int($0.key)!), value: $0.erPostAvgPct ?? 0,
                                    tooltip: "\(l.weekdayName(Int($0.key)!)): ER Post \(l.pct($0.erPostAvgPct, digits: 3)), \(l.int($0.posts)) \(l["posts"].lowercased())") },
            title: l["er_by_weekday"], color: SVGChart.palette[1], unit: "%") + "</figure>"
        s += "<figure><figcaption>\(htmlEscape(l["reach_by_kind"]))</figcaption>" + SVGChart.bars(
            [("reach_organic", m.reachOrganic), ("reach_viral", m.reachViral), ("reach_paid", m.reachPaid)].map {
                .init(label: l[$0.0], value: Double($0.1 ?? 0), tooltip: "\(l[$0.0]): \(l.int($0.1))")
            }, title: l["reach_by_kind"], color: SVGChart.palette[4]) + "</figure>"
        s += "</div><h3>\(htmlEscape(l["monthly"]))</h3>"
        s += table([l["metric"], l["value"], l["previous"]], m.rows(previous: a.previous, l).map {
            [htmlEscape($0.label), value($0.value, f[$0.key]), htmlEscape($0.previous)]
        })
        s += "<h3>\(htmlEscape(l["top_posts"]))</h3>"
        s += table([l["post"], l["published"], l["type"], l["reach"], l["engagements"], l["er_post_pct"], l["err_pct"]], a.topPosts.map { p in
            let er = "ER Post = \(l.int(p.engagements)) / \(l.int(p.followers)) × 100"
            let id = p.url.flatMap { u in u.hasPrefix("http://") || u.hasPrefix("https://") ? u : nil }
                .map { "<a href=\"\(htmlEscape($0))\">\(htmlEscape(p.postID))</a>" } ?? htmlEscape(p.postID)
            return [id, htmlEscape(p.date.description), htmlEscape(p.type ?? "—"), htmlEscape(l.int(p.reach)), htmlEscape(l.int(p.engagements)),
                    value(l.pct(p.erPostPct, digits: 3), er), value(l.pct(p.errPct), "ERR = \(l.int(p.engagements)) / \(l.int(p.reach)) × 100")]
        })
        s += "<h3>\(htmlEscape(l["when_works"]))</h3><div class=\"cols\">"
        func small(_ head: String, _ rows: [Breakdown], _ label: (Breakdown) -> String) -> String {
            table([head, l["posts"], l["er_post_avg_pct"]], rows.map { [htmlEscape(label($0)), htmlEscape(l.int($0.posts)), htmlEscape(l.pct($0.erPostAvgPct, digits: 3))] })
        }
        s += "<div>" + small(l["weekday"], a.byWeekday) { l.weekdayName(Int($0.key)!) } + "</div>"
        s += "<div>" + small(l["type"], a.byType) { $0.key.isEmpty ? l["none"] : $0.key } + "</div>"
        s += "<div>" + small(l["rubric"], a.byRubric) { $0.key.isEmpty ? l["none"] : $0.key } + "</div>"
        s += "<div>" + small(l["hour"], a.byHour) { $0.key + ":00" } + "</div></div>"
        s += "<h3>\(htmlEscape(l["formulas"]))</h3><ul class=\"formulas\">"
        for key in SocialMetrics.reportKeys { if let text = f[key] { s += "<li><b>\(htmlEscape(l[key]))</b>: \(htmlEscape(text))</li>" } }
        return s + "</ul>"
    }

    public func traffic(_ t: TrafficMetrics) -> String {
        let l = labels
        var s = "<h2 id=\"traffic\">\(htmlEscape(l["traffic"]))</h2><div class=\"kpis\">"
        let cplFormula = t.cpl.map { _ in "CPL = spend of own accounts / \(l.int(t.leads)) leads" }
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

    func shortDate(_ d: LocalDate) -> String {
        let c = d.components
        return String(format: "%02d.%02d", c.day, c.month)
    }
}
