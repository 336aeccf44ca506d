import Foundation

/// A `postgres://user:password@host:port/database?sslmode=…&schema=…&pool_size=…` target.
///
/// Configuration keys (URL query): `sslmode` = `disable` | `prefer` (default) | `require`;
/// `schema` = a schema to use (created if missing; default `public`); `pool_size` =
/// the largest number of connections (default 10).
public struct PostgresTarget: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    public var sslmode: String
    public var schema: String?
    public var poolSize: Int
    public var url: String

    public init(url: String) throws {
        guard let c = URLComponents(string: url), c.scheme == "postgres" || c.scheme == "postgresql" else {
            throw StoreError("not a postgres:// URL: \(maskPassword(url))")
        }
        self.url = url
        host = c.host.flatMap { $0.isEmpty ? nil : $0 } ?? "127.0.0.1"
        port = c.port ?? 5432
        username = c.user.flatMap { $0.removingPercentEncoding } ?? "postgres"
        password = c.password.flatMap { $0.removingPercentEncoding }
        let path = c.path.hasPrefix("/") ? String(c.path.dropFirst()) : c.path
        database = path.isEmpty ? username : path
        let q = Dictionary((c.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { _, b in b })
        sslmode = q["sslmode"] ?? "prefer"
        guard ["disable", "prefer", "require", "allow", "verify-full"].contains(sslmode) else {
            throw StoreError("unknown sslmode '\(sslmode)' in \(maskPassword(url)) (use disable, prefer or require)")
        }
        schema = q["schema"].flatMap { $0.isEmpty ? nil : $0 }
        if let s = schema, s.contains(where: { !($0.isLetter || $0.isNumber || $0 == "_") }) {
            throw StoreError("schema name '\(s)' must be letters, digits and underscores")
        }
        poolSize = Int(q["pool_size"] ?? "") ?? 10
    }

    /// The URL with the password masked, for messages.
    public var display: String { maskPassword(url) }
}
