import EngageCore
import EngageReports
import EngageStore
import Foundation
import Hummingbird
import Logging
import Metrics
import Prometheus
import ServiceLifecycle

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

