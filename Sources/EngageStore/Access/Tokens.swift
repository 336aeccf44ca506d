import EngageCore

public struct APIToken: Sendable, Equatable {
    public var id: Int
    public var name: String
    public var role: Role
}

/// API tokens for scripts (`engage token create`): only a SHA-256 of each is stored.
public struct Tokens: Sendable {
    public let store: any Store
    public init(store: any Store) { self.store = store }


    @discardableResult
    public func add(hash: String, name: String, role: Role, now: Int64) async throws -> Int {
        let rows = try await store.execute([
            SQLStatement("INSERT INTO api_tokens (token_hash, name, role, created_at) VALUES (?1, ?2, ?3, ?4)",
                         [.text(hash), .text(name), .text(role.rawValue), .int(Int(now))]),
            SQLStatement("SELECT token_id FROM api_tokens WHERE token_hash = ?1", [.text(hash)]),
        ])
        return rows.first?.first?.int ?? 0
    }

    /// The token with this hash; its last use is recorded to the minute (one write a
    /// minute per token, not one per request).
    public func token(hash: String, now: Int64) async throws -> APIToken? {
        let rows = try await store.execute("SELECT token_id, name, role, last_used_at FROM api_tokens WHERE token_hash = ?1", [.text(hash)])
        guard let r = rows.first, let id = r[0].int, let name = r[1].text, let role = r[2].text.flatMap(Role.init) else { return nil }
        if (r[3].int ?? 0) < Int(now) - 60 {
            // best effort: a busy database (an import) must not turn a valid token away
            _ = try? await store.executeIfIdle([SQLStatement("UPDATE api_tokens SET last_used_at = ?1 WHERE token_id = ?2", [.int(Int(now)), .int(id)])])
        }
        return APIToken(id: id, name: name, role: role)
    }

    public func all() async throws -> [APIToken] {
        try await store.execute("SELECT token_id, name, role FROM api_tokens ORDER BY token_id").compactMap { r in
            guard let id = r[0].int, let name = r[1].text, let role = r[2].text.flatMap(Role.init) else { return nil }
            return APIToken(id: id, name: name, role: role)
        }
    }

    public func delete(id: Int) async throws {
        try await store.execute("DELETE FROM api_tokens WHERE token_id = ?1", [.int(id)])
    }
}
