import Foundation

/// Repairs and inspection that both engines offer beside the `Store` API.
package protocol StoreMaintenance: Store {
    /// Runs one SQL statement written for this engine.
    func executeForTests(_ sql: String) async throws
    /// Applies migrations up to `target` only (tests of a migration over older data).
    @discardableResult
    func migrate(upTo target: Int) async throws -> Int
    /// The column names of a table (for schema checks, e.g. survey anonymity).
    func columns(of table: String) async throws -> [String]
}

extension StoreMaintenance {
    /// Rebuilds every account's rollup from its posts (a repair, and the reference the
    /// incremental rollup is tested against).
    package func rebuildRollups() async throws {
        let script = SQLScript()
        _ = SocialReads.accounts(script) { accounts in
            for a in accounts { RollupUpkeep.rebuild(script, accountID: a.accountID, recut: false) }
        }
        try await sql.write(script)
    }

    /// Every rollup row as one line of text, in key order (for comparing rollups).
    package func rollupSnapshot() async throws -> [String] {
        let script = SQLScript()
        var out: [String] = []
        script.add("SELECT day, account_id, \(RollupDay.columns) FROM post_rollup ORDER BY day, account_id COLLATE BINARY") { r in
            let d = try RollupDay(r, from: 2)
            out.append([String(try r.int(0)), try r.text(1), String(d.posts), String(d.likes), String(d.comments), String(d.shares),
                        String(d.views), String(d.clicks), String(d.clicksKnown), String(d.spendCents), String(d.spendKnown),
                        String(d.erView.posts), String(format: "%.9f", d.erView.sum), d.encodeSlices()].joined(separator: "|"))
        }
        try await sql.read(script)
        return out
    }
}

extension SQLiteStore: StoreMaintenance, SQLExecutor {}
extension PostgresStore: StoreMaintenance, SQLExecutor {}
