import EngageCore
import EngageStore
import Foundation
import Hummingbird
import Crypto
import Metrics
import NIOCore
import NIOHTTPTypes
import HTTPTypes

/// `GET /r/{code}` through the router: the requests the fast path (`RedirectFrontHandler`)
/// declines — a query string, an unusual head, a connection that other requests use. `HEAD` answers the
/// redirect and records nothing.
struct RedirectController {
    let app: ServerState

    func register(on router: Router<EngageContext>) {
        router.head("r/{code}") { _, context in
            let code = context.param("code")
            guard code.count <= 64, let target = try await app.links.target(code, now: app.config.now()) else {
                return Response(status: .notFound)
            }
            return Self.response(.redirect(target: target))
        }
        router.get("r/{code}") { request, context in
            let code = context.param("code")
            let now = app.config.now()
            guard code.count <= 64, let target = try await app.links.target(code, now: now) else { return Self.response(.unknownCode) }
            let visitor = try await app.salt.hash(address: app.clientAddress(request, context), userAgent: request.headers[.userAgent] ?? "", now: now)
            do {
                try await app.clicks.record(app.click(code: code, at: now, visitor: visitor, headers: request.headers))
            } catch {
                context.logger.error("click not recorded: \(error)")
                return Self.response(.notRecorded)
            }
            return Self.response(.redirect(target: target))
        }
    }

    static func response(_ a: RedirectAnswer) -> Response {
        let headers = a.fields()
        if let page = a.page { return Response(status: a.status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: page))) }
        return Response(status: a.status, headers: headers)
    }
}
