import EngageCore
import EngageReports
import EngageStore
import Foundation
import Hummingbird
import Logging
import Metrics
import Prometheus
import ServiceLifecycle

/// Turns every error into a response: JSON for `/api/` (and anything asking for JSON), an
/// error page otherwise. Bad input is a 4xx; a database that cannot be reached is a 503;
/// anything else is logged and answered as a 500 without details.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = EngageContext
    let pages: LayoutPages
    let routes: RouteTable

    func handle(_ request: Request, context: EngageContext, next: (Request, EngageContext) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            var e = Self.classify(error, context: context)
            // a path we serve, asked with a method we do not: 405 with the methods we do
            var allow: [String] = []
            if (error as? HTTPResponseError)?.status == .notFound, !(error is APIError) {
                allow = routes.methods(for: request.uri.path)
                if !allow.isEmpty { e = APIError(.methodNotAllowed, "this address answers \(allow.joined(separator: ", ")) only") }
            }
            if !allow.isEmpty {
                var r = try e.response(from: request, context: context)
                r.headers[.allow] = allow.joined(separator: ", ")
                return r
            }
            let wantsJSON = request.uri.path.hasPrefix("/api/") || request.uri.path == "/healthz" || request.uri.path == "/metrics"
                || (request.headers[.accept]?.contains("application/json") ?? false)
            if wantsJSON { return try e.response(from: request, context: context) }
            if e.status == .unauthorized { return .redirect(to: "/login", type: .found) }
            let t = UIText(lang: context.lang)
            let title = e.status == .notFound ? t["not_found"] : e.status == .forbidden ? t["forbidden"] : t["error"]
            // the common refusals in the page's language (the API keeps its English text)
            if e.message == APIError.notFound.message || e.message == "no such page or resource" { e.message = t["no_such_page"] }
            if e.message == APIError.forbidden.message { e.message = t["role_forbids"] }
            return try pages.page(request, context, title: title, current: "", content: "<h1>\(htmlEscape(title))</h1>", error: e, status: e.status)
        }
    }

    static func classify(_ error: Error, context: EngageContext) -> APIError {
        switch error {
        case let e as APIError: return e
        case let e as HTTPResponseError where e.status.code < 500:
            switch e.status {
            case .notFound: return APIError(e.status, "no such page or resource")
            case .contentTooLarge: return APIError(e.status, "the request body is larger than this server accepts")
            default: return APIError(e.status, (e as? HTTPError)?.body ?? e.status.reasonPhrase)
            }
        case let e as any UserFacingError:
            if e.kind == .unavailable { context.logger.error("store error: \(e.description)") }
            return APIError(e)
        default:
            context.logger.error("unexpected error: \(String(reflecting: error))")
            return APIError(.internalServerError, "internal error (logged with this request's id)")
        }
    }
}

/// The routes the router serves (path template → methods), for 405 answers.
final class RouteTable: @unchecked Sendable {
    private let lock = NSLock()
    private var routes: [(segments: [Substring], method: String)] = []

    func set(_ list: [(String, HTTPRequest.Method)]) {
        lock.withLock { routes = list.map { ($0.0.split(separator: "/"), $0.1.rawValue) } }
    }

    /// The methods served at `path` (its segments matched against the templates).
    func methods(for path: String) -> [String] {
        let parts = path.split(separator: "/")
        let found = lock.withLock {
            routes.filter { r in
                r.segments.count == parts.count && zip(r.segments, parts).allSatisfy { t, p in t.hasPrefix("{") || t.hasPrefix(":") || t == "*" || t == p }
            }.map(\.method)
        }
        return Array(Set(found)).sorted()
    }
}

