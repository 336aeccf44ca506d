/// Repairs and inspection that both engines offer beside the `Store` API.
public protocol StoreMaintenance: Store {
    /// Rebuilds every account's rollup from its posts.
    func rebuildRollups() async throws
    /// Every rollup row as one line of text, in key order (for comparing rollups).
    func rollupSnapshot() async throws -> [String]
    /// Runs one SQL statement written for this engine.
    func executeForTests(_ sql: String) async throws
    /// The column names of a table (for schema checks, e.g. survey anonymity).
    func columns(of table: String) async throws -> [String]
}

extension SQLiteStore: StoreMaintenance {}
extension PostgresStore: StoreMaintenance {}
