import EngageCore

/// One row of a result, whatever the engine: SQLite's statement or a PostgreSQL row.
package protocol SQLRow {
    func int(_ c: Int) throws -> Int
    func optInt(_ c: Int) throws -> Int?
    func int64(_ c: Int) throws -> Int64
    func optInt64(_ c: Int) throws -> Int64?
    func double(_ c: Int) throws -> Double
    func text(_ c: Int) throws -> String
    func optText(_ c: Int) throws -> String?
    /// The UTF-8 bytes of a text cell, valid only inside `body` (SQLite hands out its own
    /// buffer: no string is built).
    func withText<T>(_ c: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) throws -> T
    /// A cell as a store value (integer, floating point or text; NULL as `.null`).
    func value(_ c: Int) throws -> StoreValue
    /// The number of columns.
    var count: Int { get }
}

/// Statements written once for both engines, run in order in one transaction — a consistent
/// read (`SQLExecutor.read`) or part of an import (its session's connection).
///
/// The SQL is the portable dialect both engines accept: `?1, ?2, …` placeholders,
/// `COLLATE BINARY` for byte-wise text order, `CAST(… AS BIGINT)` for sums, `WITH k(…) AS
/// (VALUES …)` for a list of keys, `INSERT … ON CONFLICT … DO UPDATE`, `UPDATE … FROM`;
/// `PostgresDialect.statement` rewrites what PostgreSQL spells differently. Each statement
/// hands its rows to `row`; its `then` runs after its last row and may add statements that
/// need its result: they run next, before the ones added earlier (depth first), as a
/// nested call would. The engines only drive the script (`SQLiteStore.run`,
/// `PostgresStore.run`): what is asked and what is made of the answer is written here once.
package final class SQLScript: @unchecked Sendable {
    package struct Step {
        package enum Kind {
            /// One statement.
            case once(SQLStatement)
            /// One statement per row of values (bound to `?1…?w`, then `binds` from `?w+1`).
            case each(sql: String, rows: [[StoreValue]], binds: [StoreValue])
        }
        var kind: Kind
        /// Each result row, with the index of the row of values it answers (0 for `.once`).
        var row: ((Int, any SQLRow) throws -> Void)?
        var then: (() throws -> Void)?
    }

    private var steps: [Step] = []
    private var cursor = 0
    private var added: [Step] = []
    private var running = false

    package init() {}

    /// Adds a statement (while the script runs: right after the current one).
    package func add(_ sql: String, _ binds: [StoreValue] = [], row: ((any SQLRow) throws -> Void)? = nil,
                     then: (() throws -> Void)? = nil) {
        append(Step(kind: .once(SQLStatement(sql, binds)), row: row.map { row in { _, r in try row(r) } }, then: then))
    }

    /// Adds a statement to run once per row of values — a lookup per key, an insert per
    /// row — each engine in its best form: SQLite steps the statement prepared once;
    /// PostgreSQL sends one set-based statement (a `LATERAL` join over the keys for a
    /// SELECT, multi-row VALUES for an INSERT). The row's values are `?1…?w`; `binds`
    /// follow from `?w+1`. `row` gets the index of the row of values with each result.
    package func addEach(_ sql: String, rows: [[StoreValue]], binds: [StoreValue] = [],
                         row: ((Int, any SQLRow) throws -> Void)? = nil, then: (() throws -> Void)? = nil) {
        guard !rows.isEmpty else { if let then { append(Step(kind: .once(SQLStatement("SELECT 1")), row: nil, then: then)) }; return }
        append(Step(kind: .each(sql: sql, rows: rows, binds: binds), row: row, then: then))
    }

    private func append(_ step: Step) {
        if running { added.append(step) } else { steps.append(step) }
    }

    /// Adds `sql` once per chunk of `keys`, each chunk's values bound after `binds`:
    /// `template` gets the placeholder list of the chunk (`(?3, ?4), (?5, ?6)` for two keys
    /// of width 2 after two binds). Chunks stay under both engines' parameter limits.
    package func addChunked(_ keys: [[StoreValue]], binds: [StoreValue] = [], chunk: Int = 1000,
                            _ template: (String) -> String, row: ((any SQLRow) throws -> Void)? = nil) {
        guard let width = keys.first?.count, width > 0 else { return }
        let size = max(1, min(chunk, SQLLimits.binds / width))
        for start in stride(from: 0, to: keys.count, by: size) {
            let part = keys[start..<min(keys.count, start + size)]
            add(template(Self.tuples(count: part.count, width: width, after: binds.count)), binds + part.flatMap { $0 }, row: row)
        }
    }

    /// `(?a, ?b), (?c, ?d), …`: `count` tuples of `width` placeholders numbered after `after`.
    package static func tuples(count: Int, width: Int, after: Int) -> String {
        var out = ""
        out.reserveCapacity(count * width * 6)
        var n = after
        for t in 0..<count {
            out += t == 0 ? "(" : ", ("
            for c in 0..<width {
                n += 1
                out += c == 0 ? "?\(n)" : ", ?\(n)"
            }
            out += ")"
        }
        return out
    }

    /// The next statement to run, or nil when the script is done; statements added by the
    /// previous one's handlers go first.
    package func next() -> Step? {
        if !added.isEmpty {
            steps.insert(contentsOf: added, at: cursor)
            added.removeAll()
        }
        guard cursor < steps.count else { running = false; return nil }
        running = true
        defer { cursor += 1 }
        return steps[cursor]
    }

    /// True until the first statement has been handed out (a script that failed before it
    /// may be retried on another connection).
    package var notStarted: Bool { cursor == 0 }
}

/// A row read from column `offset` on (the engine's own columns before it hidden).
struct OffsetRow: SQLRow {
    let base: any SQLRow
    let offset: Int
    func int(_ c: Int) throws -> Int { try base.int(c + offset) }
    func optInt(_ c: Int) throws -> Int? { try base.optInt(c + offset) }
    func int64(_ c: Int) throws -> Int64 { try base.int64(c + offset) }
    func optInt64(_ c: Int) throws -> Int64? { try base.optInt64(c + offset) }
    func double(_ c: Int) throws -> Double { try base.double(c + offset) }
    func text(_ c: Int) throws -> String { try base.text(c + offset) }
    func optText(_ c: Int) throws -> String? { try base.optText(c + offset) }
    func withText<T>(_ c: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) throws -> T { try base.withText(c + offset, body) }
    func value(_ c: Int) throws -> StoreValue { try base.value(c + offset) }
    var count: Int { base.count - offset }
}

/// Limits both engines share for one statement.
package enum SQLLimits {
    /// Bound values per statement: under SQLite's 32,766 and PostgreSQL's 65,535.
    package static let binds = 30_000
    /// SELECTs joined by UNION ALL in one statement: under SQLite's 500.
    package static let compoundSelects = 200
}
