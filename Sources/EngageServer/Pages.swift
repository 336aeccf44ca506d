import EngageCore
import EngageImport
import EngageReports
import EngageStore
import Foundation
import Hummingbird

/// The dashboard: server-rendered pages that work without JavaScript. Report sections are
/// the ones of the HTML report (`HTMLRenderer`), so figures, charts and formulas are the same.
struct Pages {
    let app: ServerState
    let api: API

    func register(on router: Router<EngageContext>) {
        router.get("login") { request, context in
            try await loginPage(request, context, name: "", error: nil)
        }
        router.post("login") { request, context in try await login(request, context) }
        router.post("logout") { request, context in
            let form = try await Form.read(request, context, limit: app.config.maxFormBytes)
            if let p = context.principal, let session = p.session {
                guard app.security.checkCSRF(form["csrf"], session: session) else { throw APIError(.forbidden, UIText(lang: context.lang)["csrf"]) }
                if let uid = p.userID { try await app.users.endSessions(uid: uid) }
            }
            var r = Response.redirect(to: "/login", type: .found)
            r.setCookie(app.cookie(ServerState.sessionCookie, "", request: request, maxAge: 0))
            return r
        }
        router.get("lang/{code}") { request, context in
            let code = context.param("code")
            guard let lang = Language(rawValue: code) else { throw APIError(.notFound, "no such language") }
            var r = Response.redirect(to: localPath(request.uri.queryParameters.get("back")), type: .found)
            r.setCookie(app.cookie(ServerState.langCookie, lang.rawValue, request: request, maxAge: Int(365 * LocalDate.secondsPerDay)))
            return r
        }
        router.get("/") { request, context in try await overview(request, context) }
        router.get("accounts/{id}") { request, context in try await accountPage(request, context) }
        router.get("competitors") { request, context in try await competitors(request, context) }
        router.get("posts") { request, context in try await postsPage(request, context) }
        router.get("traffic") { request, context in try await trafficPage(request, context) }
        router.get("import") { request, context in
            try context.require(.analyst)
            return try page(request, context, title: UIText(lang: context.lang)["import"], current: "/import",
                            content: importContent(context, summary: nil))
        }
        router.post("import") { request, context in
            if let r = signedIn(request, context) { return r }
            try context.require(.analyst)
            return try await app.withUploadPlace { try await importPost(request, context) }
        }
        router.get("users") { request, context in
            try context.require(.admin)
            return try await usersPage(request, context, message: nil, error: nil)
        }
        router.post("users") { request, context in try await addUser(request, context) }
        router.post("users/{id}/role") { request, context in try await changeUser(request, context, action: "role") }
        router.post("users/{id}/password") { request, context in try await changeUser(request, context, action: "password") }
        router.post("users/{id}/delete") { request, context in try await changeUser(request, context, action: "delete") }
        registerAdvocacy(on: router)
        registerContent(on: router)
        registerSurveys(on: router)
    }

    // MARK: layout

    func nav(_ context: EngageContext, current: String) -> [[String: Any]] {
        let t = UIText(lang: context.lang)
        guard let p = context.principal else { return [] }
        var items: [(String, String)] = []
        if p.role >= .viewer {
            items = [("/", t["overview"]), ("/competitors", t["competitors"]), ("/posts", t["posts"]), ("/traffic", t["traffic"]), ("/advocacy", t["advocacy"]), ("/surveys", t["surveys"])]
        }
        items.append(("/content", t["content"]))
        if p.employeeID != nil || p.role == .advocate { items.append(("/share", t["my_sharing"])) }
        if p.role >= .analyst { items += [("/links", t["links"]), ("/import", t["import"])] }
        if p.role >= .admin { items.append(("/users", t["users"])) }
        return items.map { ["href": $0.0, "label": $0.1, "current": $0.0 == current] }
    }

    /// A whole page: layout around `content` (already-escaped HTML made by the renderers or
    /// a template).
    func page(_ request: Request, _ context: EngageContext, title: String, current: String, content: String,
              picker: Period? = nil, pickerAction: String? = nil, pickerHidden: [(String, String)] = [], message: String? = nil, error: APIError? = nil,
              status: HTTPResponse.Status = .ok) throws -> Response {
        let t = UIText(lang: context.lang)
        var data: [String: Any] = [
            "lang": context.lang.rawValue, "title": title, "t": t.all, "reportCSS": HTMLRenderer.css, "content": content,
            "otherLang": context.lang == .en ? "ru" : "en",
            "backURL": percentEncode(request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")),
        ]
        if let p = context.principal {
            data["user"] = ["name": p.name, "role": p.role.rawValue, "csrf": p.session.map(app.security.csrf(for:)) ?? "",
                            "nav": nav(context, current: current)] as [String: Any]
        }
        if let period = picker {
            let today = app.today()
            let last = Period.resolve(from: nil, to: nil, today: today)
            let presets: [(String, Period)] = [
                (context.lang == .ru ? "прошлый месяц" : "last month", last),
                (context.lang == .ru ? "30 дней" : "30 days", Period(from: today.adding(days: -30), to: today.adding(days: -1))),
                (context.lang == .ru ? "90 дней" : "90 days", Period(from: today.adding(days: -90), to: today.adding(days: -1))),
            ]
            let action = pickerAction ?? current
            data["picker"] = [
                "action": action, "from": period.from.description, "to": period.to.description,
                "hidden": pickerHidden.map { ["name": $0.0, "value": $0.1] },
                "presets": presets.map { p in
                    ["label": p.0, "href": action + "?" + (pickerHidden + [("from", p.1.from.description), ("to", p.1.to.description)])
                        .map { "\($0.0)=\(percentEncode($0.1))" }.joined(separator: "&")]
                },
            ] as [String: Any]
        }
        if let message { data["message"] = message }
        if let error {
            data["error"] = error.message
            data["details"] = error.details
            data["hasDetails"] = !error.details.isEmpty
        }
        guard let html = app.templates.render(data, withTemplate: "layout") else { throw APIError(.internalServerError, "template layout is missing") }
        return Self.html(html, status: status)
    }

    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.contentSecurityPolicy] = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'"
        headers[.xContentTypeOptions] = "nosniff"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    func render(_ template: String, _ data: [String: Any], _ context: EngageContext) throws -> String {
        var d = data
        d["t"] = UIText(lang: context.lang).all
        d["l"] = Labels(context.lang).all
        guard let s = app.templates.render(d, withTemplate: template) else { throw APIError(.internalServerError, "template \(template) is missing") }
        return s
    }

    /// A signed-in user, else a redirect to the login page that comes back here.
    func signedIn(_ request: Request, _ context: EngageContext) -> Response? {
        guard context.principal == nil else { return nil }
        let back = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
        return .redirect(to: "/login?next=" + percentEncode(back), type: .found)
    }

    func renderer(_ context: EngageContext) -> HTMLRenderer {
        var r = HTMLRenderer(lang: context.lang)
        r.accountHref = { "/accounts/" + percentEncode($0) }
        return r
    }

    // MARK: login

    func loginPage(_ request: Request, _ context: EngageContext, name: String, error: String?, status: HTTPResponse.Status = .ok) async throws -> Response {
        if context.principal != nil, error == nil { return .redirect(to: "/", type: .found) }
        let pre = request.cookies[ServerState.preCookie]?.value ?? Security.randomToken(bytes: 16)
        let next = localPath(request.uri.queryParameters.get("next"))
        let content = try render("login", ["csrf": app.security.csrf(for: pre), "next": next, "name": name], context)
        var r = try page(request, context, title: UIText(lang: context.lang)["sign_in"], current: "/login", content: content,
                         error: error.map { APIError(.unauthorized, $0) }, status: status)
        r.setCookie(app.cookie(ServerState.preCookie, pre, request: request, maxAge: 3_600))
        return r
    }

    func login(_ request: Request, _ context: EngageContext) async throws -> Response {
        let t = UIText(lang: context.lang)
        let form = try await Form.read(request, context, limit: app.config.maxFormBytes)
        let name = (form["name"] ?? "").trimmingCharacters(in: .whitespaces)
        guard let pre = request.cookies[ServerState.preCookie]?.value, app.security.checkCSRF(form["csrf"], session: pre) else {
            return try await loginPage(request, context, name: name, error: t["csrf"], status: .forbidden)
        }
        let now = app.config.now(), since = now - app.config.loginWindowSeconds
        // Failures are counted per name from this address (5), per address (20) and per name
        // from anywhere (100): one guesser is stopped soon, and locking someone else out
        // takes many addresses. Only keyed hashes of names and addresses are stored.
        let address = app.clientAddress(request, context)
        let nameKey = (try? Users.normalized(name).key) ?? name.lowercased()
        let pairKey = app.security.accountKey(nameKey + "|" + address), addressKey = app.security.addressKey(address)
        let accountKey = app.security.accountKey(nameKey)
        let pairFailures = try await app.signIns.count(key: pairKey, since: since)
        let addressFailures = try await app.signIns.count(key: addressKey, since: since)
        let accountFailures = try await app.signIns.count(key: accountKey, since: since)
        if pairFailures >= app.config.loginFailuresPerAccount || addressFailures >= app.config.loginFailuresPerAddress
            || accountFailures >= app.config.loginFailuresPerAccountEverywhere {
            return try await loginPage(request, context, name: name, error: t["too_many"], status: .tooManyRequests)
        }
        // an unknown name costs a bcrypt check too: the answer's time tells nothing
        let user = try await app.users.user(named: name)
        let passwordOK = Security.verifyPassword(form["password"] ?? "", hash: user?.passwordHash ?? app.decoyHash)
        guard let user, passwordOK else {
            try await app.signIns.record(keys: [pairKey, addressKey, accountKey], at: now, keepSeconds: app.config.loginWindowSeconds)
            return try await loginPage(request, context, name: name, error: t["bad_login"], status: .unauthorized)
        }
        // a sign-in writes nothing unless there are failures to forget (it works during an import)
        if pairFailures > 0 { try? await app.signIns.clear(key: pairKey) }
        let next = localPath(form["next"])
        var r = Response.redirect(to: next, type: .found)
        r.setCookie(app.cookie(ServerState.sessionCookie, app.sessionValue(for: user), request: request, maxAge: Int(app.config.sessionSeconds)))
        r.setCookie(app.cookie(ServerState.preCookie, "", request: request, maxAge: 0))
        return r
    }

    // MARK: report pages

    func report(_ request: Request, _ context: EngageContext) async throws -> CachedReport {
        try await api.socialReport(try QueryReader(request, allowed: ["from", "to", "account"]))
    }

    /// A page whose content is a rendering of a report, cached with the report per language.
    func reportPage(_ request: Request, _ context: EngageContext, _ cached: CachedReport, name: String, title: String, current: String,
                    content: @escaping @Sendable (SocialReport, HTMLRenderer) -> String) async throws -> Response {
        let r = renderer(context)
        let html = await cached.text("\(name).\(context.lang.rawValue)") { content($0, r) }
        return try page(request, context, title: title, current: current, content: html, picker: cached.report.period)
    }

    func overview(_ request: Request, _ context: EngageContext) async throws -> Response {
        if let r = signedIn(request, context) { return r }
        if context.principal?.role == .advocate { return .redirect(to: "/share", type: .found) }
        try context.require(.viewer)
        let t = UIText(lang: context.lang), l = Labels(context.lang)
        return try await reportPage(request, context, try await report(request, context), name: "overview", title: t["overview"], current: "/") { report, r in
            var content = "<h1>\(htmlEscape(t["overview"]))</h1><p class=\"muted\">\(htmlEscape(t["formula_hint"]))</p>"
            if report.accounts.isEmpty { return content + "<p>\(htmlEscape(t["no_accounts"]))</p>" }
            content += r.comparison(report)
            content += "<h2>\(htmlEscape(l["trend"]))</h2><div class=\"charts\">"
            for a in report.accounts where !a.account.competitor {
                content += "<figure><figcaption><a href=\"/accounts/\(htmlEscape(percentEncode(a.account.accountID)))\">\(htmlEscape(a.account.name ?? a.account.accountID))</a></figcaption>"
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
        let q = try QueryReader(request, allowed: ["from", "to"])
        guard try await app.store.accounts().contains(where: { $0.accountID == id }) else {
            throw APIError(.notFound, "no account with id '\(id)'")
        }
        let cached = try await app.socialReport(period: try q.period(today: app.today()), accountIDs: [id])
        guard let a = cached.report.accounts.first else { throw APIError.notFound }
        return try await reportPage(request, context, cached, name: "account", title: a.account.name ?? id, current: "/") { report, r in
            report.accounts.first.map { r.account($0, period: report.period) } ?? ""
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
        let q = try QueryReader(request, allowed: API.postParams.union(["format"]))
        if q.string("format") == "csv" { return try await postsCSV(request) }
        let p = try await api.postsPage(request, extra: ["format"])
        let l = Labels(context.lang)
        let accounts = try await app.store.accounts()
        let names = Dictionary(accounts.map { ($0.accountID, $0.name ?? $0.accountID) }, uniquingKeysWith: { a, _ in a })
        let pages = max(1, (p.page.total + p.query.perPage - 1) / p.query.perPage)
        func href(page: Int? = nil, format: String? = nil) -> String {
            var items = q.params.filter { $0.0 != "page" && $0.0 != "format" }
            if let page { items.append(("page", String(page))) }
            if let format { items.append(("format", format)) }
            return "/posts?" + items.map { "\($0.0)=\(percentEncode($0.1))" }.joined(separator: "&")
        }
        let rows: [[String: Any]] = p.page.posts.map { item in
            var post = item.post
            post.followers = p.followers[item.accountID]?.on(post.date)
            var row: [String: Any] = [
                "id": post.postID, "account": names[item.accountID] ?? item.accountID, "published": post.publishedAt.isoUTC,
                "type": post.type ?? "", "rubric": post.rubric ?? "", "reach": l.int(post.reach), "likes": l.int(post.likes),
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

    /// The filtered posts (every page) as CSV.
    func postsCSV(_ request: Request) async throws -> Response {
        let first = try await api.postsPage(request, extra: ["format"])
        var query = first.query
        query.perPage = 500
        var out = "post_id,account_id,published_at,type,rubric,url,likes,comments,shares,views,reach,engagements,er_post_pct\n"
        var page = 1
        while true {
            query.page = page
            let p = try await app.posts.page(query)
            for item in p.posts {
                var post = item.post
                post.followers = first.followers[item.accountID]?.on(post.date)
                let cells: [String] = [post.postID, item.accountID, post.publishedAt.isoUTC, post.type ?? "", post.rubric ?? "", post.url ?? "",
                                       String(post.likes), String(post.comments), String(post.shares), post.views.map(String.init) ?? "",
                                       post.reach.map(String.init) ?? "", String(post.engagements), post.erPostPct.map { "\($0)" } ?? ""]
                out += cells.map(csvCell).joined(separator: ",") + "\n"
            }
            if p.posts.count < query.perPage { break }
            page += 1
        }
        var headers = HTTPFields()
        headers[.contentType] = "text/csv; charset=utf-8"
        headers[.contentDisposition] = "attachment; filename=\"posts-\(query.period.from)-\(query.period.to).csv\""
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: out)))
    }

    // MARK: import

    func importContent(_ context: EngageContext, summary: ImportUpload.Result?) throws -> String {
        var data: [String: Any] = ["csrf": context.principal?.session.map(app.security.csrf(for:)) ?? ""]
        if let s = summary?.summary {
            data["imported"] = [
                "files": s.files.map { ["file": $0.file, "rows": $0.rows] },
                "warnings": s.warnings.map(\.description), "hasWarnings": !s.warnings.isEmpty,
            ] as [String: Any]
        }
        return try render("import", data, context)
    }

    func importPost(_ request: Request, _ context: EngageContext) async throws -> Response {
        if let r = signedIn(request, context) { return r }
        let p = try context.require(.analyst)
        var request = request
        let t = UIText(lang: context.lang)
        let body = try await request.collectBody(upTo: app.config.maxBodyBytes)
        guard let type = request.headers[.contentType], type.lowercased().hasPrefix("multipart/form-data") else {
            throw APIError(.unsupportedMediaType, "send the form as multipart/form-data")
        }
        // the CSRF token is a plain field of the same multipart body
        let fields = try Multipart.fields(body: body, contentType: type)
        guard let session = p.session, app.security.checkCSRF(fields["csrf"], session: session) else { throw APIError(.forbidden, t["csrf"]) }
        do {
            let result = try await ImportUpload(store: app.store, now: app.config.now()).run(try Multipart.files(body: body, contentType: type))
            return try page(request, context, title: t["import"], current: "/import", content: importContent(context, summary: result),
                            message: "\(t["imported"]): \(result.summary.rows) \(t["rows"])")
        } catch let e as APIError {
            return try page(request, context, title: t["import"], current: "/import", content: importContent(context, summary: nil),
                            error: APIError(e.status, e.status == .unprocessableContent ? t["refused"] : e.message, details: e.details), status: e.status)
        }
    }

    // MARK: users

    func usersPage(_ request: Request, _ context: EngageContext, message: String?, error: APIError?, status: HTTPResponse.Status = .ok) async throws -> Response {
        let users = try await app.users.all()
        let csrf = context.principal?.session.map(app.security.csrf(for:)) ?? ""
        let content = try render("users", ["csrf": csrf, "minPassword": Users.minimumPasswordLength, "users": users.map { u in
            ["uid": u.uid, "name": u.name, "csrf": csrf, "me": u.uid == context.principal?.userID, "employee": u.employeeID ?? "",
             "roles": Role.allCases.map { ["role": $0.rawValue, "selected": $0 == u.role] }] as [String: Any]
        }], context)
        return try page(request, context, title: UIText(lang: context.lang)["users"], current: "/users", content: content,
                        message: message, error: error, status: status)
    }

    /// A form of the users page, checked (admin, CSRF), its change made by `change`; the
    /// page again with a message, or with the problem.
    func userForm(_ request: Request, _ context: EngageContext, done: String,
                  _ change: @Sendable (Form) async throws -> Void) async throws -> Response {
        let p = try context.require(.admin)
        let t = UIText(lang: context.lang)
        let form = try await Form.read(request, context, limit: app.config.maxFormBytes)
        if let session = p.session, !app.security.checkCSRF(form["csrf"], session: session) { throw APIError(.forbidden, t["csrf"]) }
        do {
            try await change(form)
            return try await usersPage(request, context, message: t[done], error: nil)
        } catch let e as UserProblem {
            var a = APIError(e)
            if e == .lastAdmin { a.message = t["last_admin"] }
            return try await usersPage(request, context, message: nil, error: a, status: a.status)
        }
    }

    func addUser(_ request: Request, _ context: EngageContext) async throws -> Response {
        try await userForm(request, context, done: "user_added") { form in
            guard let role = Role(rawValue: form["role"] ?? "") else { throw UserProblem.name("role: one of advocate, viewer, analyst, admin") }
            let password = form["password"] ?? ""
            try Users.checkPassword(password)
            let employee = (form["employee"] ?? "").trimmingCharacters(in: .whitespaces)
            try await app.users.add(name: (form["name"] ?? "").trimmingCharacters(in: .whitespaces), role: role,
                                    passwordHash: Security.hashPassword(password, cost: app.config.bcryptCost),
                                    employeeID: employee.isEmpty ? nil : employee, now: app.config.now())
        }
    }
}

extension Pages {
    /// Changes a user's role, resets their password, or removes them; never leaves the
    /// instance without an admin. Each ends the user's sessions.
    func changeUser(_ request: Request, _ context: EngageContext, action: String) async throws -> Response {
        let uid = context.param("id")
        let done = ["role": "user_changed", "password": "password_changed", "delete": "user_removed"][action] ?? "user_changed"
        return try await userForm(request, context, done: done) { form in
            switch action {
            case "delete":
                try await app.users.remove(uid: uid)
            case "password":
                let password = form["password"] ?? ""
                try Users.checkPassword(password)
                try await app.users.setPassword(uid: uid, passwordHash: Security.hashPassword(password, cost: app.config.bcryptCost))
            default:
                guard let role = Role(rawValue: form["role"] ?? "") else { throw UserProblem.name("role: one of advocate, viewer, analyst, admin") }
                try await app.users.setRole(uid: uid, role: role)
            }
        }
    }
}

/// An application/x-www-form-urlencoded body.
struct Form {
    var values: [String: String]
    subscript(_ key: String) -> String? { values[key] }

    static func read(_ request: Request, _ context: EngageContext, limit: Int) async throws -> Form {
        var request = request
        let body = try await request.collectBody(upTo: limit)
        if let type = request.headers[.contentType], !type.lowercased().hasPrefix("application/x-www-form-urlencoded") {
            throw APIError(.unsupportedMediaType, "send the form as application/x-www-form-urlencoded")
        }
        var values: [String: String] = [:]
        for pair in String(buffer: body).split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1)
            let k = String(kv[0]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            let v = kv.count > 1 ? (String(kv[1]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "") : ""
            values[k] = v
        }
        return Form(values: values)
    }
}

/// `path` when it is a path of this site, else `/`: no scheme, no `//host` or `/\host`
/// (browsers read a backslash as a slash), no control characters — no open redirect.
func localPath(_ path: String?) -> String {
    guard let p = path, p.hasPrefix("/"), !p.hasPrefix("//"), !p.contains("\\"),
          !p.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return "/" }
    return p
}

func percentEncode(_ s: String) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~/")
    return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
}

func csvCell(_ s: String) -> String { CSVText.cell(s) }
