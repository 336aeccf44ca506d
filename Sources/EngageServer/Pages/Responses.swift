import EngageReports
import EngageStore
import Foundation
import Hummingbird

/// A JSON response.
func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
    jsonText(value.serialized(), status: status)
}

func jsonText(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
    var headers = HTTPFields()
    headers[.contentType] = "application/json; charset=utf-8"
    return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text + "\n")))
}

extension ServerState {
    /// Where short links point: `--public-url`, else this request's scheme and host.
    func shortURL(_ code: String, request: HummingbirdCore.Request) -> String {
        if let base = config.publicURL { return (base.hasSuffix("/") ? String(base.dropLast()) : base) + "/r/" + code }
        let proto = request.headers[.forwardedProto]?.lowercased() == "https" || config.secureCookies ? "https" : "http"
        let host = request.head.authority ?? "\(config.host):\(config.port)"
        return "\(proto)://\(host)/r/\(code)"
    }
}
