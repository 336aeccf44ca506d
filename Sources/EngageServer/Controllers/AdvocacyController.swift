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
    /// The advocacy report of a period: built once for all its sections and kept for
    /// `advocacyCacheSeconds` (clicks and content made in the web app change it without an
    /// import, so the data version alone cannot say when it is stale); an import moves the
    /// version and so rebuilds it at once. Requests for a report being built wait for it
    /// rather than build it again.
    func advocacyReport(period: Period, minShares: Int?) async throws -> AdvocacyReport {
        let shares = minShares ?? 3
        let key = AdvocacyReportCache.Key(period: period, minShares: shares, version: try await store.dataVersion())
        let store = self.store
        return try await advocacyReports.report(key, ttl: config.advocacyCacheSeconds) {
            var builder = AdvocacyReportBuilder(store: store)
            builder.minSharesForEngagers = shares
            return try await builder.build(period: period)
        }
    }
}

/// Advocacy reports being built or built within the last `ttl` seconds, a few at most.
actor AdvocacyReportCache {
    struct Key: Hashable {
        var period: Period
        var minShares: Int
        var version: Int
    }

    private var entries: [Key: (task: Task<AdvocacyReport, Error>, at: UInt64)] = [:]
    static let capacity = 16

    func report(_ key: Key, ttl: Double, build: @escaping @Sendable () async throws -> AdvocacyReport) async throws -> AdvocacyReport {
        let now = DispatchTime.now().uptimeNanoseconds
        let limit = UInt64(max(0, ttl) * 1e9)
        entries = entries.filter { now - $0.value.at < limit }
        if let e = entries[key] { return try await e.task.value }
        if entries.count >= Self.capacity, let oldest = entries.min(by: { $0.value.at < $1.value.at })?.key { entries[oldest] = nil }
        let task = Task { try await build() }
        entries[key] = (task, now)
        do {
            return try await task.value
        } catch {
            entries[key] = nil
            throw error
        }
    }
}
