import EngageCore
import EngageReports
import EngageStore
import Foundation
import Hummingbird

/// The advocacy dashboard: one page per section of the advocacy report (funnel,
/// leaderboards, content, traffic, sales, recruiting), drawn by `AdvocacyHTMLRenderer` so
/// the pages and `engage report advocacy --format html` show the same figures.

/// The employee advocacy dashboard, a page per question.
struct AdvocacyController: PageController {
    let app: ServerState

    func register(on router: Router<EngageContext>) {
        router.get("advocacy") { request, context in try await advocacyPage(request, context, section: .funnel) }
        router.get("advocacy/{section}") { request, context in
            guard let section = AdvocacyHTMLRenderer.Section(rawValue: context.param("section")) else {
                throw APIError(.notFound, "no such advocacy page")
            }
            return try await advocacyPage(request, context, section: section)
        }
    }

    func advocacyPage(_ request: Request, _ context: EngageContext, section: AdvocacyHTMLRenderer.Section) async throws -> Response {
        if let r = signedIn(request, context) { return r }
        try context.require(.viewer)
        let q = try QueryReader(page: request, allowed: ["from", "to", "min_shares", "format"])
        let report = try await app.advocacyReport(period: try q.period(today: app.today()), minShares: try q.int("min_shares", in: 1...1000))
        if let format = try q.oneOf("format", ["csv", "json"]) {
            return download(format, name: "advocacy-\(section.rawValue)-\(report.period.from)-\(report.period.to)", report.json)
        }
        let l = Labels(context.lang)
        let renderer = AdvocacyHTMLRenderer(lang: context.lang)
        let query = "?from=\(report.period.from)&to=\(report.period.to)"
        var content = "<h1>\(htmlEscape(l["adv_title"]))</h1><nav class=\"tabs\">"
        for s in AdvocacyHTMLRenderer.Section.allCases {
            content += "<a href=\"/advocacy/\(s.rawValue)\(query)\"\(s == section ? " aria-current=\"page\"" : "")>\(htmlEscape(l[s.labelKey]))</a>"
        }
        content += "</nav>" + renderer.section(section, report, heading: false)
        return try page(request, context, title: "\(l["adv_title"]) · \(l[section.labelKey])", current: "/advocacy", content: content,
                        picker: report.period, pickerAction: "/advocacy/" + section.rawValue, downloads: true)
    }
}


extension ServerState {
    /// The advocacy report of a period. Not cached: tracked-link clicks and content made in
    /// the web app change it without an import, and its queries are aggregates in the database.
    func advocacyReport(period: Period, minShares: Int?) async throws -> AdvocacyReport {
        var builder = AdvocacyReportBuilder(store: store)
        builder.minSharesForEngagers = minShares ?? 3
        return try await builder.build(period: period)
    }
}
