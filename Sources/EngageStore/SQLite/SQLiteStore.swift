import EngageCore
import Foundation
import GRDB
import GRDBSQLite
import Synchronization

/// The embedded engine: one SQLite file in WAL mode with foreign keys on.
///
/// Readers and writers use a pool (WAL: a read sees the last committed state and never
/// waits for a writer). An import runs on a connection of its own, in one transaction that
/// holds SQLite's write lock: nothing of it is visible before it commits, and other writes
/// wait for it (tracked-link clicks do not: they go to a spool file beside the database and
/// move in afterwards, see `recordClicks`).
public final class SQLiteStore: Store, @unchecked Sendable {
    public let engine = "sqlite"
    public let path: String
    public var displayTarget: String { path }
    let pool: DatabasePool
    let configuration: Configuration
    private let importLock = AsyncLock()
    private var _minimumFreeBytes = SQLiteStore.defaultMinimumFreeBytes
    private let freeBytesLock = NSLock()
    let clicks: SQLiteClickSpool
    /// The click log a server opened on this store (`openClickLog`).
    private let clickLog = Mutex<SQLiteClickLog?>(nil)

    public init(path: String) throws {
        self.path = path
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(60)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            try db.execute(sql: "PRAGMA cache_size = -262144")  // 256 MiB
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
            // deleted content is overwritten, not left in free pages (survey anonymity)
            try db.execute(sql: "PRAGMA secure_delete = ON")
        }
        configuration = config
        do {
            pool = try DatabasePool(path: path, configuration: config)
        } catch {
            throw StoreError("cannot open SQLite database \(path): \(Self.describe(error))")
        }
        clicks = SQLiteClickSpool(path: path, configuration: config)
    }

    /// The error a caller sees for an SQLite failure: a total past `Int.max` is an
    /// `ArithmeticOverflow`; a lock held too long, a busy database; the rest one line.
    func mapped(_ error: Error) -> any Error {
        guard let e = error as? DatabaseError else { return error }
        if e.message?.contains("integer overflow") == true { return ArithmeticOverflow() }
        if e.resultCode == .SQLITE_BUSY || e.resultCode == .SQLITE_LOCKED {
            return StoreError("the database \(path) is busy (an import is being written): try again in a moment")
        }
        return StoreError("SQLite \(path): \(e.message ?? "\(e.resultCode)")")
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        // every click answered before this read is in what it reads
        if let log = clickLog.withLock({ $0 }), log.unfolded > 0, !SQLiteClickLog.inFold { try? await foldClickLog() }
        do { return try await pool.read(body) } catch { throw mapped(error) }
    }

    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do { return try await pool.write(body) } catch { throw mapped(error) }
    }

    static func describe(_ error: Error) -> String {
        if let e = error as? DatabaseError { return e.message ?? "\(e.resultCode)" }
        return "\(error)"
    }

    // MARK: migrations

    @discardableResult
    public func migrate() async throws -> Int { try await migrate(upTo: Migrations.latest) }

    /// Applies migrations up to `target` only (tests of a migration over older data).
    @discardableResult
    package func migrate(upTo version: Int) async throws -> Int {
        let target = version
        let v: Int = try await write { db in
            try db.execute(sql: "CREATE TABLE IF NOT EXISTS engage_schema (version INTEGER NOT NULL)")
            var version = try Int.fetchOne(db, sql: "SELECT MAX(version) FROM engage_schema") ?? 0
            guard version <= Migrations.latest else {
                throw StoreError("the database \(self.path) has schema version \(version), newer than this Engage knows (\(Migrations.latest)); upgrade Engage")
            }
            while version < min(target, Migrations.latest) {
                for sql in Migrations.statements(version, engine: "sqlite") { try db.execute(sql: sql) }
                version += 1
                try db.execute(sql: "INSERT INTO engage_schema(version) VALUES (?)", arguments: [version])
            }
            return version
        }
        // clicks spooled while the database was locked (by an earlier run) move in now, and
        // clicks a server that ended left in its click log
        try? await clicks.moveIn(all: true)
        try? await SQLiteClickLog.foldLeftovers(databasePath: path) { try await self.recordClicks($0) }
        return v
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
            throw mapped(error)
        }
    }

    /// The import on a connection of its own (closed afterwards), in one transaction begun
    /// with the write lock: readers keep seeing the last committed state until it commits.
    private func runImport<T: Sendable>(source: String, _ body: @Sendable (any ImportSession) async throws -> T) async throws -> T {
        var config = configuration
        config.allowsUnsafeTransactions = true  // the transaction spans several awaits
        let connection: DatabaseQueue
        do { connection = try DatabaseQueue(path: path, configuration: config) } catch { throw mapped(error) }
        defer { try? connection.close() }
        let importID: Int = try await connection.writeWithoutTransaction { db in
            try db.execute(sql: "BEGIN IMMEDIATE")
            try db.execute(sql: "INSERT INTO imports(source, started_at) VALUES (?, ?)",
                           arguments: [source, Int(Date().timeIntervalSince1970)])
            return Int(db.lastInsertedRowID)
        }
        let session = SQLiteImportSession(queue: connection, importID: importID)
        do {
            let result = try await body(session)
            try await session.finish()
            try await connection.writeWithoutTransaction { db in
                try db.execute(sql: "UPDATE imports SET finished_at = ?, rows = ? WHERE import_id = ?",
                               arguments: [Int(Date().timeIntervalSince1970), session.rowsWritten, importID])
                try db.execute(sql: "COMMIT")
            }
            return result
        } catch {
            try? await connection.writeWithoutTransaction { db in
                if db.isInsideTransaction { try db.execute(sql: "ROLLBACK") }
            }
            throw error
        }
    }

    // MARK: queries

    /// One read transaction of the pool: every statement sees the same committed state.
    package func read(_ script: SQLScript) async throws {
        try await read { db in try script.run(on: db) }
    }

    /// One write transaction.
    package func write(_ script: SQLScript) async throws {
        try await write { db in try script.run(on: db) }
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
    /// Settles the click tables of the past days that server clicks made dirty (`ClickDays`).
    public func prepareClicks(now: Int64) async throws {
        let today = LocalDate(utcInstant: now).dayNumber
        let dirty: Int = try await read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM click_dirty_days WHERE day < ?", arguments: [today]) ?? 0 }
        guard dirty > 0 else { return }
        try await write { db in try ClickDays.settle(db, before: today) }
    }

    package func clickDays(_ kind: ClickDayKind, days: ClosedRange<Int>, link: String?) async throws -> [DailyDistinct] {
        try await read { db in try ClickDays.read(db, kind, days: days, link: link) }
    }

    public func pruneClicks(before: Int64, dryRun: Bool) async throws -> ClickPrune {
        // clicks waiting in the spool are counted (and removed) with the rest
        try await clicks.moveIn(all: true)
        let cut = before
        let n: Int = try await write { db in
            if dryRun { return try Int.fetchOne(db, sql: "SELECT count(*) FROM clicks WHERE clicked_at < ?", arguments: [cut]) ?? 0 }
            try db.execute(sql: "DELETE FROM clicks WHERE clicked_at < ?", arguments: [cut])
            let n = db.changesCount
            try ClickDays.pruned(db, before: cut)
            return n
        }
        return ClickPrune(clicks: n, partitions: [])
    }

    /// Runs one statement (tests only).
    package func executeForTests(_ sql: String) async throws {
        try await write { db in try db.execute(sql: sql) }
    }

    package func columns(of table: String) async throws -> [String] {
        try await execute("SELECT name FROM pragma_table_info(?1)", [.text(table)]).compactMap { $0.first?.text }
    }

    package func dailyDistinct(_ sql: String, _ binds: [StoreValue]) async throws -> [DailyDistinct] {
        return try await read { db in
            let st = try db.raw(sql)
            st.bind(binds)
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
    }

    @discardableResult
    package func execute(_ statements: [SQLStatement]) async throws -> [[StoreValue]] {
        // SELECTs only: a read, which takes no write lock
        let readOnly = statements.allSatisfy { $0.sql.drop(while: \.isWhitespace).prefix(6).uppercased() == "SELECT" }
        let run = Self.runner(statements)
        return (readOnly ? try await read(run) : try await write(run)).last ?? []
    }

    package func executeAll(_ statements: [SQLStatement]) async throws -> [[[StoreValue]]] {
        try await write(Self.runner(statements))
    }

    package func executeIfIdle(_ statements: [SQLStatement]) async throws -> [[StoreValue]]? {
        let run = Self.runner(statements)
        do {
            return try await pool.writeWithoutTransaction { db -> [[[StoreValue]]]? in
                // wait a moment at most for the lock, then give up
                sqlite3_busy_timeout(db.sqliteConnection, 100)
                defer { sqlite3_busy_timeout(db.sqliteConnection, 60_000) }
                do {
                    var out: [[[StoreValue]]] = []
                    try db.inTransaction(.immediate) {
                        out = try run(db)
                        return .commit
                    }
                    return out
                } catch let e as DatabaseError where e.resultCode == .SQLITE_BUSY || e.resultCode == .SQLITE_LOCKED {
                    return nil
                }
            }.map { $0.last ?? [] }
        } catch {
            throw mapped(error)
        }
    }

    /// Runs `statements` on `db`; the rows of each.
    static func runner(_ statements: [SQLStatement]) -> @Sendable (Database) throws -> [[[StoreValue]]] {
        { db in
            var all: [[[StoreValue]]] = []
            for st in statements {
                let args = StatementArguments(st.binds.map { v -> (any DatabaseValueConvertible)? in
                    switch v {
                    case .null: return nil
                    case .int(let i): return i
                    case .double(let d): return d
                    case .text(let t): return t
                    }
                })
                all.append(try Row.fetchAll(db, sql: st.sql, arguments: args).map { row in
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
                })
            }
            return all
        }
    }

    package func executeBatch(_ sql: String, rows: [[StoreValue]]) async throws {
        try await write { db in
            let st = try db.raw(sql)
            for row in rows { try st.runOnce(row) }
        }
    }

    public func recordClicks(_ rows: [ClickRow]) async throws {
        do {
            try await clicks.record(rows) { codes in
                try await self.read { db in
                    var owners: [String: String] = [:]
                    let st = try db.raw("SELECT employee_id FROM links WHERE link_code = ?1 AND employee_id IS NOT NULL")
                    for code in codes {
                        st.reset()
                        st.bind(1, code)
                        if try st.step() { owners[code] = st.text(0) }
                    }
                    return owners
                }
            }
        } catch {
            throw mapped(error)
        }
    }

    /// Opens the click log beside the database for this process's redirects (a server),
    /// first folding in what an ended process left there; nil when another process holds it
    /// (its clicks then go to the database directly). See `SQLiteClickLog`.
    public func openClickLog() async throws -> SQLiteClickLog? {
        guard let log = try SQLiteClickLog.open(databasePath: path) else { return nil }
        try await log.fold { try await self.recordClicks($0) }
        clickLog.withLock { $0 = log }
        return log
    }

    /// Writes the clicks of the click log into the database (the server calls this every
    /// 100 ms and when it stops; reads do before reading).
    public func foldClickLog() async throws {
        guard let log = clickLog.withLock({ $0 }) else { return }
        try await log.fold { try await self.recordClicks($0) }
    }

    /// Free space below which the store reports itself unhealthy: an import or a click
    /// batch could no longer be written.
    public static let defaultMinimumFreeBytes: UInt64 = 64 << 20
    package var minimumFreeBytes: UInt64 {
        get { freeBytesLock.withLock { _minimumFreeBytes } }
        set { freeBytesLock.withLock { _minimumFreeBytes = newValue } }
    }

    public func healthProblem() async -> String? {
        do { _ = try await read { db in try Int.fetchOne(db, sql: "SELECT 1") } } catch { return "\(mapped(error))" }
        var fs = statvfs()
        let dir = (path as NSString).deletingLastPathComponent
        guard statvfs(dir.isEmpty ? "." : dir, &fs) == 0 else { return "cannot read the free space of the database's disk" }
        let free = UInt64(fs.f_bavail) * UInt64(fs.f_frsize)
        let needed = minimumFreeBytes
        return free < needed ? "the disk holding the database has \(free >> 20) MiB free (at least \(needed >> 20) needed)" : nil
    }

    /// Copies the WAL into the database file and empties it (backups, tests).
    package func checkpoint() async throws {
        do { try await pool.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) } } catch { throw mapped(error) }
    }

    /// Clicks waiting in the spool (tests).
    package func spooledClicks() async throws -> Int { try await clicks.spooledCount() }

    /// Reads a PRAGMA's value as text (tests only).
    package func pragmaForTests(_ name: String) async throws -> String? {
        try await read { db in try String.fetchOne(db, sql: "PRAGMA \(name)") }
    }
}
