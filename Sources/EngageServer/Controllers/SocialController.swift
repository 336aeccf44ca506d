import EngageCore
import EngageImport
import EngageReports
import EngageStore
import Foundation
import Hummingbird

/// The social-media dashboard: overview, one account, competitors, posts (and their CSV),
/// traffic. Report sections are the ones of the HTML report (`SocialHTMLRenderer`), so figures,
/// charts and formulas are the same.
struct SocialController: PageController {
    let app: ServerState

    func register(on router: Router<EngageContext>) {
        router.get("/") { request, context in try await overview(request, context) }
        router.get("accounts/{id}") { request, context in try await accountPage(request, context) }
        router.get("competitors") { request, context in try await competitors(request, context) }
        router.get("posts") { request, context in try await postsPage(request, context) }
        router.get("traffic") { request, context in try await trafficPage(request, context) }
    }

    /// What the social report pages take: the period, accounts, a comparison range, a download format.
    static let reportParams: Set<String> = Set(["from", "to", "account", "format"]).union(QueryReader.comparisonParams)

    func report(_ request: Request, _ context: EngageContext) async throws -> CachedReport {
        try await app.socialReport(try QueryReader(page: request, allowed: Self.reportParams))
    }

    /// A page whose content is a rendering of a report, cached with the report per language.
    func reportPage(_ request: Request, _ context: EngageContext, _ cached: CachedReport, name: String, title: String, current: String,
                    content: @escaping @Sendable (SocialReport, SocialHTMLRenderer) -> String) async throws -> Response {
        let period = cached.report.period
        if let format = try QueryReader(page: request, allowed: Self.reportParams).oneOf("format", ["csv", "json"]) {
            // what this page shows: the traffic page its traffic, the others the report of
            // their accounts
            var value = cached.report.json
            if name == "traffic", case .object(let fields) = value {
                value = .object(fields.filter { ["period", "traffic"].contains($0.0) })
            }
            return download(format, name: "\(name)-\(period.from)-\(period.to)", value)
        }
        let r = renderer(context, period: period)
        let html = await cached.text("\(name).\(context.lang.rawValue)") { content($0, r) }
        let q = try QueryReader(page: request, allowed: Self.reportParams)
        return try page(request, context, title: title, current: current, content: html, picker: cached.report.period, downloads: true,
                        comparison: (cached.report.comparison, q.string("compare") ?? "", q.string("cmp_from") != nil))
    }

    func overview(_ request: Request, _ context: EngageContext) async throws -> Response {
        if let r = signedIn(request, context) { return r }
        if context.principal?.role == .advocate { return .redirect(to: "/share", type: .found) }
        try context.require(.viewer)
        let t = UIText(lang: context.lang), l = Labels(context.lang)
        return try await reportPage(request, context, try await report(request, context), name: "overview", title: t["overview"], current: "/") { report, r in
            var content = "<h1>\(htmlEscape(t["overview"]))</h1><p class=\"muted\">\(htmlEscape(t["formula_hint"]))</p>"
            if report.accounts.isEmpty { return content + "<p>\(htmlEscape(t["no_accounts"]))</p>" }
            content += r.overviewKPIs(report)
            content += r.comparison(report)
            content += "<h2>\(htmlEscape(l["trend"]))</h2><div class=\"charts\">"
            for a in report.accounts where !a.account.competitor {
                content += "<figure><figcaption><a href=\"\(htmlEscape(r.accountHref(a.account.accountID)))\">\(htmlEscape(a.account.name ?? a.account.accountID))</a></figcaption>"
                content += SVGChart.line(a.dailyER.map { .init(label: String($0.date.description.suffix(5)), value: $0.erPct, tooltip: "\($0.date): ER \(l.pct($0.erPct, digits: 3))") },
                                         title: l["trend"], width: 520, height: 180, unit: "%") + "</figure>"
            }
            return content + "</div>"
        }
    }

    func accountPage(_ request: Request, _ context: EngageContext) async throws -> Response {
        if let r = signedIn(request, context) { return r }
        try context.require(.viewer)
        let id = context.param("id")
        let q = try QueryReader(page: request, allowed: Self.reportParams.subtracting(["account"]))
        guard try await app.store.accounts().contains(where: { $0.accountID == id }) else {
            throw APIError(.notFound, "no account with id '\(id)'")
        }
        let period = try q.period(today: app.today())
        let cached = try await app.socialReport(period: period, accountIDs: [id], comparison: try q.comparison(for: period))
        guard let a = cached.report.accounts.first else { throw APIError.notFound }
        return try await reportPage(request, context, cached, name: "account", title: a.account.name ?? id, current: "/") { report, r in
            report.accounts.first.map { r.account($0, period: report.period, comparison: report.comparison) } ?? ""
        }
    }

    func competitors(_ request: Request, _ context: EngageContext) async throws -> Response {
        if let r = signedIn(request, context) { return r }
        try context.require(.viewer)
        let t = UIText(lang: context.lang)
        return try await reportPage(request, context, try await report(request, context), name: "competitors", title: t["competitors"],
                                    current: "/competitors") { report, r in
            var content = "<h1>\(htmlEscape(t["competitors"]))</h1>"
            if !report.accounts.contains(where: \.account.competitor) { content += "<p>\(htmlEscape(t["no_competitors"]))</p>" }
            guard !report.accounts.isEmpty else { return content }
            var sorted = report
            sorted.accounts.sort { ($0.metrics.erFollowersPct ?? -1) > ($1.metrics.erFollowersPct ?? -1) }
            return content + r.comparison(sorted)
        }
    }

    func trafficPage(_ request: Request, _ context: EngageContext) async throws -> Response {
        if let r = signedIn(request, context) { return r }
        try context.require(.viewer)
        return try await reportPage(request, context, try await report(request, context), name: "traffic",
                                    title: UIText(lang: context.lang)["traffic"], current: "/traffic") { report, r in r.traffic(report.traffic) }
    }

    // MARK: posts

    func postsPage(_ request: Request, _ context: EngageContext) async throws -> Response {
        if let r = signedIn(request, context) { return r }
        try context.require(.viewer)
        let q = try QueryReader(page: request, allowed: ServerState.postParams.union(["format"]))
        if q.string("format") == "csv" { return try await postsCSV(request) }
        let p = try await app.postsPage(request, extra: ["format"], page: true)
        let l = Labels(context.lang)
        let accounts = try await app.store.accounts()
        let names = Dictionary(accounts.map { ($0.accountID, $0.name ?? $0.accountID) }, uniquingKeysWith: { a, _ in a })
        let pages = max(1, (p.page.total + p.query.perPage - 1) / p.query.perPage)
        func href(page: Int? = nil, format: String? = nil) -> String {
            var items = q.params.filter { !["page", "format", "from", "to"].contains($0.0) }
            items += [("from", p.query.period.from.description), ("to", p.query.period.to.description)]
            if let page { items.append(("page", String(page))) }
            if let format { items.append(("format", format)) }
            return "/posts?" + items.map { "\($0.0)=\(percentEncode($0.1))" }.joined(separator: "&")
        }
        let rows: [[String: Any]] = p.page.posts.map { item in
            var post = item.post
            post.followers = p.followers[item.accountID]?.on(post.date)
            var row: [String: Any] = [
                "id": post.postID, "account": names[item.accountID] ?? item.accountID, "published": post.publishedAt.isoUTC,
                "type": post.type.map { l.postType($0) } ?? "", "rubric": post.rubric ?? "", "reach": l.int(post.reach), "likes": l.int(post.likes),
                "comments": l.int(post.comments), "shares": l.int(post.shares), "engagements": l.int(post.engagements),
                "er": l.pct(post.erPostPct, digits: 3), "erFormula": "ER Post = \(l.int(post.engagements)) / \(l.int(post.followers)) × 100",
                "text": String((item.text ?? "").prefix(200)),
            ]
            if let u = post.url, u.hasPrefix("https://") || u.hasPrefix("http://") { row["url"] = u }
            return row
        }
        let data: [String: Any] = [
            "from": p.query.period.from.description, "to": p.query.period.to.description,
            "accounts": accounts.map { ["id": $0.accountID, "label": $0.name ?? $0.accountID, "selected": p.query.accountIDs.contains($0.accountID)] },
            "type": p.query.type ?? "", "rubric": p.query.rubric ?? "",
            "sorts": PostSort.allCases.map { ["value": $0.rawValue, "label": $0 == .published ? UIText(lang: context.lang)["published"] : (l[$0.rawValue]), "selected": $0 == p.query.sort] },
            "desc": p.query.descending, "total": l.int(p.page.total), "page": p.query.page, "pages": pages, "rows": rows,
            "prevHref": p.query.page > 1 ? href(page: p.query.page - 1) : "", "nextHref": p.query.page < pages ? href(page: p.query.page + 1) : "",
            "csvHref": href(format: "csv"),
        ]
        let content = try render("posts", data, context)
        let hidden = q.params.filter { !["from", "to", "page", "format"].contains($0.0) }
        return try page(request, context, title: UIText(lang: context.lang)["posts"], current: "/posts", content: content,
                        picker: p.query.period, pickerHidden: hidden)
    }

    /// The filtered posts (every page) as CSV, streamed: read in batches by key (`Posts.each`)
    /// and sent as they are read, so the first rows leave at once and memory holds one batch.
    func postsCSV(_ request: Request) async throws -> Response {
        let query = try app.postQuery(try QueryReader(page: request, allowed: ServerState.postParams.union(["format"])), page: true)
        let ids = query.accountIDs.isEmpty ? try await app.store.accounts().map(\.accountID) : query.accountIDs
        let followers = ids.isEmpty ? [:] : try await app.store.accountFigures(period: query.period, accountIDs: ids).mapValues(\.followers)
        let posts = app.posts
        var headers = HTTPFields()
        headers[.contentType] = "text/csv; charset=utf-8"
        headers[.contentDisposition] = "attachment; filename=\"posts-\(query.period.from)-\(query.period.to).csv\""
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            var buffer = ByteBuffer(string: "post_id,account_id,published_at,type,rubric,url,likes,comments,shares,views,reach,engagements,er_post_pct\n")
            try await posts.each(query, batch: 5_000) { items in
                for item in items {
                    var post = item.post
                    post.followers = followers[item.accountID]?.on(post.date)
                    let cells: [String] = [post.postID, item.accountID, post.publishedAt.isoUTC, post.type ?? "", post.rubric ?? "", post.url ?? "",
                                           String(post.likes), String(post.comments), String(post.shares), post.views.map(String.init) ?? "",
                                           post.reach.map(String.init) ?? "", String(post.engagements), post.erPostPct.map { "\($0)" } ?? ""]
                    for (i, c) in cells.enumerated() {
                        if i > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
                        buffer.writeString(csvCell(c))
                    }
                    buffer.writeInteger(UInt8(ascii: "\n"))
                }
                try await writer.write(buffer)
                buffer.clear()
            }
            if buffer.readableBytes > 0 { try await writer.write(buffer) }
            try await writer.finish(nil)
        })
    }
}
