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
        + ".split{display:inline-flex;width:80px;height:10px;border-radius:3px;overflow:hidden;vertical-align:middle;background:#f3f4f6}.split i{display:block;height:100%}.split .f{background:#16a34a}.split .m{background:#d1d5db}.split .u{background:#dc2626}"
        + ".tag.p-act_first{background:#fee2e2;color:#991b1b}.tag.p-keep{background:#dcfce7;color:#166534}.drivers ul{margin:4px 0 0 18px;padding:0}.drivers .q-act_first h3{color:#991b1b}"
        + "table.hm.items td:first-child{white-space:normal;min-width:14em}.comments .tag{margin-left:8px}"

    /// A coverage warning code (`department_below_threshold: HR`) as a sentence.
    public func warning(_ code: String) -> String {
        let l = labels
        let parts = code.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2 else { return l.has("w_" + code) ? l["w_" + code] : code }
        for kind in ["below_threshold", "under_represented"] where parts[0].hasSuffix("_" + kind) {
            let dim = String(parts[0].dropLast(kind.count + 1))
            let group = dim == "role" && l.has("role_" + parts[1]) ? l["role_" + parts[1]] : parts[1]
            return l["w_" + kind].replacingOccurrences(of: "{dim}", with: l.has("dim_" + dim) ? l["dim_" + dim] : dim)
                .replacingOccurrences(of: "{group}", with: group)
        }
        return code
    }

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

    /// A statement's score (0–100) as text: % yes, or the mean with its 0–100 score.
    func itemValue(_ it: SurveyReport.Item, _ r: SurveyReport) -> String {
        let l = labels
        if r.questionnaire.method == .yesNo { return base.value(l.pct(it.scorePct, digits: 0), "\(it.counts.first?.count ?? 0) / \(it.n) × 100") }
        let range = Survey.pointRange(r.questionnaire, it.item)
        return base.value(l.num(it.mean, digits: 2), "(\(l.num(it.mean, digits: 2)) − \(l.num(range.low, digits: 0))) / (\(l.num(range.high, digits: 0)) − \(l.num(range.low, digits: 0))) × 100 = \(l.num(it.scorePct, digits: 0))")
    }

    /// Per-statement results, and the drivers' priority view.
    func statements(_ r: SurveyReport) -> String {
        let l = labels, q = r.questionnaire, lang = l.lang.rawValue
        let previous = r.items.first { $0.previous != nil }?.previous?.surveyID
        var header = [l["statement"], "n", l[q.method == .yesNo ? "yes_pct" : "mean"]]
        if q.method == .scored { header += [l["score"], l["answers_split"]] }
        if let previous { header.append(l["item_change"].replacingOccurrences(of: "%@", with: previous)) }
        header += [l["impact"], l["priority"]]
        let rows: [[String]] = r.items.map { it in
            var row = [htmlEscape(it.item.text.in_(lang)), htmlEscape(l.int(it.n)), itemValue(it, r)]
            if q.method == .scored {
                row.append(htmlEscape(l.num(it.scorePct, digits: 0)))
                row.append(it.leaning.map { lean in
                    let parts = [lean.favourable, lean.neutral, lean.unfavourable].map { l.pct($0, digits: 0) }.joined(separator: " · ")
                    return "<span class=\"split\" title=\"\(htmlEscape(l["answers_split"]))\"><i class=\"f\" style=\"width:\(Int(lean.favourable.rounded()))%\"></i><i class=\"m\" style=\"width:\(Int(lean.neutral.rounded()))%\"></i><i class=\"u\" style=\"width:\(Int(lean.unfavourable.rounded()))%\"></i></span> \(htmlEscape(parts))"
                } ?? "—")
            }
            if previous != nil { row.append(htmlEscape(it.change.map { ($0 > 0 ? "+" : "") + l.num($0, digits: 1) } ?? "—")) }
            if let d = it.driver, d.enough, let rho = d.rho {
                row.append(htmlEscape(l.num(rho, digits: 2) + (d.interval.map { " (\(l.num($0.low, digits: 2)) … \(l.num($0.high, digits: 2)))" } ?? "")))
            } else {
                row.append("—")
            }
            row.append(it.priority.map { "<span class=\"tag p-\($0.rawValue)\">\(htmlEscape(l["p_" + $0.rawValue]))</span>" } ?? "—")
            return row
        }
        var s = "<h2>\(htmlEscape(l["statements"]))</h2>" + base.table(header, rows)
        s += "<h2>\(htmlEscape(l["drivers"]))</h2>"
        let n = r.items.first?.driver?.n ?? 0
        guard r.items.contains(where: { $0.priority != nil }) else {
            return s + "<p class=\"note\">\(htmlEscape(String(format: l["drivers_not_enough"], Survey.driverMinimum, n)))</p>"
        }
        s += "<p class=\"formulas\">\(htmlEscape(String(format: l["drivers_how"], n)))</p><div class=\"cols drivers\">"
        for p in Survey.Priority.allCases {
            let these = r.items.filter { $0.priority == p }
            s += "<div class=\"q-\(p.rawValue)\"><h3>\(htmlEscape(l["p_" + p.rawValue]))</h3><ul>"
                + (these.isEmpty ? "<li class=\"muted\">—</li>" : these.map { "<li>\(htmlEscape($0.item.text.in_(lang)))</li>" }.joined()) + "</ul></div>"
        }
        return s + "</div>"
    }

    /// Statements × groups of each breakdown: a statement's score per group; hidden groups
    /// shown as such.
    func itemHeatmap(_ r: SurveyReport) -> String {
        let l = labels, q = r.questionnaire, lang = l.lang.rawValue
        var s = "<h2>\(htmlEscape(l["item_heatmap"]))</h2><p class=\"muted\">\(htmlEscape(l[q.method == .yesNo ? "yes_pct" : "score"]))</p>"
        for (dim, groups) in r.breakdowns where !groups.isEmpty {
            let names = groups.map { dim == "role" ? l["role_" + $0.key] : $0.key }
            s += "<h3>\(htmlEscape(l["dim_" + dim]))</h3><table class=\"hm items\"><thead><tr><th>\(htmlEscape(l["statement"]))</th>"
                + names.map { "<th>\(htmlEscape($0))</th>" }.joined() + "</tr></thead><tbody>"
            for item in q.items {
                s += "<tr><td data-label=\"\(htmlEscape(l["statement"]))\">\(htmlEscape(item.text.in_(lang)))</td>"
                for (g, name) in zip(groups, names) {
                    if g.suppressed || g.respondents == 0 {
                        s += "<td class=\"hid\" data-label=\"\(htmlEscape(name))\">\(htmlEscape(String(format: l["hidden"], r.threshold)))</td>"
                        continue
                    }
                    let score = SurveyReportBuilder.scorePct(g.tally, item, q)
                    let band = score.map { $0 >= 70 ? "high" : ($0 > 50 ? "satisfactory" : "alarming") } ?? ""
                    s += "<td class=\"c b-\(band)\" data-label=\"\(htmlEscape(name))\">\(base.value(l.num(score, digits: 0), "\(name), n = \(g.respondents)"))</td>"
                }
                s += "</tr>"
            }
            s += "</tbody></table>"
        }
        return s
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
            s += "<div class=\"kpi\"><div class=\"v\">\(base.value(l.num(e, digits: 0), l["enps_formula"].replacingOccurrences(of: "{n}", with: l.int(r.overall.enpsAnswers))))</div><div class=\"k\">eNPS</div></div>"
        }
        if !hidden, let ci = r.overall.interval {
            s += "<div class=\"kpi\"><div class=\"v\">\(htmlEscape(l.num(ci.low, digits: 1)))–\(htmlEscape(l.num(ci.high, digits: 1)))</div><div class=\"k\">\(htmlEscape(l["ci95"]))</div></div>"
        }
        s += "</div>"
        if r.preliminary {
            let why = r.preliminaryReasons.map { String(format: l["pr_" + $0], Survey.reliabilityMinimum) }.joined(separator: "; ")
            s += "<div class=\"warn\" role=\"note\"><strong>\(htmlEscape(l["preliminary"]))</strong>: \(htmlEscape(why)). "
                + "\(htmlEscape(l["reliability_withheld"].replacingOccurrences(of: "%@", with: why)))</div>"
        }
        if !hidden { s += "<p class=\"formulas\">\(htmlEscape(v.working)) · \(htmlEscape(l[q.method == .yesNo ? "express_limits" : "index_limits"]))</p>" }
        if !hidden {
            let rel = r.reliability.sorted { $0.key < $1.key }.map { "\($0.key == "all" ? "KR-20" : "α \($0.key)") = \(l.num($0.value, digits: 2))" }
            if !rel.isEmpty { s += "<p class=\"muted\">\(htmlEscape(l["reliability"])): \(htmlEscape(rel.joined(separator: " · ")))</p>" }
        }

        if !hidden && !r.items.isEmpty { s += statements(r) }

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

        if !hidden && !r.items.isEmpty { s += itemHeatmap(r) }
        if q.comments != nil, !hidden, let groups = r.overall.commentGroups, !groups.isEmpty {
            s += "<h2>\(htmlEscape(l["comments"]))</h2><ul class=\"comments\">" + groups.map { g in
                "<li>\(htmlEscape(g.text))" + (g.count > 1 ? "<span class=\"tag\">\(htmlEscape(String(format: l["times"], g.count)))</span>" : "") + "</li>"
            }.joined() + "</ul>"
        }
        s += "<h2>\(htmlEscape(l["coverage"]))</h2>"
        s += r.warnings.isEmpty ? "<p>\(htmlEscape(l["no_warnings"]))</p>" : "<div class=\"warn\" role=\"alert\"><ul>" + r.warnings.map { "<li>\(htmlEscape(warning($0)))</li>" }.joined() + "</ul></div>"
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
