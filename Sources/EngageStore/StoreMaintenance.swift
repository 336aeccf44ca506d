/// Repairs and inspection that both engines offer beside the `Store` API.
package protocol StoreMaintenance: Store {
    /// Rebuilds every account's rollup from its posts.
    func rebuildRollups() async throws
    /// Every rollup row as one line of text, in key order (for comparing rollups).
    func rollupSnapshot() async throws -> [String]
    /// Runs one SQL statement written for this engine.
    func executeForTests(_ sql: String) async throws
    /// Applies migrations up to `target` only (tests of a migration over older data).
    @discardableResult
    func migrate(upTo target: Int) async throws -> Int
    /// The column names of a table (for schema checks, e.g. survey anonymity).
    func columns(of table: String) async throws -> [String]
}

extension SQLiteStore: StoreMaintenance, SQLExecutor {}
extension PostgresStore: StoreMaintenance, SQLExecutor {}
