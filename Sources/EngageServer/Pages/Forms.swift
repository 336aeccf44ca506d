import EngageCore
import EngageImport
import EngageReports
import EngageStore
import Foundation
import Hummingbird

/// An application/x-www-form-urlencoded body.
struct Form {
    var values: [String: String]
    subscript(_ key: String) -> String? { values[key] }

    static func read(_ request: Request, _ context: EngageContext, limit: Int) async throws -> Form {
        var request = request
        let body = try await request.collectBody(upTo: limit)
        if let type = request.headers[.contentType], !type.lowercased().hasPrefix("application/x-www-form-urlencoded") {
            throw APIError(.unsupportedMediaType, "send the form as application/x-www-form-urlencoded")
        }
        var values: [String: String] = [:]
        for pair in String(buffer: body).split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1)
            let k = String(kv[0]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            let v = kv.count > 1 ? (String(kv[1]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "") : ""
            values[k] = v
        }
        return Form(values: values)
    }
}

/// `path` when it is a path of this site, else `/`: no scheme, no `//host` or `/\host`
/// (browsers read a backslash as a slash), no control characters — no open redirect.
func localPath(_ path: String?) -> String {
    guard let p = path, p.hasPrefix("/"), !p.hasPrefix("//"), !p.contains("\\"),
          !p.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return "/" }
    return p
}

func percentEncode(_ s: String) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~/")
    return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
}

func csvCell(_ s: String) -> String { CSVText.cell(s) }
