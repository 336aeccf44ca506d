import EngageCore
import Foundation

/// The advocacy report as HTML: one section per question of the program (funnel,
/// leaderboards, content, traffic, sales, recruiting). `engage report advocacy --format html`
/// prints them all on one self-contained page; the dashboard shows one section per page.
/// Every derived figure carries its formula and inputs as a tooltip.
public struct AdvocacyHTMLRenderer: Sendable {
    public let labels: Labels
    public init(lang: Language = .en) { labels = Labels(lang) }

    public enum Section: String, Sendable, CaseIterable {
        case funnel, leaderboards, content, traffic, sales, recruiting
        public var labelKey: String { "adv_" + rawValue }
    }

    func v(_ text: String, _ formula: String?) -> String { HTMLPage.value(text, formula) }
    func table(_ header: [String], _ rows: [[String]]) -> String { HTMLPage.table(header, rows) }
    func kpis(_ items: [(String, String, String?)]) -> String {
        "<div class=\"kpis\">" + items.map { "<div class=\"kpi\"><div class=\"v\">\(v($0.1, $0.2))</div><div class=\"k\">\(htmlEscape($0.0))</div></div>" }.joined() + "</div>"
    }

    func who(_ r: AdvocacyReport, _ id: String) -> String {
        guard let name = r.names[id] else { return htmlEscape(id) }
        return "<span title=\"\(htmlEscape(id))\">\(htmlEscape(name))</span>"
    }

    func pctFormula(_ part: Int, _ whole: Int, _ l: Labels) -> String { "\(l.int(part)) / \(l.int(whole)) × 100" }

    public func render(_ r: AdvocacyReport) -> String {
        let l = labels
        var s = "<h1>\(htmlEscape(l["adv_title"]))</h1><p class=\"muted\">\(htmlEscape(l["period"])): \(r.period.from) — \(r.period.to) · \(htmlEscape(l["generated"]))</p>"
        for section in Section.allCases { s += self.section(section, r) }
        return HTMLPage.document(lang: l.lang, title: "\(l["adv_title"]) \(r.period.from) — \(r.period.to)", s)
    }

    /// One section; `heading: false` leaves out its title (the dashboard's tab names it).
    public func section(_ section: Section, _ r: AdvocacyReport, heading showHeading: Bool = true) -> String {
        let heading = showHeading ? "<h2 id=\"\(section.rawValue)\">\(htmlEscape(labels[section.labelKey]))</h2>" : "<div id=\"\(section.rawValue)\"></div>"
        switch section {
        case .funnel: return heading + funnel(r)
        case .leaderboards: return heading + leaderboards(r)
        case .content: return heading + content(r)
        case .traffic: return heading + traffic(r)
        case .sales: return heading + sales(r)
        case .recruiting: return heading + recruiting(r)
        }
    }

    func funnel(_ r: AdvocacyReport) -> String {
        let l = labels
        var s = kpis([
            (l["headcount"], l.int(r.headcount), nil), (l["members"], l.int(r.members), nil),
            (l["invite_conversion_pct"], l.pct(r.invitations.pct, digits: 1), pctFormula(r.invitations.joined, r.invitations.invited, l)),
            (l["active_participation_pct"], l.pct(r.activeParticipationPct, digits: 1), pctFormula(r.activeSharers, r.headcount, l)),
            (l["active_participation_members_pct"], l.pct(r.activeParticipationMembersPct, digits: 1), pctFormula(r.activeSharers, r.members, l)),
        ])
        let stages: [(String, Int)] = [(l["invited"], r.invitations.invited), (l["joined"], r.invitations.joined),
                                       (l["active"], r.activeSharers), ("\(l["sharing_regularly"]) (≥ \(r.minShares))", r.regularSharers)]
        var previous: Int?
        let points: [SVGChart.Point] = stages.map { stage in
            defer { previous = stage.1 }
            let share = previous.flatMap { p in p > 0 ? " (\(l.pct(Double(stage.1) / Double(p) * 100, digits: 1)) \(pctFormula(stage.1, p, l)))" : nil } ?? ""
            return .init(label: stage.0, value: Double(stage.1), tooltip: "\(stage.0): \(l.int(stage.1))\(share)")
        }
        s += "<figure><figcaption>\(htmlEscape(l["adv_funnel"]))</figcaption>" + SVGChart.hbars(points, title: l["adv_funnel"], formatValue: { l.int(Int($0)) }) + "</figure>"
        s += "<h3>\(htmlEscape(l["cohort"]))</h3>"
        s += table([l["cohort"], l["invited"], l["joined"], l["invite_conversion_pct"]], r.cohorts.map { c in
            [htmlEscape(c.cohort), htmlEscape(l.int(c.invited)), htmlEscape(l.int(c.joined)), v(l.pct(c.pct, digits: 1), pctFormula(c.joined, c.invited, l))]
        })
        return s
    }

    func leaderboards(_ r: AdvocacyReport) -> String {
        let l = labels
        var s = "<div class=\"cols\"><div><h3>\(htmlEscape(l["top_sharers"]))</h3>"
        s += SVGChart.hbars(r.topSharers.map { .init(label: r.names[$0.employeeID] ?? $0.employeeID, value: Double($0.shares), tooltip: "\(r.names[$0.employeeID] ?? $0.employeeID): \(l.int($0.shares))") },
                            title: l["top_sharers"], width: 480, formatValue: { l.int(Int($0)) })
        s += "</div><div><h3>\(htmlEscape(l["top_engagers"])) <span class=\"muted\">(≥ \(r.minShares))</span></h3>"
        s += table([l["employee"], l["shares"], l["engagements_per_share"]], r.topEngagers.map { e in
            [who(r, e.0.employeeID), htmlEscape(l.int(e.0.shares)),
             v(l.num(e.1, digits: 1), "(\(l.int(e.0.likes)) + \(l.int(e.0.comments)) + \(l.int(e.0.reshares))) / \(l.int(e.0.shares))")]
        }) + "</div></div>"
        s += "<h3>\(htmlEscape(l["pipeline"]))</h3><div class=\"scroll\">"
        s += table([l["employee"], l["shares"], l["clicks"], l["unique_visitors"], l["leads_adv"], l["won"], l["deal_value"]], r.pipeline.map { p in
            [who(r, p.employeeID), htmlEscape(l.int(p.shares)), htmlEscape(l.int(p.clicks)), htmlEscape(l.int(p.uniqueVisitors)),
             htmlEscape(l.int(p.leads)), htmlEscape(l.int(p.won)), htmlEscape(l.money(Double(p.dealValueCents) / 100))]
        }) + "</div>"
        return s
    }

    func content(_ r: AdvocacyReport) -> String {
        let l = labels, t = r.shareTotals
        var s = kpis([
            (l["shares_posted"], l.int(t.shares), nil), (l["impressions"], l.int(t.impressions), nil),
            (l["engagements"], l.int(t.engagements), "\(l.int(t.likes)) + \(l.int(t.comments)) + \(l.int(t.reshares))"),
            (l["advocacy_er_pct"], l.pct(r.advocacyERPct, digits: 2), pctFormula(t.engagements, t.impressions, l)),
        ])
        s += "<h3>\(htmlEscape(l["story_contributions"]))</h3>"
        s += kpis([(l["submitted"], l.int(r.stories.submitted), nil), (l["approved"], l.int(r.stories.approved), nil),
                   (l["published"], l.int(r.stories.published), nil), (l["contributors"], l.int(r.stories.contributors), nil)])
        s += "<h3>\(htmlEscape(l["adv_content"]))</h3><div class=\"scroll\">"
        s += table([l["content_item"], l["status"], l["shares"], l["sharers"], l["impressions"], l["engagements"], l["er_pct"], l["clicks"], l["unique_visitors"]], r.content.map { c in
            [htmlEscape(c.title ?? c.contentID), htmlEscape(l.contentStatus(c.status)), htmlEscape(l.int(c.shares)), htmlEscape(l.int(c.sharers)),
             htmlEscape(l.int(c.impressions)), htmlEscape(l.int(c.engagements)), v(l.pct(c.erPct), pctFormula(c.engagements, c.impressions, l)),
             htmlEscape(l.int(c.clicks)), htmlEscape(l.int(c.uniqueVisitors))]
        }) + "</div>"
        return s
    }

    func traffic(_ r: AdvocacyReport) -> String {
        let l = labels
        var s = kpis([
            (l["advocate_clicks"], l.int(r.advocateClicks), nil), (l["brand_clicks"], l.int(r.brandClicks), nil),
            (l["advocate_unique_visitors"], l.int(r.advocateUniqueVisitors), nil), (l["brand_unique_visitors"], l.int(r.brandUniqueVisitors), nil),
            (l["earned_media_value"], l.money(r.earnedMediaValue), l["emv_formula"]),
        ])
        func pts(_ f: (AdvocacyReport.DailyClicks) -> Int, _ name: String) -> [SVGChart.Point] {
            r.dailyClicks.map { .init(label: HTMLPage.shortDate($0.date), value: Double(f($0)), tooltip: "\($0.date): \(name) \(l.int(f($0)))") }
        }
        s += "<figure><figcaption>\(htmlEscape(l["daily_clicks"]))</figcaption>"
        s += SVGChart.lines([(l["advocates"], pts(\.advocate, l["advocates"])), (l["brand"], pts(\.brand, l["brand"]))], title: l["daily_clicks"], width: 760, integers: true) + "</figure>"
        return s
    }

    func days(_ xs: [Double]) -> String {
        let l = labels
        return "\(l.num(Statistics.median(xs), digits: 1)) / \(l.num(Statistics.mean(xs), digits: 1))"
    }

    func correlation(_ n: Int, _ r: Double?, _ rho: Double?) -> String {
        let l = labels
        let text = "n = \(n), Pearson r = \(l.num(r, digits: 2)), Spearman ρ = \(l.num(rho, digits: 2))"
        return htmlEscape(text) + (n < 10 ? " <span class=\"tag\">\(htmlEscape(l["too_few"]))</span>" : "")
    }

    func sales(_ r: AdvocacyReport) -> String {
        let l = labels
        var s = "<h3>\(htmlEscape(l["lead_sources"]))</h3>"
        s += table([l["source"], l["leads_adv"], l["won"], l["lead_to_deal_pct"], l["time_to_close"]], r.leadSources.map { f in
            [htmlEscape(f.source), htmlEscape(l.int(f.leads)), htmlEscape(l.int(f.won)), v(l.pct(f.leadToDealPct, digits: 1), pctFormula(f.won, f.leads, l)),
             v(days(f.daysToClose), String(format: l["days_to_close_formula"], l.int(f.daysToClose.count)))]
        })
        s += "<div class=\"cols\"><div><h3>\(htmlEscape(l["leads_by_rep"]))</h3>"
        s += table([l["employee"], l["leads_adv"]], r.leadsByRep.map { [who(r, $0.0), htmlEscape(l.int($0.1))] })
        s += "</div><div><h3>\(htmlEscape(l["ssi"]))</h3>"
        s += table([l["employee"], l["ssi_first"], l["ssi_last"], l["ssi_change"]], r.ssi.map { x in
            [who(r, x.employeeID), htmlEscape(l.num(x.first, digits: 1)), htmlEscape(l.num(x.last, digits: 1)), htmlEscape(l.num(x.change, digits: 1))]
        })
        s += "<p>\(htmlEscape(l["ssi_vs_shares"])): \(correlation(r.ssiVsShares.n, r.ssiVsShares.pearson, r.ssiVsShares.spearman))</p></div></div>"
        return s
    }

    func recruiting(_ r: AdvocacyReport) -> String {
        let l = labels
        var s = kpis([(l["referrals"], l.int(r.hiring.referrals), nil), (l["referral_hires"], l.int(r.hiring.referralHires), nil)])
        s += "<div class=\"cols\"><div><h3>\(htmlEscape(l["time_to_hire"]))</h3>"
        s += table([l["source"], l["time_to_hire"]], r.hiring.daysToHire.keys.sorted().map { source in
            let xs = r.hiring.daysToHire[source] ?? []
            return [htmlEscape(source), v(days(xs), String(format: l["time_to_hire_formula"], l.int(xs.count)))]
        })
        s += "</div><div><h3>\(htmlEscape(l["job_portal_visits"]))</h3>"
        s += table([l["channel"], l["sessions"], l["advocacy_sessions"]], r.jobPortal.map { j in
            [htmlEscape(j.channel), htmlEscape(l.int(j.sessions)), v(l.int(j.advocacy), j.sessions > 0 ? pctFormula(j.advocacy, j.sessions, l) : nil)]
        })
        return s + "</div></div>"
    }
}
