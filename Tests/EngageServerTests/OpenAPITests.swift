import EngageServer
import EngageTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import Yams

/// The live answers of the API checked against the served /openapi.yaml: each response's
/// status must be documented for its operation, and its JSON body must match the schema
/// (types, required keys, no undocumented keys where `additionalProperties: false`, enums).
struct SchemaValidator {
    let spec: [String: Any]

    func resolve(_ schema: [String: Any]) -> [String: Any] {
        guard let ref = schema["$ref"] as? String else { return schema }
        var node: Any = spec
        for part in ref.dropFirst(2).split(separator: "/") { node = (node as? [String: Any])?[String(part)] ?? [:] }
        return resolve(node as? [String: Any] ?? [:])
    }

    /// The JSON schema of `method path` answering `status`.
    func responseSchema(path: String, method: String, status: Int) -> [String: Any]? {
        guard let paths = spec["paths"] as? [String: Any] else { return nil }
        let op = paths.first { template, _ in Self.matches(template: template, path: path) }
            .flatMap { ($0.value as? [String: Any])?[method] as? [String: Any] }
        guard let responses = op?["responses"] as? [String: Any], let r = responses[String(status)] as? [String: Any] else { return nil }
        let resolved = resolve(r)
        let content = resolved["content"] as? [String: Any]
        return (content?["application/json"] as? [String: Any])?["schema"] as? [String: Any]
    }

    static func matches(template: String, path: String) -> Bool {
        let t = template.split(separator: "/"), p = path.split(separator: "/")
        return t.count == p.count && zip(t, p).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
    }

    func errors(_ value: Any, _ schema: [String: Any], at where_: String = "$") -> [String] {
        let s = resolve(schema)
        var out: [String] = []
        let types: [String] = (s["type"] as? [String]) ?? ((s["type"] as? String).map { [$0] } ?? [])
        if !types.isEmpty, !types.contains(where: { Self.isType(value, $0) }) {
            return ["\(where_): \(value) is not \(types.joined(separator: "|"))"]
        }
        if let e = s["enum"] as? [Any], !e.contains(where: { "\($0)" == "\(value)" }) { out.append("\(where_): \(value) not in \(e)") }
        if let obj = value as? [String: Any] {
            let props = s["properties"] as? [String: Any] ?? [:]
            for r in s["required"] as? [String] ?? [] where obj[r] == nil { out.append("\(where_): missing \(r)") }
            for (k, v) in obj {
                if let ps = props[k] as? [String: Any] { out += errors(v, ps, at: "\(where_).\(k)") }
                else if (s["additionalProperties"] as? Bool) == false { out.append("\(where_): undocumented key \(k)") }
            }
        }
        if let arr = value as? [Any], let items = s["items"] as? [String: Any] {
            for (i, v) in arr.enumerated() { out += errors(v, items, at: "\(where_)[\(i)]") }
        }
        return out
    }

    static func isType(_ v: Any, _ t: String) -> Bool {
        switch t {
        case "null": return v is NSNull
        case "boolean": return type(of: v) == Bool.self || (v as? NSNumber).map { String(cString: $0.objCType) == "c" } ?? false
        case "integer": if let n = v as? NSNumber, !isType(v, "boolean") { return n.doubleValue == n.doubleValue.rounded() } else { return false }
        case "number": return v is NSNumber && !isType(v, "boolean")
        case "string": return v is String
        case "array": return v is [Any]
        case "object": return v is [String: Any]
        default: return false
        }
    }
}

@Suite struct OpenAPITests {
    func json(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)", .contentType: "application/json"] }

    @Test(arguments: engines) func liveAnswersMatchTheDocument(engine: Engine) async throws {
        try await withFixture(engine) { f, client in
            let specText = try await client.execute(uri: "/openapi.yaml", method: .get).text
            let spec = try #require(try Yams.load(yaml: specText) as? [String: Any])
            let v = SchemaValidator(spec: spec)
            let march = "from=2026-03-01&to=2026-03-31"
            let calls: [(String, HTTPRequest.Method, HTTPFields, ByteBuffer?)] = [
                ("/healthz", .get, [:], nil),
                ("/api/v1/me", .get, bearer(f.viewerToken), nil),
                ("/api/v1/me", .get, [:], nil),
                ("/api/v1/reports/social?\(march)", .get, bearer(f.viewerToken), nil),
                ("/api/v1/reports/social?from=nope", .get, bearer(f.viewerToken), nil),
                ("/api/v1/accounts", .get, bearer(f.viewerToken), nil),
                ("/api/v1/reports/advocacy?\(march)", .get, bearer(f.viewerToken), nil),
                ("/api/v1/reports/advocacy?min_shares=0", .get, bearer(f.viewerToken), nil),
                ("/api/v1/accounts/vk_main", .get, bearer(f.viewerToken), nil),
                ("/api/v1/accounts/nobody", .get, bearer(f.viewerToken), nil),
                ("/api/v1/posts?\(march)&sort=reach", .get, bearer(f.viewerToken), nil),
                ("/api/v1/posts?page=0", .get, bearer(f.viewerToken), nil),
                ("/api/v1/import?file=posts.csv", .post, bearer(f.viewerToken), ByteBuffer(string: "x")),
                ("/api/v1/import?file=posts.csv", .post, bearer(f.analystToken), ByteBuffer(string: "post_id,account_id,published_at\nq1,nobody,2026-03-01T00:00:00Z\n")),
                ("/api/v1/import?file=posts.csv", .post, bearer(f.analystToken), ByteBuffer(string: "post_id,account_id,published_at\nq1,vk_main,2026-03-01T00:00:00Z\n")),
                ("/api/v1/links", .post, json(f.analystToken), ByteBuffer(string: #"{"target": "https://example.com/a", "utm_source": "vk", "code": "api-1"}"#)),
                ("/api/v1/links", .post, json(f.analystToken), ByteBuffer(string: #"{"target": "https://example.com/a", "code": "api-1"}"#)),
                ("/api/v1/links", .post, json(f.analystToken), ByteBuffer(string: #"{"target": "javascript:alert(1)"}"#)),
                ("/api/v1/links", .post, json(f.analystToken), ByteBuffer(string: "{not json")),
                ("/api/v1/links", .post, json(f.viewerToken), ByteBuffer(string: #"{"target": "https://example.com/"}"#)),
                ("/api/v1/links", .post, bearer(f.analystToken), ByteBuffer(string: "target=https://example.com/")),
                ("/api/v1/links", .get, bearer(f.viewerToken), nil),
            ]
            for (uri, method, headers, body) in calls {
                let r = try await client.execute(uri: uri, method: method, headers: headers, body: body)
                let path = String(uri.split(separator: "?")[0])
                let schema = v.responseSchema(path: path, method: method.rawValue.lowercased(), status: Int(r.status.code))
                #expect(schema != nil, "\(method) \(uri) answered \(r.status.code), which the document does not describe")
                guard let schema else { continue }
                let value = try JSONSerialization.jsonObject(with: Data(r.text.utf8), options: [.fragmentsAllowed])
                let problems = v.errors(value, schema)
                #expect(problems.isEmpty, "\(method) \(uri): \(problems.prefix(5))")
            }
        }
    }
}
