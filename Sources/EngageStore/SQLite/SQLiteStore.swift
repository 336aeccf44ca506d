import EngageCore
import Foundation
import GRDB
import GRDBSQLite

/// The embedded engine: one SQLite file in WAL mode with foreign keys on.
public final class SQLiteStore: Store, @unchecked Sendable {
    public let engine = "sqlite"
    public let path: String
    public var displayTarget: String { path }
    let queue: DatabaseQueue
    private let importLock = AsyncLock()

    public init(path: String) throws {
        self.path = path
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.allowsUnsafeTransactions = true  // an import's transaction spans several awaits
        config.busyMode = .timeout(30)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            try db.execute(sql: "PRAGMA cache_size = -262144")  // 256 MiB
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
        }
        do {
            queue = try DatabaseQueue(path: path, configuration: config)
        } catch {
            throw StoreError("cannot open SQLite database \(path): \(Self.describe(error))")
        }
    }

    static func describe(_ error: Error) -> String {
        if let e = error as? DatabaseError { return e.message ?? "\(e.resultCode)" }
        return "\(error)"
    }

    // MARK: migrations

    @discardableResult
    public func migrate() async throws -> Int {
        try await queue.write { db in
            try db.execute(sql: "CREATE TABLE IF NOT EXISTS engage_schema (version INTEGER NOT NULL)")
            var version = try Int.fetchOne(db, sql: "SELECT MAX(version) FROM engage_schema") ?? 0
            guard version <= Migrations.latest else {
                throw StoreError("the database \(self.path) has schema version \(version), newer than this Engage knows (\(Migrations.latest)); upgrade Engage")
            }
            while version < Migrations.latest {
                for sql in Migrations.steps[version] { try db.execute(sql: sql) }
                version += 1
                try db.execute(sql: "INSERT INTO engage_schema(version) VALUES (?)", arguments: [version])
            }
            return version
        }
    }

    // MARK: import

    public func withImport<T: Sendable>(source: String, _ body: @Sendable (any ImportSession) async throws -> T) async throws -> T {
        await importLock.lock()
        do {
            let result = try await runImport(source: source, body)
            await importLock.unlock()
            return result
        } catch {
            await importLock.unlock()
            throw error
        }
    }

    private func runImport<T: Sendable>(source: String, _ body: @Sendable (any ImportSession) async throws -> T) async throws -> T {
        let importID: Int = try await queue.writeWithoutTransaction { db in
            try db.execute(sql: "BEGIN IMMEDIATE")
            try db.execute(sql: "INSERT INTO imports(source, started_at) VALUES (?, ?)",
                           arguments: [source, Int(Date().timeIntervalSince1970)])
            return Int(db.lastInsertedRowID)
        }
        let session = SQLiteImportSession(queue: queue, importID: importID)
        do {
            let result = try await body(session)
            try await session.finish()
            try await queue.writeWithoutTransaction { db in
                try db.execute(sql: "UPDATE imports SET finished_at = ?, rows = ? WHERE import_id = ?",
                               arguments: [Int(Date().timeIntervalSince1970), session.rowsWritten, importID])
                try db.execute(sql: "COMMIT")
            }
            return result
        } catch {
            try? await queue.writeWithoutTransaction { db in
                if db.isInsideTransaction { try db.execute(sql: "ROLLBACK") }
            }
            throw error
        }
    }

    // MARK: queries

    public func accounts() async throws -> [Account] {
        try await queue.read { db in try Self.fetchAccounts(db) }
    }

    static func fetchAccounts(_ db: Database) throws -> [Account] {
        let st = try db.raw("SELECT account_id, network, name, handle, competitor, timezone FROM accounts ORDER BY competitor, account_id")
        var out: [Account] = []
        while try st.step() {
            out.append(Account(accountID: st.text(0), network: st.text(1), name: st.optText(2), handle: st.optText(3),
                               competitor: st.int(4) != 0, timezone: st.text(5)))
        }
        return out
    }

    public func accountFigures(period: Period, accountIDs: [String]?) async throws -> [String: AccountFigures] {
        try await queue.read { db in try SQLiteQueries(db: db).accountFigures(period: period, only: accountIDs.map(Set.init)) }
    }

    public func postSlices(period: Period, accountIDs: [String]?, followers: [String: FollowerSeries]) async throws -> [String: [SliceDimension: [String: ERPostAccumulator]]] {
        try await queue.read { db in
            try SQLiteQueries(db: db).postSlices(period: period, only: accountIDs.map(Set.init), followers: followers)
        }
    }

    public func topPosts(accountIDs: [String], period: Period, limit: Int) async throws -> [String: [PostRecord]] {
        try await queue.read { db in
            let q = SQLiteQueries(db: db)
            var out: [String: [PostRecord]] = [:]
            for id in accountIDs { out[id] = try q.topPosts(accountID: id, period: period, limit: limit) }
            return out
        }
    }

    public func sessions(fromUTC: Int64, toUTC: Int64) async throws -> [SessionRecord] {
        try await queue.read { db in try SQLiteQueries(db: db).sessions(fromUTC: fromUTC, toUTC: toUTC) }
    }

    public func sessions(visitors: Set<String>, fromUTC: Int64, toUTC: Int64) async throws -> [SessionRecord] {
        try await queue.read { db in try SQLiteQueries(db: db).sessions(visitors: visitors, fromUTC: fromUTC, toUTC: toUTC) }
    }

    public func unassignedCostsCents(period: Period) async throws -> Int? {
        try await queue.read { db in
            try Int.fetchOne(db, sql: "SELECT SUM(amount_cents) FROM costs WHERE account_id = '' AND day BETWEEN ? AND ?",
                             arguments: [period.from.dayNumber, period.to.dayNumber])
        }
    }

    public func counts() async throws -> [String: Int] {
        try await queue.read { db in
            var out: [String: Int] = [:]
            for t in Migrations.dataTables {
                out[t] = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(t)") ?? 0
            }
            return out
        }
    }

    public func forEachRow(table: String, columns: [String], orderBy: [String], _ body: ([StoreValue]) throws -> Void) async throws {
        try readBlocking(table: table, columns: columns, orderBy: orderBy, body)
    }

    /// Streams rows on the calling thread (an export blocks its task; nothing else waits on it).
    private func readBlocking(table: String, columns: [String], orderBy: [String], _ body: ([StoreValue]) throws -> Void) throws {
        try queue.read { db in
            let st = try db.raw("SELECT \(columns.joined(separator: ", ")) FROM \(table) ORDER BY \(orderBy.joined(separator: ", "))")
            var row = [StoreValue](repeating: .null, count: columns.count)
            while try st.step() {
                for i in columns.indices {
                    let c = Int32(i)
                    switch sqlite3_column_type(st.handle, c) {
                    case SQLITE_NULL: row[i] = .null
                    case SQLITE_INTEGER: row[i] = .int(st.int(c))
                    case SQLITE_FLOAT: row[i] = .double(st.double(c))
                    default: row[i] = .text(st.text(c))
                    }
                }
                try body(row)
            }
        }
    }

    /// Rebuilds the rollup of every account from the posts (a repair, and the reference
    /// the incremental rollup is tested against).
    public func rebuildRollups() async throws {
        try await queue.write { db in
            for a in try Self.fetchAccounts(db) { try SQLiteImportSession.rebuildRollup(db, accountID: a.accountID) }
        }
    }

    /// All rollup rows, for tests comparing incremental and rebuilt rollups.
    public func rollupSnapshot() async throws -> [String] {
        try await queue.read { db in
            try String.fetchAll(db, sql: """
                SELECT day || '|' || account_id || '|' || posts || '|' || likes || '|' ||
                       comments || '|' || shares || '|' || views || '|' || clicks || '|' || clicks_known || '|' ||
                       spend_cents || '|' || spend_known || '|' || er_view_posts || '|' || printf('%.9f', er_view_sum) || '|' || slices
                FROM post_rollup ORDER BY day, account_id
                """)
        }
    }
}

/// A FIFO async mutex (imports are serialised).
actor AsyncLock {
    private var locked = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func lock() async {
        if !locked { locked = true; return }
        await withCheckedContinuation { waiters.append($0) }
    }

    func unlock() {
        if waiters.isEmpty { locked = false } else { waiters.removeFirst().resume() }
    }
}

extension SQLiteStore {
    /// Runs one statement (tests only).
    public func executeForTests(_ sql: String) async throws {
        try await queue.write { db in try db.execute(sql: sql) }
    }

    public func columns(of table: String) async throws -> [String] {
        try await execute("SELECT name FROM pragma_table_info(?1)", [.text(table)]).compactMap { $0.first?.text }
    }

    public func dailyDistinct(_ sql: String, _ binds: [StoreValue]) async throws -> [DailyDistinct] {
        do {
            return try await queue.read { db in
                let st = try db.raw(sql)
                for (i, v) in binds.enumerated() {
                    switch v {
                    case .null: st.bind(Int32(i + 1), nil as Int?)
                    case .int(let x): st.bind(Int32(i + 1), x)
                    case .double(let x): st.bind(Int32(i + 1), x)
                    case .text(let x): st.bind(Int32(i + 1), x)
                    }
                }
                var out: [DailyDistinct] = []
                var key: [UInt8] = [], visitor: [UInt8] = []
                var day = Int.min, rows = 0, distinct = 0
                func flush() {
                    if rows > 0 { out.append(DailyDistinct(day: day, key: String(decoding: key, as: UTF8.self), rows: rows, distinct: distinct)) }
                }
                while try st.step() {
                    let d = st.int(0)
                    let sameKey = d == day && st.withText(1) { $0.elementsEqual(key) }
                    if !sameKey {
                        flush()
                        day = d
                        key = st.withText(1) { Array($0) }
                        rows = 0
                        distinct = 0
                        visitor.removeAll(keepingCapacity: true)
                    }
                    rows += 1
                    st.withText(2) { v in
                        // visitors arrive sorted within the group: a new one differs from the last
                        if !v.isEmpty, !(distinct > 0 && v.elementsEqual(visitor)) {
                            distinct += 1
                            visitor.removeAll(keepingCapacity: true)
                            visitor.append(contentsOf: v)
                        }
                    }
                }
                flush()
                return out
            }
        } catch let e as DatabaseError {
            throw StoreError("SQLite \(displayTarget): \(e.message ?? "\(e.resultCode)")")
        }
    }

    @discardableResult
    public func execute(_ statements: [SQLStatement]) async throws -> [[StoreValue]] {
        // SELECTs only: a read, which takes no write lock
        let readOnly = statements.allSatisfy { $0.sql.drop(while: \.isWhitespace).prefix(6).uppercased() == "SELECT" }
        do {
            let run: @Sendable (Database) throws -> [[StoreValue]] = { db in
                var out: [[StoreValue]] = []
                for st in statements {
                    let args = StatementArguments(st.binds.map { v -> (any DatabaseValueConvertible)? in
                        switch v {
                        case .null: return nil
                        case .int(let i): return i
                        case .double(let d): return d
                        case .text(let t): return t
                        }
                    })
                    out = try Row.fetchAll(db, sql: st.sql, arguments: args).map { row in
                        (0..<row.count).map { i -> StoreValue in
                            switch row[i] as DatabaseValue {
                            case let v where v.isNull: return .null
                            case let v: switch v.storage {
                                case .int64(let i): return .int(Int(i))
                                case .double(let d): return .double(d)
                                case .string(let t): return .text(t)
                                case .blob(let b): return .text(String(decoding: b, as: UTF8.self))
                                case .null: return .null
                                }
                            }
                        }
                    }
                }
                return out
            }
            return readOnly ? try await queue.read(run) : try await queue.write(run)
        } catch let e as DatabaseError {
            throw StoreError("SQLite \(path): \(e.message ?? "\(e.resultCode)")")
        }
    }

    public func executeBatch(_ sql: String, rows: [[StoreValue]]) async throws {
        do {
            try await queue.write { db in
                let st = try db.raw(sql)
                for row in rows {
                    st.reset()
                    for (i, v) in row.enumerated() {
                        let at = Int32(i + 1)
                        switch v {
                        case .null: st.bind(at, nil as String?)
                        case .int(let x): st.bind(at, x)
                        case .double(let x): st.bind(at, x)
                        case .text(let x): st.bind(at, x)
                        }
                    }
                    _ = try st.run()
                }
            }
        } catch let e as DatabaseError {
            throw StoreError("SQLite \(path): \(e.message ?? "\(e.resultCode)")")
        }
    }

    /// Reads a PRAGMA's value as text (tests only).
    public func pragmaForTests(_ name: String) async throws -> String? {
        try await queue.read { db in try String.fetchOne(db, sql: "PRAGMA \(name)") }
    }
}
