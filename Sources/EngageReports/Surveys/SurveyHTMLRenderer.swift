import EngageCore
import Foundation

/// The survey report as HTML: the index with its working and band limits, a heatmap of
/// groups (suppressed cells shown as such), coverage warnings, waves, events, outcomes.
/// `engage report survey --format html` prints a whole page; the dashboard shows `body`.
public struct SurveyHTMLRenderer: Sendable {
    public let labels: Labels
    public init(lang: Language = .en) { labels = Labels(lang) }
    let base = SocialHTMLRenderer()

    public func render(_ r: SurveyReport) -> String {
        let l = labels
        return HTMLPage.document(lang: l.lang, title: r.name, css: Self.css, body(r))
    }

    public static let css = ".hm td.c{color:#111827}.hm .b-high,.hm .b-top{background:#dcfce7}.hm .b-satisfactory,.hm .b-medium{background:#fef9c3}.hm .b-alarming,.hm .b-low{background:#fee2e2}.hm .hid{color:#6b7280;background:repeating-linear-gradient(45deg,#f3f4f6,#f3f4f6 6px,#fff 6px,#fff 12px)}"

    func bandLabel(_ band: String?) -> String { band.map { labels["band_" + $0] } ?? "—" }

    /// The group's value with its working as a tooltip.
    func value(_ g: SurveyReport.Group, _ r: SurveyReport) -> (text: String, band: String?, working: String) {
        let l = labels, q = r.questionnaire
        switch q.method {
        case .yesNo:
            return (l.pct(g.engagementPct, digits: 1), r.band(g),
                    "\(l.int(Int(g.totalPoints.rounded()))) × 100 / (\(l.int(g.respondents)) × \(q.items.count)) = \(l.pct(g.engagementPct, digits: 1))")
        case .scored:
            let means = q.components.map { l.num(g.componentMeans[$0.id], digits: 1) }.joined(separator: " + ")
            return (l.num(g.index, digits: 1), r.band(g), "\(means) = \(l.num(g.index, digits: 1))")
        }
    }

    public func body(_ r: SurveyReport) -> String {
        let l = labels, q = r.questionnaire, lang = l.lang.rawValue
        var s = "<h1>\(htmlEscape(r.name))</h1><p class=\"muted\">\(htmlEscape(q.title.in_(lang))) · \(htmlEscape(q.id)) v\(q.version)</p>"
        let hidden = r.respondents < r.threshold
        let v = value(r.overall, r)
        let main = hidden ? String(format: l["hidden"], r.threshold) : base.value(v.text, v.working)
        s += "<div class=\"kpis\">"
        s += "<div class=\"kpi\"><div class=\"v\">\(main)</div><div class=\"k\">\(htmlEscape(l[q.method == .yesNo ? "engagement_pct" : "index"])) · \(htmlEscape(hidden ? "—" : bandLabel(v.band)))</div></div>"
        s += "<div class=\"kpi\"><div class=\"v\">\(htmlEscape(l.int(r.respondents)))</div><div class=\"k\">\(htmlEscape(l["respondents"]))</div></div>"
        s += "<div class=\"kpi\"><div class=\"v\">\(base.value(l.pct(r.responseRatePct, digits: 1), "\(l.int(r.respondents)) / \(l.int(r.headcount)) × 100"))</div><div class=\"k\">\(htmlEscape(l["response_rate"]))</div></div>"
        if !hidden, let e = r.overall.enps {
            s += "<div class=\"kpi\"><div class=\"v\">\(base.value(l.num(e, digits: 0), "% 9–10 − % 0–6, \(r.overall.enpsAnswers) answers"))</div><div class=\"k\">eNPS</div></div>"
        }
        if !hidden, let ci = r.overall.interval {
            s += "<div class=\"kpi\"><div class=\"v\">\(htmlEscape(l.num(ci.low, digits: 1)))–\(htmlEscape(l.num(ci.high, digits: 1)))</div><div class=\"k\">\(htmlEscape(l["ci95"]))</div></div>"
        }
        s += "</div>"
        if !hidden { s += "<p class=\"formulas\">\(htmlEscape(v.working)) · \(htmlEscape(l[q.method == .yesNo ? "express_limits" : "index_limits"]))</p>" }
        if !hidden {
            let rel = r.reliability.sorted { $0.key < $1.key }.map { "\($0.key == "all" ? "KR-20" : "α \($0.key)") = \(l.num($0.value, digits: 2))" }
            if !rel.isEmpty { s += "<p class=\"muted\">\(htmlEscape(l["reliability"])): \(htmlEscape(rel.joined(separator: " · ")))</p>" }
        }

        s += "<h2>\(htmlEscape(l["heatmap"]))</h2>"
        let columns = q.method == .scored ? q.components.map { $0.title.in_(lang) } + [l["index"]] : [l["engagement_pct"]]
        for (dim, groups) in r.breakdowns where !groups.isEmpty {
            s += "<h3>\(htmlEscape(l["dim_" + dim]))</h3><div class=\"scroll\"><table class=\"hm\"><thead><tr><th>\(htmlEscape(l["group"]))</th><th>\(htmlEscape(l["respondents"]))</th>"
            s += columns.map { "<th>\(htmlEscape($0))</th>" }.joined() + "<th>\(htmlEscape(l["band"]))</th></tr></thead><tbody>"
            // each cell names its column (data-label): a row is a card on a phone
            func label(_ name: String) -> String { " data-label=\"\(htmlEscape(name))\"" }
            for g in groups {
                s += "<tr><td\(label(l["group"]))>\(htmlEscape(dim == "role" ? l["role_" + g.key] : g.key))</td>"
                if g.suppressed || g.respondents == 0 {
                    let text = g.suppressed ? String(format: l["hidden"], r.threshold) : "—"
                    s += "<td class=\"hid\"\(label(l["respondents"]))>\(htmlEscape(g.suppressed ? "—" : "0"))</td>"
                        + columns.map { "<td class=\"hid\"\(label($0))>\(htmlEscape(text))</td>" }.joined() + "<td class=\"hid\"\(label(l["band"]))></td></tr>"
                    continue
                }
                let gv = value(g, r)
                s += "<td\(label(l["respondents"]))>\(htmlEscape(l.int(g.respondents)))</td>"
                if q.method == .scored {
                    for (i, c) in q.components.enumerated() { s += "<td class=\"c\"\(label(columns[i]))>\(htmlEscape(l.num(g.componentMeans[c.id], digits: 1)))</td>" }
                }
                s += "<td class=\"c b-\(gv.band ?? "")\"\(label(columns[columns.count - 1]))>\(base.value(gv.text, gv.working))</td>"
                    + "<td class=\"b-\(gv.band ?? "")\"\(label(l["band"]))>\(htmlEscape(bandLabel(gv.band)))</td></tr>"
            }
            s += "</tbody></table></div>"
        }

        if q.comments != nil, !hidden, let comments = r.overall.comments, !comments.isEmpty {
            s += "<h2>\(htmlEscape(l["comments"]))</h2><ul>" + comments.map { "<li>\(htmlEscape($0))</li>" }.joined() + "</ul>"
        }
        s += "<h2>\(htmlEscape(l["coverage"]))</h2>"
        s += r.warnings.isEmpty ? "<p>\(htmlEscape(l["no_warnings"]))</p>" : "<div class=\"warn\" role=\"alert\"><ul>" + r.warnings.map { "<li><code>\(htmlEscape($0))</code></li>" }.joined() + "</ul></div>"
        s += base.table([l["group"], l["headcount_label"], l["respondents"], l["response_rate"]], r.strata.map { st in
            [htmlEscape("\(l["dim_" + st.dimension]): \(st.group)"), htmlEscape(l.int(st.headcount)),
             htmlEscape(st.suppressed ? String(format: l["hidden"], r.threshold) : l.int(st.respondents)),
             htmlEscape(st.suppressed ? "—" : l.pct(percent(Double(st.respondents), Double(st.headcount)), digits: 1))]
        })

        if r.trend.count > 1 {
            s += "<h2>\(htmlEscape(l["trend_waves"]))</h2>"
            s += SVGChart.line(r.trend.map { .init(label: $0.date.description, value: $0.value ?? 0, tooltip: "\($0.name): \(l.num($0.value, digits: 1))") },
                               title: l["trend_waves"], width: 640, height: 200)
            s += base.table([l["trend_waves"], l["respondents"], l[q.method == .yesNo ? "engagement_pct" : "index"], l["change"]], r.trend.map { w in
                let change = w.change.map { "\(l.num($0.difference, digits: 1)) (\(l.num($0.interval.low, digits: 1)) … \(l.num($0.interval.high, digits: 1)))" } ?? "—"
                return [htmlEscape("\(w.name) · \(w.date)") + (w.comparable ? "" : "<span class=\"tag\">\(htmlEscape(l["not_comparable"]))</span>"),
                        htmlEscape(w.respondents < r.threshold ? "—" : l.int(w.respondents)), htmlEscape(l.num(w.value, digits: 1)), htmlEscape(change)]
            })
        }
        if !r.events.isEmpty {
            s += "<h2>\(htmlEscape(l["events"]))</h2>" + base.table([l["events"], l["attendance"], ""], r.events.map { e in
                let pct = percent(Double(e.attended), Double(e.invited))
                return [htmlEscape("\(e.name ?? e.id) · \(e.date)"), base.value(l.pct(pct, digits: 0), "\(e.attended) / \(e.invited) × 100"),
                        e.invited > 0 && Double(e.attended) < 0.5 * Double(e.invited) ? "<span class=\"tag\">\(htmlEscape(l["failed"]))</span>" : ""]
            })
        }
        if r.outcomes.contains(where: { !$0.pairs.isEmpty }) {
            s += "<h2>\(htmlEscape(l["outcomes"]))</h2>" + base.table(["", "n", "Pearson r", "Spearman ρ", ""], r.outcomes.filter { !$0.pairs.isEmpty }.map { o in
                [htmlEscape(l["m_" + o.metric]), htmlEscape(String(o.pairs.count)), htmlEscape(l.num(o.pearson, digits: 2)), htmlEscape(l.num(o.spearman, digits: 2)),
                 o.pairs.count < Survey.minimumPairs ? "<span class=\"tag\">\(htmlEscape(l["inconclusive"]))</span>" : ""]
            })
        }
        return s
    }
}
