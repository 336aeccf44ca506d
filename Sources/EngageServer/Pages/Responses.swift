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

/// A report page's data as a download: `json` (the report the page is made from) or `csv`
/// (its tables, as `engage report … --format csv` writes them), named after the page.
func download(_ format: String, name: String, _ value: JSONValue) -> Response {
    var headers = HTTPFields()
    let safe = String(name.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "-" }.prefix(120))
    if format == "csv" {
        headers[.contentType] = "text/csv; charset=utf-8"
        headers[.contentDisposition] = "attachment; filename=\"\(safe).csv\""
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: GenericRenderer(title: name).csv(value))))
    }
    headers[.contentType] = "application/json; charset=utf-8"
    headers[.contentDisposition] = "attachment; filename=\"\(safe).json\""
    return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: value.serialized(indent: 1) + "\n")))
}

extension ServerState {
    /// A survey answering link (`/s/TOKEN`) at the public address, as short links are.
    func surveyLink(_ token: String, request: HummingbirdCore.Request) -> String {
        shortURL(token, request: request).replacingOccurrences(of: "/r/" + token, with: "/s/" + token)
    }

    /// Where short links point: `--public-url`, else this request's scheme and host.
    func shortURL(_ code: String, request: HummingbirdCore.Request) -> String {
        if let base = config.publicURL { return (base.hasSuffix("/") ? String(base.dropLast()) : base) + "/r/" + code }
        let proto = request.headers[.forwardedProto]?.lowercased() == "https" || config.secureCookies ? "https" : "http"
        let host = request.head.authority ?? "\(config.host):\(config.port)"
        return "\(proto)://\(host)/r/\(code)"
    }
}
