import EngageCore
import EngageReports
import EngageStore
import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import Metrics
import Prometheus
import ServiceLifecycle

/// Builds `engage serve`'s application over a migrated store.
public enum EngageServerApp {
    public static func router(state: ServerState) -> Router<EngageContext> {
        _ = EngageMetrics.registry
        let router = Router(context: EngageContext.self, options: .autoGenerateHeadEndpoints)
        let routes = RouteTable()
        // tracked-link redirects first: they need none of the page and API middleware
        // (their clicks are their log; they are counted by engage_redirects_total)
        RedirectController(app: state).register(on: router)
        router.add(middleware: MetricsMiddleware())
        let layout = LayoutPages(app: state)
        router.add(middleware: AccessLogMiddleware())
        router.add(middleware: SecurityHeadersMiddleware())
        // errors of sign-in itself (a bad API token) are answered here …
        router.add(middleware: ErrorMiddleware(pages: layout, routes: routes))
        router.add(middleware: AuthMiddleware(app: state))
        // … and every other one here, where the signed-in user and the language are known:
        // an error page keeps the navigation and speaks the user's language
        router.add(middleware: ErrorMiddleware(pages: layout, routes: routes))

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
        // the stylesheet, progressive enhancement (the import's progress, copy and print
        // buttons: pages work without it), and the icon browsers and link checkers ask for
        staticFile(router, "static/app.css", resource: "app", ext: "css", type: "text/css; charset=utf-8", maxAge: 3600)
        staticFile(router, "static/app.js", resource: "app", ext: "js", type: "text/javascript; charset=utf-8", maxAge: 3600)
        staticFile(router, "favicon.ico", resource: "favicon", ext: "ico", type: "image/x-icon", maxAge: 86_400)
        APIController(app: state).register(on: router)
        SessionController(app: state).register(on: router)
        SocialController(app: state).register(on: router)
        ImportController(app: state).register(on: router)
        UsersController(app: state).register(on: router)
        AdvocacyController(app: state).register(on: router)
        ContentController(app: state).register(on: router)
        SurveysController(app: state).register(on: router)
        SchedulesController(app: state).register(on: router)
        SettingsController(app: state).register(on: router)
        AccountsController(app: state).register(on: router)
        routes.set(router.routes.map { ($0.path.description, $0.method) })
        return router
    }

    /// A file of Static/, read once, served with its type and a cache lifetime.
    static func staticFile(_ router: Router<EngageContext>, _ path: String, resource: String, ext: String, type: String, maxAge: Int) {
        let bytes = Bundle.module.path(forResource: resource, ofType: ext, inDirectory: "Static")
            .flatMap { FileManager.default.contents(atPath: $0) } ?? Data()
        router.get(RouterPath(path)) { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = type
            headers[.cacheControl] = "public, max-age=\(maxAge)"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
    }

    /// The application on `config.host:config.port`; `run()` it, or hand it to a
    /// ServiceGroup: SIGTERM/SIGINT stop it gracefully (in-flight requests finish).
    public static func application(state: ServerState, logger: Logger) -> some ApplicationProtocol {
        let c = state.config
        return Application(
            router: router(state: state),
            // silence between requests is RequestTimeoutHandler's to cut (it also sees the
            // redirects answered ahead of the HTTP/1 parser, which Hummingbird's idle timer does not)
            server: HTTPServerBuilder { responder in
                EngageHTTP1Channel(inner: HTTP1Channel(responder: responder, configuration: .init(
                    additionalChannelHandlers: [RequestTimeoutHandler(header: .seconds(c.headerTimeoutSeconds), body: .seconds(c.bodyTimeoutSeconds),
                                                                      idle: .seconds(c.idleTimeoutSeconds))])),
                                   app: state)
            },
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
        let months = ClickMonthsService(store: store, logger: logger)
        let mail = ReportMailService(state: state, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [months, mail, surveys, app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        // redirects answered in the channel pipeline are not requests the server waits for:
        // their clicks still being committed are written before the process ends
        await state.clicks.drain()
    }
}
