import EngageCore
import EngageReports
import EngageStore
import Foundation
import Hummingbird
import Logging
import Metrics
import Prometheus
import ServiceLifecycle

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

