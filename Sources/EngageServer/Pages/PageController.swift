import EngageCore
import EngageImport
import EngageReports
import EngageStore
import Foundation
import Hummingbird

/// What every controller of pages shares: the layout around a page's content (navigation,
/// period picker, messages), templates, sign-in redirects.
protocol PageController {
    var app: ServerState { get }
}

extension PageController {
    /// Every form a signed-in user posts carries the CSRF token of the page it came from,
    /// bound to the session: a mismatch is 403 (an API token has no session and no token).
    func checkCSRF(_ token: String?, _ p: Principal, _ context: EngageContext) throws {
        if let session = p.session, !app.security.checkCSRF(token, session: session) {
            throw APIError(.forbidden, UIText(lang: context.lang)["csrf"])
        }
    }

    /// A form post by a user of at least `role`: read, its CSRF token checked.
    func checkedForm(_ request: Request, _ context: EngageContext, role: Role) async throws -> (Principal, Form) {
        let p = try context.require(role)
        let form = try await Form.read(request, context, limit: app.config.maxFormBytes)
        try checkCSRF(form["csrf"], p, context)
        return (p, form)
    }

    /// A form post about survey waves (`hr` or `admin`): read, its CSRF token checked.
    func checkedSurveyForm(_ request: Request, _ context: EngageContext) async throws -> (Principal, Form) {
        let p = try context.requireSurveys()
        let form = try await Form.read(request, context, limit: app.config.maxFormBytes)
        try checkCSRF(form["csrf"], p, context)
        return (p, form)
    }

    /// The navigation; with a page's `period`, links to pages that show a period keep it.
    /// After a form's change is made: 303 to the page (post/redirect/get: reloading it does
    /// not send the form again), which says `done` (a UIText key) once.
    func doneRedirect(_ path: String, done: String) -> Response {
        .redirect(to: path + (path.contains("?") ? "&" : "?") + "done=" + done, type: .normal)  // 303 See Other
    }

    /// The message a page shows after `doneRedirect`: only keys of `allowed` (a link cannot
    /// make a page say anything else).
    func doneMessage(_ request: Request, _ context: EngageContext, allowed: Set<String>) -> String? {
        guard let key = request.uri.queryParameters["done"].map(String.init), allowed.contains(key) else { return nil }
        return UIText(lang: context.lang)[key]
    }

    func nav(_ context: EngageContext, current: String, period: Period? = nil) -> [[String: Any]] {
        let t = UIText(lang: context.lang)
        guard let p = context.principal else { return [] }
        var items: [(String, String)] = []
        if p.role >= .viewer {
            items = [("/", t["overview"]), ("/competitors", t["competitors"]), ("/posts", t["posts"]), ("/traffic", t["traffic"]), ("/advocacy", t["advocacy"])]
        }
        if p.role.seesSurveys { items.append(("/surveys", t["surveys"])) }
        items.append(("/content", t["content"]))
        if p.employeeID != nil || p.role == .advocate { items.append(("/share", t["my_sharing"])) }
        if p.role >= .analyst { items += [("/links", t["links"]), ("/import", t["import"]), ("/accounts", t["accounts"])] }
        if p.role >= .admin { items += [("/users", t["users"]), ("/schedules", t["schedules"]), ("/settings", t["settings"])] }
        let periodPages: Set<String> = ["/", "/competitors", "/posts", "/traffic", "/advocacy"]
        return items.map { item in
            let href = period.map { periodPages.contains(item.0) ? item.0 + "?" + $0.query : item.0 } ?? item.0
            return ["href": href, "label": item.1, "current": item.0 == current]
        }
    }

    /// A whole page: layout around `content` (already-escaped HTML made by the renderers or
    /// a template).
    func page(_ request: Request, _ context: EngageContext, title: String, current: String, content: String,
              picker: Period? = nil, pickerAction: String? = nil, pickerHidden: [(String, String)] = [], message: String? = nil, error: APIError? = nil,
              status: HTTPResponse.Status = .ok, downloads: Bool = false,
              comparison: (range: Period, mode: String, custom: Bool)? = nil) throws -> Response {
        let t = UIText(lang: context.lang)
        var data: [String: Any] = [
            "lang": context.lang.rawValue, "title": title, "t": t.all, "reportCSS": HTMLPage.css, "content": content,
            "otherLang": context.lang == .en ? "ru" : "en",
            "backURL": percentEncode(request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")),
        ]
        if let p = context.principal {
            data["user"] = ["name": p.name, "role": p.role.rawValue, "csrf": p.session.map(app.security.csrf(for:)) ?? "",
                            "nav": nav(context, current: current, period: picker)] as [String: Any]
        }
        if let period = picker {
            let today = app.today()
            let last = Period.resolve(from: nil, to: nil, today: today)
            let yesterday = today.adding(days: -1), y = yesterday.components
            // the last complete calendar quarter
            let quarterStart = LocalDate(year: today.components.year, month: (today.components.month - 1) / 3 * 3 + 1, day: 1)
            let lastQuarter = Period(from: LocalDate(year: quarterStart.adding(days: -1).components.year,
                                                     month: (quarterStart.adding(days: -1).components.month - 1) / 3 * 3 + 1, day: 1),
                                     to: quarterStart.adding(days: -1))
            let presets: [(String, Period)] = [
                (t["preset_last_month"], last),
                (t["preset_30"], Period(from: today.adding(days: -30), to: yesterday)),
                (t["preset_90"], Period(from: today.adding(days: -90), to: yesterday)),
                (t["preset_quarter"], lastQuarter),
                (t["preset_ytd"], Period(from: LocalDate(year: y.year, month: 1, day: 1), to: yesterday)),
            ]
            let action = pickerAction ?? request.uri.path
            data["picker"] = [
                "action": action, "from": period.from.description, "to": period.to.description,
                "hidden": pickerHidden.map { ["name": $0.0, "value": $0.1] },
                "comparison": comparison.map { c -> [String: Any] in
                    ["year": c.mode == "year" && !c.custom, "previous": c.mode != "year" && !c.custom, "custom": c.custom,
                     "cmpFrom": c.custom ? c.range.from.description : "", "cmpTo": c.custom ? c.range.to.description : "",
                     "range": "\(c.range.from) — \(c.range.to)"]
                } as Any,
                "presets": presets.map { p in
                    ["label": p.0, "href": action + "?" + (pickerHidden + [("from", p.1.from.description), ("to", p.1.to.description)])
                        .map { "\($0.0)=\(percentEncode($0.1))" }.joined(separator: "&")]
                },
            ] as [String: Any]
        }
        if downloads {
            // this page's query with format=csv / format=json: the data of exactly this view
            let kept = request.uri.queryParameters.filter { $0.key != "format" }.map { "\($0.key)=\(percentEncode(String($0.value)))" }
            func href(_ f: String) -> String { request.uri.path + "?" + (kept + ["format=" + f]).joined(separator: "&") }
            data["downloads"] = ["csv": href("csv"), "json": href("json")]
        }
        if let period = picker {
            data["printPeriod"] = "\(t["period"]): \(period.from) — \(period.to)"
        }
        if let message { data["message"] = message }
        if let error {
            data["error"] = error.message
            data["details"] = error.details
            data["hasDetails"] = !error.details.isEmpty
        }
        guard let html = app.templates.render(data, withTemplate: "layout") else { throw APIError(.internalServerError, "template layout is missing") }
        var response = htmlResponse(html, status: status)
        // the period shown is the one the next page opened without from/to shows
        if let picker, status == .ok {
            response.setCookie(app.cookie(ServerState.periodCookie, picker.cookieValue, request: request, maxAge: Int(30 * LocalDate.secondsPerDay)))
        }
        return response
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

    /// The social report's renderer; links to account pages keep `period`.
    func renderer(_ context: EngageContext, period: Period? = nil) -> SocialHTMLRenderer {
        var r = SocialHTMLRenderer(lang: context.lang)
        let query = period.map { "?" + $0.query } ?? ""
        r.accountHref = { "/accounts/" + percentEncode($0) + query }
        return r
    }
}

/// The layout alone (for error pages).
struct LayoutPages: PageController {
    let app: ServerState
}

/// An HTML answer with the house headers (CSP, nosniff).
func htmlResponse(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.contentSecurityPolicy] = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'"
        headers[.xContentTypeOptions] = "nosniff"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
}
