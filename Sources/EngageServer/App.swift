import EngageCore
import EngageReports
import EngageStore
import Foundation
import Hummingbird
import Logging
import Metrics
import Prometheus
import ServiceLifecycle

/// The process-wide Prometheus registry behind swift-metrics (bootstrapped once).
public enum EngageMetrics {
    public static let registry: PrometheusCollectorRegistry = {
        let r = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: r))
        return r
    }()

    static func countImport(_ outcome: String) {
        Metrics.Counter(label: "engage_imports_total", dimensions: [("outcome", outcome)]).increment()
    }
}

/// One structured log line per request when it is answered: request id (from Hummingbird's
/// logger metadata), method, path (survey tokens left out), status, duration.
struct AccessLogMiddleware: RouterMiddleware {
    typealias Context = EngageContext

    /// The path as logged: a survey link's token never is (it would name the employee, and
    /// its time would tie them to an answer), only the route.
    static func loggedPath(_ path: String) -> String {
        path.hasPrefix("/s/") ? "/s/{token}" : path
    }

    func handle(_ request: Request, context: EngageContext, next: (Request, EngageContext) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        func log(_ status: Int) {
            let ms = (ContinuousClock.now - started) / .milliseconds(1)
            context.logger.info("request", metadata: [
                "method": "\(request.method)", "path": "\(Self.loggedPath(request.uri.path))", "status": "\(status)",
                "duration_ms": "\(String(format: "%.1f", ms))",
            ])
        }
        do {
            let response = try await next(request, context)
            log(Int(response.status.code))
            return response
        } catch let e as HTTPResponseError {
            log(Int(e.status.code))
            throw e
        } catch {
            log(500)
            throw error
        }
    }
}

/// Headers every answer gets: nothing dynamic is kept in a cache (pages and API answers
/// hold what only a signed-in user may see), and no address of ours goes out as a referrer
/// (a survey link's would name its token).
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = EngageContext

    func handle(_ request: Request, context: EngageContext, next: (Request, EngageContext) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        response.headers[.referrerPolicy] = request.uri.path.hasPrefix("/s/") ? "no-referrer" : "same-origin"
        response.headers[.xContentTypeOptions] = "nosniff"
        return response
    }
}

/// Turns every error into a response: JSON for `/api/` (and anything asking for JSON), an
/// error page otherwise. Bad input is a 4xx; a database that cannot be reached is a 503;
/// anything else is logged and answered as a 500 without details.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = EngageContext
    let pages: Pages
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
            let title = e.status == .notFound ? t["not_found"] : t["error"]
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

/// Builds `engage serve`'s application over a migrated store.
public enum EngageServerApp {
    public static func router(state: ServerState) -> Router<EngageContext> {
        _ = EngageMetrics.registry
        let router = Router(context: EngageContext.self, options: .autoGenerateHeadEndpoints)
        let routes = RouteTable()
        // tracked-link redirects first: they need none of the page and API middleware
        // (their clicks are their log; they are counted by engage_redirects_total)
        Redirects(app: state).register(on: router)
        router.add(middleware: MetricsMiddleware())
        let api = API(app: state)
        let pages = Pages(app: state, api: api)
        router.add(middleware: AccessLogMiddleware())
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: ErrorMiddleware(pages: pages, routes: routes))
        router.add(middleware: AuthMiddleware(app: state))

        router.get("healthz") { _, _ in
            if let problem = await state.store.healthProblem() {
                return json(.object([("status", .string("unavailable")), ("database", .string(state.store.engine)), ("problem", .string(problem))]),
                            status: .serviceUnavailable)
            }
            return json(.object([("status", .string("ok")), ("database", .string(state.store.engine))]))
        }
        // request counts and timings are for the people who run the server: an admin token
        // (engage token create --role admin --name prometheus) or an admin's session
        router.get("metrics") { _, context in
            try context.require(.admin)
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: EngageMetrics.registry.emitToBuffer())))
        }
        router.get("openapi.yaml") { _, _ in
            guard let path = Bundle.module.path(forResource: "openapi", ofType: "yaml"), let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw APIError.notFound
            }
            var headers = HTTPFields()
            headers[.contentType] = "application/yaml; charset=utf-8"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        let css = Bundle.module.path(forResource: "app", ofType: "css", inDirectory: "Static")
            .flatMap { try? String(contentsOfFile: $0, encoding: .utf8) } ?? ""
        router.get("static/app.css") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "text/css; charset=utf-8"
            headers[.cacheControl] = "public, max-age=3600"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: css)))
        }
        api.register(on: router)
        pages.register(on: router)
        routes.set(router.routes.map { ($0.path.description, $0.method) })
        return router
    }

    /// The application on `config.host:config.port`; `run()` it, or hand it to a
    /// ServiceGroup: SIGTERM/SIGINT stop it gracefully (in-flight requests finish).
    public static func application(state: ServerState, logger: Logger) -> some ApplicationProtocol {
        let c = state.config
        return Application(
            router: router(state: state),
            server: .http1(configuration: .init(
                additionalChannelHandlers: [RequestTimeoutHandler(header: .seconds(c.headerTimeoutSeconds), body: .seconds(c.bodyTimeoutSeconds)),
                                            RedirectHandler(app: state)],
                idleTimeout: .seconds(c.idleTimeoutSeconds))),
            configuration: .init(address: .hostname(c.host, port: c.port), serverName: "engage",
                                 availableConnectionsDelegate: .maximum(c.maxConnections, logger: logger)),
            logger: logger)
    }

    public static func serve(store: any Store, config: ServerConfig) async throws {
        var logger = Logger(label: "engage.serve")
        logger.logLevel = .info
        let state = try await ServerState(store: store, config: config)
        let app = application(state: state, logger: logger)
        // stopped in reverse order: the HTTP server first, then the last survey batches
        let surveys = SurveyReleaseService(box: state.ballots, today: { state.today() })
        let group = ServiceGroup(configuration: .init(services: [surveys, app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        // redirects answered in the channel pipeline are not requests the server waits for:
        // their clicks still being committed are written before the process ends
        await state.clicks.drain()
    }
}
