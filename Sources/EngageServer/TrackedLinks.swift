import EngageCore
import EngageStore
import Foundation
import Hummingbird

extension ServerState {
    /// Where short links point: `--public-url`, else this request's scheme and host.
    func shortURL(_ code: String, request: HummingbirdCore.Request) -> String {
        if let base = config.publicURL { return (base.hasSuffix("/") ? String(base.dropLast()) : base) + "/r/" + code }
        let proto = request.headers[.forwardedProto]?.lowercased() == "https" || config.secureCookies ? "https" : "http"
        let host = request.head.authority ?? "\(config.host):\(config.port)"
        return "\(proto)://\(host)/r/\(code)"
    }
}
