import EngageCore
import EngageImport
import EngageReports
import EngageStore
import Foundation
import Hummingbird

/// `/api/v1`: the reports as `engage report … --format json` prints them, the lists behind
/// the pages, and ingestion.
struct APIController {
    let app: ServerState

    func register(on router: Router<EngageContext>) {
        let api = router.group("api/v1")
        api.get("me") { _, context in
            let p = try context.require(.viewer)
            return json(.object([("name", .string(p.name)), ("role", .string(p.role.rawValue))]))
        }
        api.get("reports/social") { request, context in
            try context.require(.viewer)
            let q = try QueryReader(request, allowed: ["from", "to", "account"])
            let cached = try await app.socialReport(q)
            return jsonText(await cached.text("json") { $0.json.serialized() })
        }
        api.get("reports/advocacy") { request, context in
            try context.require(.viewer)
            let q = try QueryReader(request, allowed: ["from", "to", "min_shares"])
            return json(try await app.advocacyReport(period: try q.period(today: app.today()), minShares: try q.int("min_shares", in: 1...1000)).json)
        }
        api.get("reports/survey") { request, context in
            try context.requireSurveys()
            let q = try QueryReader(request, allowed: ["survey", "threshold"])
            guard let id = q.string("survey") else { throw APIError(.badRequest, "name the survey: ?survey=ID") }
            guard try await SurveyData(store: app.store).survey(id: id) != nil else { throw APIError(.notFound, "no survey '\(id)'") }
            var builder = SurveyReportBuilder(store: app.store)
            builder.threshold = try q.int("threshold", in: 3...1000)  // can only raise the configured one
            return json(try await builder.build(surveyID: id).json)
        }
        api.get("links") { request, context in
            let p = try context.require(.advocate)
            _ = try QueryReader(request, allowed: [])
            // advocates see their own links only
            guard p.role >= .analyst || p.employeeID != nil else { return json(.object([("links", .array([]))])) }
            let links = try await ContentData(store: app.store).links(employeeID: p.role >= .analyst ? nil : p.employeeID, limit: 10_000)
            return json(.object([("links", .array(links.map { linkJSON($0, request: request) }))]))
        }
        api.post("links") { request, context in
            try context.require(.analyst)
            try checkCSRFIfCookie(request, context)
            return try await createLink(request)
        }
        api.get("accounts") { request, context in
            try context.require(.viewer)
            _ = try QueryReader(request, allowed: [])
            let accounts = try await app.store.accounts()
            return json(.object([("accounts", .array(accounts.map(accountJSON)))]))
        }
        api.get("accounts/{id}") { request, context in
            try context.require(.viewer)
            _ = try QueryReader(request, allowed: [])
            let id = context.param("id")
            guard let a = try await app.store.accounts().first(where: { $0.accountID == id }) else {
                throw APIError(.notFound, "no account with id '\(id)'")
            }
            return json(accountJSON(a))
        }
        api.get("posts") { request, context in
            try context.require(.viewer)
            let page = try await app.postsPage(request)
            return json(page.json)
        }
        api.post("import") { request, context in
            try context.require(.analyst)
            try checkCSRFIfCookie(request, context)
            return try await app.withUploadPlace { try await importUpload(request, context) }
        }
    }

    /// A cookie-authenticated browser call must carry the CSRF token; Bearer calls need not.
    func checkCSRFIfCookie(_ request: Request, _ context: EngageContext) throws {
        guard let session = context.principal?.session else { return }
        guard app.security.checkCSRF(request.headers[.csrfToken], session: session) else {
            throw APIError(.forbidden, "missing or wrong X-CSRF-Token header")
        }
    }

    func accountJSON(_ a: Account) -> JSONValue {
        .object([("account_id", .string(a.accountID)), ("network", .string(a.network)), ("name", .from(a.name)),
                 ("handle", .from(a.handle)), ("competitor", .bool(a.competitor)), ("timezone", .string(a.timezone))])
    }

    // MARK: links

    func linkJSON(_ l: LinkRecord, request: Request) -> JSONValue {
        .object([("code", .string(l.code)), ("short_url", .string(app.shortURL(l.code, request: request))), ("target", .string(l.target)),
                 ("employee_id", .from(l.employeeID)), ("content_id", .from(l.contentID)),
                 ("created_at", l.createdAt.map { .string($0.isoUTC) } ?? .null), ("clicks", .int(l.clicks))])
    }

    /// `POST /api/v1/links`: a JSON object {target, employee_id?, content_id?, utm_source?,
    /// utm_medium?, utm_campaign?, utm_content?, utm_term?, code?}; answers 201 with the link.
    func createLink(_ request: Request) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: app.config.maxFormBytes)
        if let type = request.headers[.contentType], !type.lowercased().hasPrefix("application/json") {
            throw APIError(.unsupportedMediaType, "send the link as application/json")
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any] else {
            throw APIError(.badRequest, "the body is not a JSON object")
        }
        let known: Set<String> = ["target", "employee_id", "content_id", "utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term", "code"]
        if let unknown = object.keys.sorted().first(where: { !known.contains($0) }) { throw APIError(.badRequest, "unknown field '\(unknown)'") }
        func field(_ k: String) throws -> String? {
            guard let v = object[k], !(v is NSNull) else { return nil }
            guard let s = v as? String else { throw APIError(.badRequest, "\(k): expected a string") }
            return s
        }
        guard let target = try field("target"), !target.isEmpty else { throw APIError(.unprocessableContent, "target: required") }
        let tags = UTMBuilder.Tags(source: try field("utm_source"), medium: try field("utm_medium"), campaign: try field("utm_campaign"),
                                   content: try field("utm_content"), term: try field("utm_term"))
        let made = try await Links(store: app.store).create(.init(target: target, employeeID: try field("employee_id"), contentID: try field("content_id"),
                                                       tags: tags, code: try field("code")), now: app.config.now())
        let link = LinkRecord(code: made.code, target: made.target, employeeID: try field("employee_id").flatMap { $0.isEmpty ? nil : $0 },
                              contentID: try field("content_id").flatMap { $0.isEmpty ? nil : $0 }, createdAt: app.config.now(), clicks: 0)
        return json(linkJSON(link, request: request), status: .created)
    }

    // MARK: import

    /// The body is one CSV file named by `?file=` (raw), or several as multipart/form-data.
    func importUpload(_ request: Request, _ context: EngageContext) async throws -> Response {
        var request = request
        let q = try QueryReader(request, allowed: ["file", "account", "network", "timezone", "followers", "dry_run"])
        let body = try await request.collectBody(upTo: app.config.maxBodyBytes)
        var files: [(String, ByteBuffer)] = []
        var fields: [String: String] = [:]
        if let type = request.headers[.contentType], type.lowercased().hasPrefix("multipart/form-data") {
            files = try Multipart.files(body: body, contentType: type)
            fields = try Multipart.fields(body: body, contentType: type)
        } else {
            guard let name = q.string("file") else {
                throw APIError(.badRequest, "name the file: ?file=posts.csv (or send multipart/form-data)")
            }
            files = [(name, body)]
        }
        // options: query parameters, or fields of the multipart body
        let options = try ImportUpload.options { q.string($0) ?? fields[$0] }
        let result = try await ImportUpload(store: app.store, now: app.config.now(), by: context.principal?.name ?? "").run(files, options: options)
        return json(result.json, status: .ok)
    }
}
