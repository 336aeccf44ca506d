import EngageCore
import EngageImport
import EngageReports
import EngageStore
import Foundation
import Hummingbird

/// Signing in and out, and the language switch.
struct SessionController: PageController {
    let app: ServerState

    func register(on router: Router<EngageContext>) {
        router.get("login") { request, context in
            try await loginPage(request, context, name: "", error: nil)
        }
        router.post("login") { request, context in try await login(request, context) }
        router.post("logout") { request, context in
            let form = try await Form.read(request, context, limit: app.config.maxFormBytes)
            if let p = context.principal, p.session != nil {
                try checkCSRF(form["csrf"], p, context)
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
    }

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
}
