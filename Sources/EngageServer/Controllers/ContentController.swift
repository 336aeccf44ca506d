import EngageCore
import EngageReports
import EngageStore
import Foundation
import Hummingbird

/// The content library (employees suggest stories, admins approve, reject or publish them),
/// the advocate's own page (content to share, each with a personal tracked link) and the
/// Links page (tracked links for anyone, brand links included).

/// The content library, the advocate's own page and the Links page.
struct ContentController: PageController {
    let app: ServerState

    func register(on router: Router<EngageContext>) {
        router.get("content") { request, context in
            if let r = signedIn(request, context) { return r }
            try context.require(.advocate)
            return try await contentPage(request, context, message: doneMessage(request, context, allowed: ["item_submitted", "content_changed"]), error: nil)
        }
        router.post("content") { request, context in try await submitContent(request, context) }
        router.post("content/{id}/status") { request, context in try await changeContent(request, context) }
        router.get("share") { request, context in
            if let r = signedIn(request, context) { return r }
            return try await sharePage(request, context)
        }
        router.get("links") { request, context in
            if let r = signedIn(request, context) { return r }
            try context.require(.analyst)
            return try await linksPage(request, context, error: nil)
        }
        router.post("links") { request, context in try await createLink(request, context) }
        router.get("links/{code}") { request, context in
            if let r = signedIn(request, context) { return r }
            try context.require(.analyst)
            return try await linkPage(request, context)
        }
    }

    func time(_ t: Int64?) -> String {
        guard let t else { return "" }
        return LocalDate(utcInstant: t).description
    }

    // MARK: content library

    func contentPage(_ request: Request, _ context: EngageContext, message: String?, error: APIError?, status: HTTPResponse.Status = .ok) async throws -> Response {
        let p = try context.require(.advocate)
        let t = UIText(lang: context.lang)
        let q = try QueryReader(request, allowed: ["status", "done"])
        let filter = q.string("status").flatMap { ContentData.statuses.contains($0) ? $0 : nil }
        let data = ContentData(store: app.store)
        // advocates see what they may share and what they suggested themselves
        let items: [ContentRecord]
        if p.role == .advocate {
            items = try await data.items(statuses: filter.map { [$0] } ?? ["approved", "published"], orSubmittedBy: p.employeeID ?? "\u{0}")
        } else {
            items = try await data.items(statuses: filter.map { [$0] } ?? [])
        }
        let names = Dictionary(try await data.employees().map { ($0.id, $0.name ?? $0.id) }, uniquingKeysWith: { a, _ in a })
        let csrf = p.session.map(app.security.csrf(for:)) ?? ""
        let rows: [[String: Any]] = items.map { c in
            var actions: [[String: Any]] = []
            if p.role == .admin {
                for (s, key, danger) in [("approved", "approve", false), ("published", "publish", false), ("rejected", "reject", true)] where c.status != s {
                    actions.append(["id": c.id, "csrf": csrf, "status": s, "label": t[key], "danger": danger])
                }
            }
            var row: [String: Any] = [
                "id": c.id, "title": c.title ?? c.id, "status": c.status ?? "", "statusLabel": t["status_" + (c.status ?? "submitted")],
                "submittedBy": c.submittedBy.map { names[$0] ?? $0 } ?? "", "submittedAt": time(c.submittedAt), "approvedAt": time(c.approvedAt),
                "publishedAt": time(c.publishedAt), "actions": actions,
            ]
            if let u = c.url, UTMBuilder.isWebURL(u) { row["url"] = u }
            return row
        }
        let filters: [[String: Any]] = ([nil] + ContentData.statuses).map { s in
            ["href": "/content" + (s.map { "?status=" + $0 } ?? ""), "label": s.map { t["status_" + $0] } ?? t["all"], "current": s == filter]
        }
        let content = try render("content", [
            "csrf": csrf, "items": rows, "filters": filters, "chooseEmployee": p.role >= .analyst,
            "employees": names.sorted { $0.key < $1.key }.map { ["id": $0.key, "label": $0.value == $0.key ? $0.key : "\($0.value) (\($0.key))"] },
        ], context)
        return try page(request, context, title: t["content"], current: "/content", content: content, message: message, error: error, status: status)
    }

    func submitContent(_ request: Request, _ context: EngageContext) async throws -> Response {
        if let r = signedIn(request, context) { return r }
        let (p, form) = try await checkedForm(request, context, role: .advocate)
        let t = UIText(lang: context.lang)
        // an advocate suggests as themself; analysts and admins may suggest for an employee
        let employee = p.role >= .analyst ? form["employee"].flatMap { $0.isEmpty ? nil : $0 } : p.employeeID
        do {
            if p.role == .advocate, p.employeeID == nil { throw APIError(.unprocessableContent, t["no_employee"]) }
            try await ContentData(store: app.store).submit(title: form["title"] ?? "", url: form["url"] ?? "", by: employee, now: app.config.now())
            return doneRedirect("/content", done: "item_submitted")
        } catch let e as APIError {
            return try await contentPage(request, context, message: nil, error: e, status: e.status)
        } catch let e as any UserFacingError {
            let a = APIError(e)
            return try await contentPage(request, context, message: nil, error: a, status: a.status)
        }
    }

    func changeContent(_ request: Request, _ context: EngageContext) async throws -> Response {
        if let r = signedIn(request, context) { return r }
        let (_, form) = try await checkedForm(request, context, role: .admin)
        try await ContentData(store: app.store).setStatus(id: context.param("id"), status: form["status"] ?? "", now: app.config.now())
        return doneRedirect("/content", done: "content_changed")
    }

    // MARK: the advocate's page

    func sharePage(_ request: Request, _ context: EngageContext) async throws -> Response {
        let p = try context.require(.advocate)
        let t = UIText(lang: context.lang)
        var data: [String: Any] = [:]
        if let e = p.employeeID {
            let content = ContentData(store: app.store)
            let mine = try await content.links(employeeID: e, limit: 10_000)
            // newest first: keep the oldest per item, the one Links.personal hands out
            let links = Dictionary(mine.compactMap { l in l.contentID.map { ($0, l) } }, uniquingKeysWith: { _, older in older })
            var made = 0
            var rows: [[String: Any]] = []
            for item in try await content.items(statuses: ["approved", "published"]) {
                // the advocate's links were read above; one is made only for an item without one
                var link = links[item.id]
                if link == nil {
                    link = try await Links(store: app.store).personal(employeeID: e, content: item, now: app.config.now())
                    if link != nil { made += 1 }
                }
                guard let link else { continue }
                let short = app.shortURL(link.code, request: request)
                var row: [String: Any] = ["title": item.title ?? item.id, "short": short, "clicks": Labels(context.lang).int(link.clicks),
                                          "share": Self.shareLinks(url: short, title: item.title ?? "")]
                if let u = item.url { row["url"] = u }
                rows.append(row)
            }
            // newest first; older items folded away
            let standing = try await content.standing(employeeID: e, since: app.config.now() - 30 * 86_400)
            data = ["employee": true, "items": Array(rows.prefix(Self.newestShown)), "older": Array(rows.dropFirst(Self.newestShown)),
                    "hasOlder": rows.count > Self.newestShown, "olderCount": rows.count - min(rows.count, Self.newestShown),
                    "linkCount": Labels(context.lang).int(mine.count + made),
                    "clickCount": Labels(context.lang).int(mine.reduce(0) { $0 + $1.clicks }),
                    "shareCount": Labels(context.lang).int(standing.shares),
                    "rank": standing.rank.map { "\($0) / \(standing.advocates)" } ?? "—"]
        }
        return try page(request, context, title: t["my_sharing"], current: "/share", content: try render("share", data, context))
    }

    /// Items shown at once on the advocate's page; the rest are folded under "Older".
    static let newestShown = 10

    /// Share addresses of the networks (plain links: no script, no tracking of ours).
    static func shareLinks(url: String, title: String) -> [[String: String]] {
        let u = percentEncode(url), t = percentEncode(title)
        return [
            ["network": "VK", "href": "https://vk.com/share.php?url=\(u)&title=\(t)"],
            ["network": "Telegram", "href": "https://t.me/share/url?url=\(u)&text=\(t)"],
            ["network": "LinkedIn", "href": "https://www.linkedin.com/sharing/share-offsite/?url=\(u)"],
            ["network": "X", "href": "https://x.com/intent/tweet?url=\(u)&text=\(t)"],
        ]
    }

    // MARK: links

    /// The links listing: search, employee and campaign filters, 50 a page read by key (newest
    /// first), the total the filter selects; the link just made (post/redirect/get) on top.
    func linksPage(_ request: Request, _ context: EngageContext, error: APIError?, status: HTTPResponse.Status = .ok) async throws -> Response {
        let p = try context.require(.analyst)
        let q = try QueryReader(request, allowed: ["q", "employee", "campaign", "after", "created"])
        let data = ContentData(store: app.store)
        let names = Dictionary(try await data.employees().map { ($0.id, $0.name ?? $0.id) }, uniquingKeysWith: { a, _ in a })
        let items = try await data.items(statuses: ["approved", "published"])
        let l = Labels(context.lang)
        let filter = ContentData.LinkFilter(search: q.string("q"), employeeID: q.string("employee").flatMap { $0.isEmpty ? nil : ($0 == "-" ? "" : $0) },
                                            campaign: q.string("campaign"))
        var after: ContentData.LinkCursor?
        if let a = q.string("after") {
            guard let c = ContentData.LinkCursor(a) else { throw APIError(.badRequest, "after: '\(a.prefix(80))' is not a place in the list") }
            after = c
        }
        let perPage = 50
        let listing = try await data.linkPage(filter, after: after, limit: perPage)
        func href(after: ContentData.LinkCursor?) -> String {
            var items = q.params.filter { ["q", "employee", "campaign"].contains($0.0) && !$0.1.isEmpty }
            if let after { items.append(("after", after.text)) }
            return "/links" + (items.isEmpty ? "" : "?" + items.map { "\($0.0)=\(percentEncode($0.1))" }.joined(separator: "&"))
        }
        var d: [String: Any] = [
            "csrf": p.session.map(app.security.csrf(for:)) ?? "",
            "employees": names.sorted { $0.key < $1.key }.map { ["id": $0.key, "label": $0.value == $0.key ? $0.key : "\($0.value) (\($0.key))",
                                                                 "selected": $0.key == filter.employeeID] },
            "brandSelected": filter.employeeID == "",
            "campaigns": listing.campaigns.map { ["name": $0, "selected": $0 == filter.campaign] },
            "search": filter.search ?? "",
            "content": items.map { ["id": $0.id, "label": $0.title ?? $0.id] },
            "total": l.int(listing.total), "shown": l.int(listing.links.count),
            "links": listing.links.map { k in
                ["code": percentEncode(k.code), "short": app.shortURL(k.code, request: request), "target": k.target,
                 "employee": k.employeeID.map { names[$0] ?? $0 } ?? "—", "content": k.contentID ?? "", "created": time(k.createdAt), "clicks": l.int(k.clicks)]
            },
        ]
        if listing.links.count == perPage, let last = listing.links.last { d["nextHref"] = href(after: .init(createdAt: last.createdAt ?? 0, code: last.code)) }
        if after != nil { d["firstHref"] = href(after: nil) }
        if let code = q.string("created"), let target = try await Links(store: app.store).target(code: code) {
            d["created"] = ["short": app.shortURL(code, request: request), "target": target]
        }
        return try page(request, context, title: UIText(lang: context.lang)["links"], current: "/links", content: try render("links", d, context),
                        error: error, status: status)
    }

    /// One link: where it goes, whose it is, and its human clicks and distinct visitors per
    /// day of the chosen period (a chart and the table under it).
    func linkPage(_ request: Request, _ context: EngageContext) async throws -> Response {
        let code = context.param("code")
        let q = try QueryReader(page: request, allowed: ["from", "to"])
        let period = try q.period(today: app.today())
        let data = ContentData(store: app.store)
        guard let link = try await data.linkRecord(code: code) else { throw APIError(.notFound, "no tracked link '\(code.prefix(64))'") }
        let l = Labels(context.lang), t = UIText(lang: context.lang)
        let from = Int64(period.from.dayNumber) * 86_400, to = Int64(period.to.dayNumber + 1) * 86_400
        let days = try await data.dailyClicks(code: code, from: from, to: to)
        let byDay = Dictionary(days.map { ($0.day, $0) }, uniquingKeysWith: { a, _ in a })
        var points: [SVGChart.Point] = []
        var rows: [[String]] = []
        var d = period.from
        while d <= period.to {
            let v = byDay[d.dayNumber]
            points.append(.init(label: HTMLPage.shortDate(d), value: Double(v?.clicks ?? 0),
                                tooltip: "\(d): \(l.int(v?.clicks ?? 0)) \(t["clicks"]), \(l.int(v?.visitors ?? 0)) \(t["visitors"])"))
            if let v { rows.append([htmlEscape(d.description), htmlEscape(l.int(v.clicks)), htmlEscape(l.int(v.visitors))]) }
            d = d.adding(days: 1)
        }
        let total = days.reduce(0) { $0 + $1.clicks }
        var content = "<h1>\(htmlEscape(t["link"])) <code>\(htmlEscape(app.shortURL(code, request: request)))</code></h1>"
        content += "<p>→ <code>\(htmlEscape(link.target))</code></p>"
        content += "<p class=\"muted\">\(htmlEscape(t["employee"])): \(htmlEscape(link.employeeID ?? "—")) · \(htmlEscape(t["content"])): \(htmlEscape(link.contentID ?? "—")) · \(htmlEscape(t["clicks"])) (\(htmlEscape(t["all_time"]))): \(htmlEscape(l.int(link.clicks)))</p>"
        content += "<h2>\(htmlEscape(t["clicks_per_day"])) · \(htmlEscape(l.int(total)))</h2>"
        content += "<p class=\"muted\">\(htmlEscape(t["clicks_per_day_help"]))</p>"
        content += SVGChart.line(points, title: t["clicks_per_day"], width: 900, height: 220, integers: true)
        content += rows.isEmpty ? "<p class=\"muted\">\(htmlEscape(t["no_clicks"]))</p>"
            : HTMLPage.table([t["day"], t["clicks"], t["visitors"]], rows)
        content += "<p><a href=\"/links\">← \(htmlEscape(t["links"]))</a></p>"
        return try page(request, context, title: t["link"] + " " + code, current: "/links", content: content, picker: period)
    }

    func createLink(_ request: Request, _ context: EngageContext) async throws -> Response {
        if let r = signedIn(request, context) { return r }
        let (_, form) = try await checkedForm(request, context, role: .analyst)
        let tags = UTMBuilder.Tags(source: form["utm_source"], medium: form["utm_medium"], campaign: form["utm_campaign"],
                                   content: form["utm_content"], term: form["utm_term"])
        do {
            let made = try await Links(store: app.store).create(.init(target: (form["target"] ?? "").trimmingCharacters(in: .whitespaces), employeeID: form["employee"],
                                                           contentID: form["content"], tags: tags), now: app.config.now())
            return .redirect(to: "/links?created=" + percentEncode(made.code), type: .normal)
        } catch let e as any UserFacingError {
            let a = APIError(e)
            return try await linksPage(request, context, error: a, status: a.status)
        }
    }
}
