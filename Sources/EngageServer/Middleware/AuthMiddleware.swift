import EngageReports
import EngageStore
import Foundation
import HTTPTypes
import Hummingbird

/// Finds who is asking (Bearer token, else session cookie) and the page language.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = EngageContext
    let app: ServerState

    func handle(_ request: Request, context: EngageContext, next: (Request, EngageContext) async throws -> Response) async throws -> Response {
        var context = context
        context.lang = Self.language(request)
        // the survey answering pages read neither the session nor a token: nothing of who is
        // signed in in this browser can reach them (or their log lines)
        if request.uri.path.hasPrefix("/s/") { return try await stamped(next(request, context), context) }
        if let auth = request.headers[.authorization] {
            guard auth.lowercased().hasPrefix("bearer "), case let token = String(auth.dropFirst(7)).trimmingCharacters(in: .whitespaces),
                  !token.isEmpty, let t = try await app.tokens.token(hash: Security.tokenHash(token), now: app.config.now())
            else { throw APIError(.unauthorized, "the API token is not valid") }
            context.principal = Principal(name: t.name, role: t.role, userID: nil, session: nil)
        } else if let cookie = request.cookies[ServerState.sessionCookie]?.value {
            context.principal = try await app.principal(fromSession: cookie)
        }
        return try await stamped(next(request, context), context)
    }

    func stamped(_ response: Response, _ context: EngageContext) -> Response {
        var response = response
        if let id = context.logger[metadataKey: "hb.request.id"] { response.headers[.requestID] = "\(id)" }
        return response
    }

    /// The language: the remembered choice (cookie), else the first of Accept-Language we have.
    static func language(_ request: Request) -> Language {
        if let c = request.cookies[ServerState.langCookie]?.value, let l = Language(rawValue: c) { return l }
        for part in (request.headers[.acceptLanguage] ?? "").split(separator: ",") {
            let code = part.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
            if code.hasPrefix("ru") { return .ru }
            if code.hasPrefix("en") { return .en }
        }
        return .en
    }
}

extension HTTPField.Name {
    static let requestID = HTTPField.Name("X-Request-Id")!
    static let csrfToken = HTTPField.Name("X-CSRF-Token")!
    static let forwardedProto = HTTPField.Name("X-Forwarded-Proto")!
    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
}

extension EngageContext {
    /// The principal, if its role is at least `role`; else 401 (nobody) or 403.
    @discardableResult
    func require(_ role: Role) throws -> Principal {
        guard let p = principal else { throw APIError.unauthorized }
        guard p.role >= role else { throw APIError.forbidden }
        return p
    }

    /// The principal, if it may see survey results and run waves (`hr`, `admin`).
    @discardableResult
    func requireSurveys() throws -> Principal {
        guard let p = principal else { throw APIError.unauthorized }
        guard p.role.seesSurveys else { throw APIError.forbidden }
        return p
    }
}
