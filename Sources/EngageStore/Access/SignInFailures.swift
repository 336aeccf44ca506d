import EngageCore

/// Failed sign-ins, counted per key (a keyed hash of a name, an address or both: no raw
/// address or name is stored), for the limits of docs/privacy.md.
public struct SignInFailures: Sendable {
    public let store: any Store
    public init(store: any Store) { self.store = store }


    public func record(keys: [String], at: Int64, keepSeconds: Int64) async throws {
        var statements = keys.map { SQLStatement("INSERT INTO login_failures (key_hash, at) VALUES (?1, ?2)", [.text($0), .int(Int(at))]) }
        statements.append(SQLStatement("DELETE FROM login_failures WHERE at < ?1", [.int(Int(at - keepSeconds))]))
        try await store.execute(statements)
    }

    public func count(key: String, since: Int64) async throws -> Int {
        try await store.execute("SELECT COUNT(*) FROM login_failures WHERE key_hash = ?1 AND at >= ?2", [.text(key), .int(Int(since))])
            .first?.first?.int ?? 0
    }

    /// Best effort: a sign-in is not held up by a busy database.
    public func clear(key: String) async throws {
        _ = try await store.executeIfIdle([SQLStatement("DELETE FROM login_failures WHERE key_hash = ?1", [.text(key)])])
    }
}
