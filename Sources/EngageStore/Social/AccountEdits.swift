import EngageCore

/// Accounts changed in the dashboard (import_id 0), and earned-media values set there.
public struct AccountEdits: Sendable {
    public let store: any Store
    public init(store: any Store) { self.store = store }

    public func add(id: String, network: String, name: String?, competitor: Bool, timezone: String) async throws {
        try await store.execute("INSERT INTO accounts (account_id, network, name, competitor, timezone, import_id) VALUES (?1, ?2, ?3, ?4, ?5, 0)",
                                [.text(id), .text(network), name.map { .text($0) } ?? .null, .int(competitor ? 1 : 0), .text(timezone)])
    }

    public func update(id: String, network: String, name: String?, competitor: Bool, timezone: String) async throws {
        try await store.execute("UPDATE accounts SET network = ?1, name = ?2, competitor = ?3, timezone = ?4 WHERE account_id = ?5",
                                [.text(network), name.map { .text($0) } ?? .null, .int(competitor ? 1 : 0), .text(timezone), .text(id)])
    }

    /// Posts and daily rows of the account (its days were cut in its zone).
    public func dataRows(id: String) async throws -> Int {
        try await store.execute("SELECT (SELECT COUNT(*) FROM posts WHERE account_id = ?1) + (SELECT COUNT(*) FROM account_daily WHERE account_id = ?1)",
                                [.text(id)]).first?.first?.int ?? 0
    }

    public func setArchived(id: String, at: Int64?) async throws {
        try await store.execute("UPDATE accounts SET archived_at = ?1 WHERE account_id = ?2", [at.map { .int(Int($0)) } ?? .null, .text(id)])
    }

    /// Moves the data version (a row in `imports`), so every instance rebuilds cached reports.
    public func markChanged(source: String, now: Int64) async throws {
        try await store.execute("INSERT INTO imports (source, started_at, finished_at, rows) VALUES (?1, ?2, ?2, 0)", [.text(source), .int(Int(now))])
    }

    /// An earned-media value from `from` on (replacing one of the same day).
    public func setEMV(network: String, action: String, from: LocalDate, value: Double) async throws {
        try await store.execute([
            SQLStatement("DELETE FROM emv_rates WHERE network = ?1 AND action = ?2 AND from_day = ?3", [.text(network), .text(action), .int(from.dayNumber)]),
            SQLStatement("INSERT INTO emv_rates (network, action, from_day, value, import_id) VALUES (?1, ?2, ?3, ?4, 0)",
                         [.text(network), .text(action), .int(from.dayNumber), .double(value)]),
        ])
    }
}
