import EngageCore
import Foundation
import Logging
import NIOSSL
import PostgresNIO

/// The server engine: PostgreSQL through a pooled `PostgresClient`. Same migrations and the
/// same store API as `SQLiteStore`; dialect differences live in `PostgresDialect`.
public final class PostgresStore: Store, @unchecked Sendable {
    public let engine = "postgres"
    public let target: PostgresTarget
    public var displayTarget: String { target.display }
    let client: PostgresClient
    private let runner: Task<Void, Never>
    let logger = Logger(label: "engage.postgres")

    public init(url: String) throws {
        let t = try PostgresTarget(url: url)
        target = t
        let tls: PostgresClient.Configuration.TLS
        switch t.sslmode {
        case "disable", "allow": tls = .disable
        case "prefer": tls = .prefer(.makeClientConfiguration())
        default: tls = .require(.makeClientConfiguration())
        }
        var config = PostgresClient.Configuration(host: t.host, port: t.port, username: t.username, password: t.password,
                                                  database: t.database, tls: tls)
        config.options.maximumConnections = max(1, t.poolSize)
        config.options.connectTimeout = .seconds(10)
        if let schema = t.schema { config.options.additionalStartupParameters = [("search_path", schema)] }
        let c = PostgresClient(configuration: config)
        client = c
        runner = Task { await c.run() }
    }

    deinit { runner.cancel() }

    /// A one-line description of a PostgreSQL error naming the target (password masked).
    func describe(_ error: Error) -> any Error {
        if let e = error as? StoreError { return e }
        if error is DayTotalTooLarge || error is ArithmeticOverflow { return error }
        if error is ConnectionClosed {
            return StoreError("PostgreSQL \(target.display): the server closed the connection")
        }
        if let p = error as? PSQLError {
            // SUM(…)::BIGINT past 2^63 − 1: a total too large, not an unreachable database
            if p.serverInfo?[.sqlState] == "22003" { return ArithmeticOverflow() }
            if let msg = p.serverInfo?[.message] {
                return StoreError("PostgreSQL \(target.display): \(msg)\(p.serverInfo?[.detail].map { " (\($0))" } ?? "")")
            }
            let cause = p.underlying.map { String(describing: $0) } ?? String(describing: p.code)
            return StoreError("cannot reach PostgreSQL at \(target.display): \(cause)")
        }
        if String(describing: type(of: error)).contains("ConnectionPoolError") {
            return StoreError("cannot reach PostgreSQL at \(target.display): no connection could be opened")
        }
        return StoreError("PostgreSQL \(target.display): \(error)")
    }

    /// Runs `body` with errors turned into one-line `StoreError`s.
    func guarded<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch { throw describe(error) }
    }

    // MARK: migrations

    /// Opens one connection outside the pool and closes it: a wrong host, port, password or
    /// database fails here at once with the server's reason, instead of inside the pool's
    /// retries.
    func ping() async throws {
        let t = target
        let tls: PostgresConnection.Configuration.TLS
        switch t.sslmode {
        case "disable", "allow": tls = .disable
        case "prefer": tls = .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
        default: tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
        var config = PostgresConnection.Configuration(host: t.host, port: t.port, username: t.username, password: t.password,
                                                      database: t.database, tls: tls)
        config.options.connectTimeout = .seconds(10)
        let conn = try await PostgresConnection.connect(on: PostgresClient.defaultEventLoopGroup.any(), configuration: config, id: 0,
                                                        logger: logger).get()
        try await conn.close()
    }

    @discardableResult
    public func migrate() async throws -> Int { try await migrate(upTo: Migrations.latest) }

    /// Applies migrations up to `target` only (tests of a migration over older data).
    @discardableResult
    package func migrate(upTo version: Int) async throws -> Int {
        let upTo = version
        return try await guarded {
            try await ping()
            return try await client.withConnection { conn in
                // two instances starting at once: one migrates, the other waits and finds it done
                try await conn.liveQuery("SELECT pg_advisory_lock(\(PostgresDialect.migrationLock(schema: target.schema)))", logger: logger)
                do {
                    let v = try await migrateLocked(conn, upTo: min(upTo, Migrations.latest))
                    try await conn.liveQuery("SELECT pg_advisory_unlock(\(PostgresDialect.migrationLock(schema: target.schema)))", logger: logger)
                    return v
                } catch {
                    _ = try? await conn.liveQuery("SELECT pg_advisory_unlock(\(PostgresDialect.migrationLock(schema: target.schema)))", logger: logger)
                    throw error
                }
            }
        }
    }

    private func migrateLocked(_ conn: PostgresConnection, upTo last: Int) async throws -> Int {
        if let schema = target.schema { try await conn.liveQuery(PostgresQuery(unsafeSQL: "CREATE SCHEMA IF NOT EXISTS \(schema)"), logger: logger) }
        try await conn.liveQuery("CREATE TABLE IF NOT EXISTS engage_schema (version BIGINT NOT NULL)", logger: logger)
        var version = 0
        for try await v in try await conn.liveQuery("SELECT COALESCE(MAX(version), 0) FROM engage_schema", logger: logger).decode(Int.self) { version = v }
        guard version <= Migrations.latest else {
            throw StoreError("the database \(target.display) has schema version \(version), newer than this Engage knows (\(Migrations.latest)); upgrade Engage")
        }
        if version >= last { return version }
        try await conn.liveTransaction(logger: logger) { tx in
            while version < last {
                for sql in Migrations.statements(version, engine: "postgres") { try await tx.liveQuery(PostgresQuery(unsafeSQL: PostgresDialect.migration(sql)), logger: logger) }
                version += 1
                try await tx.liveQuery("INSERT INTO engage_schema (version) VALUES (\(version))", logger: logger)
            }
        }
        return version
    }

    // MARK: import

    public func withImport<T: Sendable>(source: String, _ body: @Sendable (any ImportSession) async throws -> T) async throws -> T {
        do {
            return try await client.withConnection { conn in
                try await conn.liveTransaction(logger: logger) { conn in
                    // imports are serialised: no deadlocks between overlapping upserts
                    try await conn.liveQuery("SELECT pg_advisory_xact_lock(\(PostgresDialect.importLock(schema: target.schema)))", logger: logger)
                    var importID = 0
                    for try await id in try await conn.liveQuery(
                        "INSERT INTO imports (source, started_at) VALUES (\(source), \(Int(Date().timeIntervalSince1970))) RETURNING import_id",
                        logger: logger).decode(Int.self) { importID = id }
                    let session = PostgresImportSession(store: self, conn: conn, importID: importID)
                    let result = try await body(session)
                    try await session.finish()
                    try await conn.liveQuery("UPDATE imports SET finished_at = \(Int(Date().timeIntervalSince1970)), rows = \(session.rowsWritten) WHERE import_id = \(importID)", logger: logger)
                    return result
                }
            }
        } catch let e as StoreError {
            throw e
        } catch let e as PSQLError {
            throw describe(e)
        } catch let e as ConnectionClosed {
            throw describe(e)
        }
    }

    // MARK: queries

    /// Runs a statement of the portable dialect (`?n` placeholders, `COLLATE BINARY`) on `conn`.
    @discardableResult
    func rows(_ sql: String, _ binds: [PGValue] = [], on conn: PostgresConnection) async throws -> PostgresRowSequence {
        var b = PostgresBindings(capacity: binds.count)
        for v in binds { v.append(to: &b) }
        return try await conn.liveQuery(PostgresQuery(unsafeSQL: PostgresDialect.statement(sql), binds: b), logger: logger)
    }

    /// Runs a query written with `?n` placeholders on `conn`, or on a connection leased from
    /// the pool for as long as its rows are read, and hands each row to `body`.
    func each(_ sql: String, _ binds: [PGValue] = [], on conn: PostgresConnection? = nil, _ body: (PostgresRow) throws -> Void) async throws {
        if let conn {
            for try await row in try await rows(sql, binds, on: conn) { try body(row) }
            return
        }
        // the pool may still hand out a connection the server has just closed; nothing was
        // sent on it, so another one is tried
        var attempt = 1
        while true {
            do {
                return try await client.withConnection { conn in
                    for try await row in try await rows(sql, binds, on: conn) { try body(row) }
                }
            } catch let e as ConnectionClosed where e.beforeSending && attempt < 3 {
                try await Task.sleep(for: .milliseconds(20 * attempt))
                attempt += 1
            }
        }
    }

    /// One write transaction on a connection of the pool.
    package func write(_ script: SQLScript) async throws {
        try await guarded {
            try await client.withConnection { conn in try await conn.liveTransaction(logger: logger) { conn in try await run(script, on: conn) } }
        }
    }

    @discardableResult
    package func execute(_ statements: [SQLStatement]) async throws -> [[StoreValue]] {
        try await executeAll(statements).last ?? []
    }

    package func executeAll(_ statements: [SQLStatement]) async throws -> [[[StoreValue]]] {
        try await guarded {
            try await client.withConnection { conn in
                try await conn.liveTransaction(logger: logger) { conn in
                    var all: [[[StoreValue]]] = []
                    for st in statements {
                        var out: [[StoreValue]] = []
                        for try await row in try await rows(st.sql, st.binds.map(PGValue.init), on: conn) { out.append(try Self.values(row)) }
                        all.append(out)
                    }
                    return all
                }
            }
        }
    }

    public func healthProblem() async -> String? {
        do { _ = try await execute("SELECT 1"); return nil } catch { return "\(error)" }
    }

    /// Row locks only: nothing an import holds makes these wait.
    package func executeIfIdle(_ statements: [SQLStatement]) async throws -> [[StoreValue]]? {
        try await execute(statements)
    }

    /// Row locks only: an import in progress never holds up a click.
    public func recordClicks(_ clicks: [ClickRow]) async throws {
        guard !clicks.isEmpty else { return }
        try await execute(PostgresDialect.multiRow(ClickRow.agentSQL, rows: ClickRow.agents(clicks))
                          + PostgresDialect.multiRow(ClickRow.insertSQL, rows: clicks.map(\.values)))
    }

    // MARK: click months

    public func prepareClicks(now: Int64) async throws {
        let this = ClickMonth(instant: now)
        try await guarded {
            try await client.withConnection { conn in
                try await conn.liveTransaction(logger: logger) { tx in try await prepareClickMonths([this, this.next, this.next.next], on: tx) }
            }
        }
    }

    /// The names of the partitions of `clicks`.
    private func clickPartitions(on conn: PostgresConnection) async throws -> [String] {
        var names: [String] = []
        for try await name in try await rows("""
            SELECT c.relname::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'clicks'::regclass
            """, on: conn).decode(String.self) { names.append(name) }
        return names
    }

    /// Creates the partitions of `clicks` for `months` that do not exist yet (from
    /// `ClickMonth.firstPartitioned` on), in the caller's transaction (serialised by an
    /// advisory lock). A month is made as a table,
    /// filled with what `clicks_default` holds of it, then attached: creating it in place
    /// would fail while the default partition has rows of that month.
    func prepareClickMonths(_ months: some Collection<ClickMonth>, on conn: PostgresConnection) async throws {
        guard !months.isEmpty else { return }
        try await rows("SELECT pg_advisory_xact_lock(\(PostgresDialect.clickMonthsLock(schema: target.schema)))", on: conn)
        let existing = Set(try await clickPartitions(on: conn))
        for m in Set(months).sorted() where m >= ClickMonth.firstPartitioned && !existing.contains(m.partition) {
            try await rows("CREATE TABLE \(m.partition) (LIKE clicks INCLUDING DEFAULTS)", on: conn)
            try await rows("""
                WITH moved AS (DELETE FROM clicks_default WHERE clicked_at >= \(m.start) AND clicked_at < \(m.end) RETURNING *)
                INSERT INTO \(m.partition) SELECT * FROM moved
                """, on: conn)
            try await rows("ALTER TABLE clicks ATTACH PARTITION \(m.partition) FOR VALUES FROM (\(m.start)) TO (\(m.end))", on: conn)
        }
    }

    public func pruneClicks(before: Int64, dryRun: Bool) async throws -> ClickPrune {
        try await guarded {
            try await client.withConnection { conn in
                try await conn.liveTransaction(logger: logger) { tx in
                    try await rows("SELECT pg_advisory_xact_lock(\(PostgresDialect.clickMonthsLock(schema: target.schema)))", on: tx)
                    let months = try await clickPartitions(on: tx).compactMap(ClickMonth.init(partition:)).filter { $0.end <= before }.sorted()
                    var removed = 0
                    for m in months {
                        for try await n in try await rows("SELECT count(*) FROM \(m.partition)", on: tx).decode(Int.self) { removed += n }
                        if !dryRun { try await rows("DROP TABLE \(m.partition)", on: tx) }
                    }
                    // what is left before the cut: part of a month, and the default partition
                    let rest = dryRun ? "SELECT count(*) FROM clicks WHERE clicked_at < ?1"
                        : "WITH gone AS (DELETE FROM clicks WHERE clicked_at < ?1 RETURNING 1) SELECT count(*) FROM gone"
                    for try await n in try await rows(rest, [.int(Int(before))], on: tx).decode(Int.self) {
                        // a dry run's count covers the months it would drop too
                        if dryRun { removed = n } else { removed += n }
                    }
                    return ClickPrune(clicks: removed, partitions: months.map(\.partition))
                }
            }
        }
    }

    package func dailyDistinct(_ sql: String, _ binds: [StoreValue]) async throws -> [DailyDistinct] {
        let rows = try await execute([SQLStatement("""
            SELECT q.day, q.key, COUNT(*), COUNT(DISTINCT NULLIF(q.visitor, '')) FROM (\(sql)) q(day, key, visitor)
            GROUP BY q.day, q.key ORDER BY q.day, q.key COLLATE BINARY
            """, binds)])
        return rows.map { DailyDistinct(day: $0[0].int ?? 0, key: $0[1].text ?? "", rows: $0[2].int ?? 0, distinct: $0[3].int ?? 0) }
    }

    /// Counted from the clicks through the partial day indexes (and, for one link, its key).
    package func clickDays(_ kind: ClickDayKind, days: ClosedRange<Int>, link: String?) async throws -> [DailyDistinct] {
        let q = ClickDays.liveSQL(kind, link: link, days: days)
        return try await dailyDistinct(q.sql, q.binds)
    }

    /// One multi-row INSERT per chunk of rows (`PostgresDialect.multiRow`).
    package func executeBatch(_ sql: String, rows: [[StoreValue]]) async throws {
        try await execute(PostgresDialect.multiRow(sql, rows: rows))
    }

    /// A row's cells as store values.
    static func values(_ row: PostgresRow) throws -> [StoreValue] {
        try row.map(value)
    }

    /// A cell as a store value: integers, floating point (whole NUMERIC sums as integers),
    /// booleans as 0 or 1, everything else as text.
    static func value(_ cell: PostgresCell) throws -> StoreValue {
        if cell.bytes == nil { return .null }
        switch cell.dataType {
        case .int8, .int4, .int2: return .int(try cell.decode(Int.self, context: .default))
        case .float8, .float4: return .double(try cell.decode(Double.self, context: .default))
        case .numeric:
            // SUM over BIGINT is NUMERIC: whole numbers come back as integers
            let d = try cell.decode(Decimal.self, context: .default)
            let r = NSDecimalNumber(decimal: d)
            return d == Decimal(r.intValue) ? .int(r.intValue) : .double(r.doubleValue)
        case .bool: return .int(try cell.decode(Bool.self, context: .default) ? 1 : 0)
        default: return .text(try cell.decode(String.self, context: .default))
        }
    }

    /// The advisory lock an import of this database holds, as `pg_locks` shows it.
    public var importLockParts: (high: Int64, low: Int64) { PostgresDialect.lockParts(PostgresDialect.importLock(schema: target.schema)) }

    /// Runs one statement (tests only).
    package func columns(of table: String) async throws -> [String] {
        try await execute("SELECT column_name::text FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ?1",
                          [.text(table)]).compactMap { $0.first?.text }
    }

    package func executeForTests(_ sql: String) async throws {
        _ = try await textForTests(sql)
    }

    /// Runs one query and returns its first column as text, one element per row (tests only).
    package func textForTests(_ sql: String) async throws -> [String?] {
        try await guarded {
            var out: [String?] = []
            try await each(sql) { out.append(try $0.decode(String?.self)) }
            return out
        }
    }
}

/// A value bound to a PostgreSQL query.
enum PGValue: Sendable {
    case int(Int?)
    case text(String?)
    case double(Double?)
    case texts([String])
    case ints([Int])

    func append(to b: inout PostgresBindings) {
        switch self {
        case .int(let v): if let v { b.append(v) } else { b.appendNull() }
        case .text(let v): if let v { b.append(v) } else { b.appendNull() }
        case .double(let v): if let v { b.append(v) } else { b.appendNull() }
        case .texts(let v): b.append(v)
        case .ints(let v): b.append(v)
        }
    }

    static func bool(_ v: Bool) -> PGValue { .int(v ? 1 : 0) }
}
