import EngageCore

/// Errors of the store layer and its use cases; `description` is the one line a user sees,
/// `kind` the refusal it is (by default: the database is not available).
public struct StoreError: UserFacingError, Sendable {
    public var description: String
    public var kind: ErrorKind
    public init(_ description: String, kind: ErrorKind = .unavailable) {
        self.description = description
        self.kind = kind
    }

    public static func invalid(_ d: String) -> StoreError { StoreError(d, kind: .invalid) }
    public static func notFound(_ d: String) -> StoreError { StoreError(d, kind: .notFound) }
    public static func conflict(_ d: String) -> StoreError { StoreError(d, kind: .conflict) }
}

/// The one store API: named operations, one per question the app asks (with the domain
/// types of `Social/`, `Advocacy/`, `Surveys/`, `Access/`, `Employees.swift`, which run
/// their SQL through `SQLExecutor`). The engine — SQLite or PostgreSQL — is chosen by
/// `openStore(target:)`. No SQL is written outside this module.
public protocol Store: Sendable {
    /// A short engine name for messages: `sqlite` or `postgres`.
    var engine: String { get }
    /// Where the data lives, with any password masked.
    var displayTarget: String { get }

    /// Applies pending migrations; returns the schema version.
    @discardableResult
    func migrate() async throws -> Int

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    /// Imports are serialised: a second one waits for the first.
    func withImport<T: Sendable>(source: String, _ body: @Sendable (any ImportSession) async throws -> T) async throws -> T

    /// Why the store cannot take writes now (unreachable, or — SQLite — the disk holding the
    /// file nearly full), or nil when it is healthy. For `/healthz`.
    func healthProblem() async -> String?

    /// Stores tracked-link clicks; returns once they are durable (a redirect is answered
    /// only then). Never waits long for an import: on SQLite, while another connection holds
    /// the write lock, the clicks are committed to a spool file beside the database and
    /// moved in with a later batch.
    func recordClicks(_ clicks: [ClickRow]) async throws

    /// Makes room for the clicks of the months around `now` ahead of time (PostgreSQL: the
    /// monthly partitions of `clicks`, this month and the next two); SQLite recounts the
    /// per-day click tables of the days before `now`'s that server clicks changed.
    func prepareClicks(now: Int64) async throws

    /// Removes the clicks before `before` (a UTC instant): PostgreSQL drops the monthly
    /// partitions that end by then and deletes the rest by range; SQLite deletes by range.
    /// With `dryRun`, only counts.
    func pruneClicks(before: Int64, dryRun: Bool) async throws -> ClickPrune
}

/// What `pruneClicks` removed (or, in a dry run, would remove).
public struct ClickPrune: Sendable, Equatable {
    public var clicks: Int
    /// Whole months dropped (PostgreSQL partitions), oldest first.
    public var partitions: [String]
    public init(clicks: Int, partitions: [String]) {
        self.clicks = clicks
        self.partitions = partitions
    }
}

/// A month of UTC time, as the partitions of `clicks` are cut: `year * 12 + month - 1`.
public struct ClickMonth: Hashable, Comparable, Sendable {
    public var index: Int
    public init(instant: Int64) {
        let d = LocalDate(utcInstant: instant).components
        index = d.year * 12 + d.month - 1
    }
    public init(index: Int) { self.index = index }
    public static func < (a: Self, b: Self) -> Bool { a.index < b.index }
    public var next: ClickMonth { ClickMonth(index: index + 1) }
    /// Its first instant (UTC), and the next month's.
    public var start: Int64 { LocalDate(year: index / 12, month: index % 12 + 1, day: 1).startUTC }
    public var end: Int64 { next.start }
    /// `clicks_pYYYYMM`.
    public var partition: String {
        let m = index % 12 + 1
        return "clicks_p\(index / 12)\(m < 10 ? "0" : "")\(m)"
    }

    /// The month a partition's name stands for (nil for any other name).
    public init?(partition name: String) {
        guard name.hasPrefix("clicks_p"), let n = Int(name.dropFirst(8)), n >= 100, (1...12).contains(n % 100) else { return nil }
        self.init(index: (n / 100) * 12 + n % 100 - 1)
        guard partition == name else { return nil }
    }

    /// Months before this one get no partition of their own: their clicks (an old log
    /// imported) stay in `clicks_default`. A click log may name any year from 1: a month
    /// each would be thousands of tables made by one import.
    public static let firstPartitioned = ClickMonth(index: 2000 * 12)
}

/// SQL in the dialect both engines accept, for the named operations of this module and for
/// its tests (`package`: not part of the API other modules build on).
package protocol SQLExecutor: Sendable {
    /// Runs a script (statements written once for both engines, with their row handlers)
    /// as one consistent read: every statement sees the same committed state.
    func read(_ script: SQLScript) async throws

    /// Runs a script in one write transaction.
    func write(_ script: SQLScript) async throws

    /// Runs statements written in the SQL both engines accept (`?1, ?2, …` placeholders;
    /// `COLLATE BINARY` for byte-wise text order) in one transaction, and returns the rows
    /// of the last one. For the small tables of the web app (users, tokens, listings).
    @discardableResult
    func execute(_ statements: [SQLStatement]) async throws -> [[StoreValue]]

    /// Like `execute`, returning the rows of every statement (in order).
    func executeAll(_ statements: [SQLStatement]) async throws -> [[[StoreValue]]]

    /// Like `execute`, for best-effort writes (a token's last use, an old salt's removal):
    /// returns nil instead of waiting when the write lock is held (an import on SQLite).
    func executeIfIdle(_ statements: [SQLStatement]) async throws -> [[StoreValue]]?

    /// Runs one portable statement once per row of values, all in one transaction (the
    /// statement is prepared once). For appending many rows, such as tracked-link clicks.
    func executeBatch(_ sql: String, rows: [[StoreValue]]) async throws

    /// Per-day distinct counts: `sql` (portable, `?n` placeholders) selects `(day INTEGER,
    /// key TEXT, visitor TEXT)` rows ordered by day, key, visitor; the answer is one
    /// group per (day, key) with its rows and its distinct non-empty visitors, in that order.
    /// SQLite folds the ordered rows as they stream out of a covering index (no sort, no
    /// per-group b-tree); PostgreSQL aggregates them in the server.
    func dailyDistinct(_ sql: String, _ binds: [StoreValue]) async throws -> [DailyDistinct]

    /// The click tables' groups of the UTC days `days`: human clicks and distinct non-empty
    /// visitors per (day, key) of `kind`, in that order (`link`: of that link only). SQLite
    /// keeps them per day (`ClickDays`); PostgreSQL counts them from the clicks.
    func clickDays(_ kind: ClickDayKind, days: ClosedRange<Int>, link: String?) async throws -> [DailyDistinct]
}

extension Store {
    /// The engine's SQL runner (every engine is one).
    package var sql: any SQLExecutor { self as! any SQLExecutor }

    @discardableResult
    package func execute(_ statements: [SQLStatement]) async throws -> [[StoreValue]] { try await sql.execute(statements) }
    package func executeAll(_ statements: [SQLStatement]) async throws -> [[[StoreValue]]] { try await sql.executeAll(statements) }
    package func executeIfIdle(_ statements: [SQLStatement]) async throws -> [[StoreValue]]? { try await sql.executeIfIdle(statements) }
    package func executeBatch(_ sql: String, rows: [[StoreValue]]) async throws { try await self.sql.executeBatch(sql, rows: rows) }
    package func dailyDistinct(_ sql: String, _ binds: [StoreValue]) async throws -> [DailyDistinct] { try await self.sql.dailyDistinct(sql, binds) }
    package func clickDays(_ kind: ClickDayKind, days: ClosedRange<Int>, link: String? = nil) async throws -> [DailyDistinct] {
        try await sql.clickDays(kind, days: days, link: link)
    }
}

/// What the groups of the click tables are keyed by: a tracked link, an advocate (the
/// link's owner when the click was recorded), or the kind of link (`"1"` an advocate's,
/// `"0"` the brand's). The raw values are stored (`click_days.kind`).
public enum ClickDayKind: Int, Sendable {
    case link = 0, employee = 1, linkKind = 2
}

/// One (day, key) group of `Store.dailyDistinct`.
public struct DailyDistinct: Sendable, Equatable {
    public var day: Int
    public var key: String
    public var rows: Int
    public var distinct: Int
    public init(day: Int, key: String, rows: Int, distinct: Int) {
        self.day = day
        self.key = key
        self.rows = rows
        self.distinct = distinct
    }
}

/// One portable statement and its bound values.
public struct SQLStatement: Sendable {
    public var sql: String
    public var binds: [StoreValue]
    public init(_ sql: String, _ binds: [StoreValue] = []) {
        self.sql = sql
        self.binds = binds
    }
}

extension Store {
    /// Row counts by table, for status output and tests.
    public func counts() async throws -> [String: Int] {
        let script = SQLScript()
        var out: [String: Int] = [:]
        for t in Migrations.dataTables { script.add("SELECT COUNT(*) FROM \(t)") { r in out[t] = try r.int(0) } }
        try await sql.read(script)
        return out
    }

    /// Streams every row of `table` (its named columns, ordered by `orderBy`), for export.
    public func forEachRow(table: String, columns: [String], orderBy: [String], _ body: ([StoreValue]) throws -> Void) async throws {
        try await withoutActuallyEscaping(body) { body in
            let script = SQLScript()
            var row = [StoreValue](repeating: .null, count: columns.count)
            script.add("SELECT \(columns.joined(separator: ", ")) FROM \(table) ORDER BY \(orderBy.joined(separator: ", "))") { r in
                for i in columns.indices { row[i] = try r.value(i) }
                try body(row)
            }
            try await sql.read(script)
        }
    }

    /// The id of the latest committed import: changes with every import (never seen before
    /// its commit), so it keys cached reports.
    public func dataVersion() async throws -> Int {
        try await execute("SELECT COALESCE(MAX(import_id), 0) FROM imports").first?.first?.int ?? 0
    }

    /// One portable statement in its own transaction; its rows.
    @discardableResult
    package func execute(_ sql: String, _ binds: [StoreValue] = []) async throws -> [[StoreValue]] {
        try await execute([SQLStatement(sql, binds)])
    }
}

extension StoreValue {
    public var int: Int? {
        if case .int(let v) = self { return v }
        if case .double(let d) = self, d.isFinite { return Int(d) }
        return nil
    }
    public var double: Double? { if case .double(let v) = self { return v }; if case .int(let i) = self { return Double(i) }; return nil }
    public var text: String? { if case .text(let v) = self { return v }; return nil }
    public var isNull: Bool { self == .null }
}

/// A column value as stored.
public enum StoreValue: Sendable, Hashable {
    case null
    case int(Int)
    case double(Double)
    case text(String)
}

/// The slices of a day's posts kept in the rollup.
public enum SliceDimension: Int, Sendable, CaseIterable {
    case hour = 1, type = 2, rubric = 3
    public var name: String { ["", "hour", "type", "rubric"][rawValue] }
}

/// Writes of one import, inside its transaction. Rows are given in batches; methods that
/// return indices name the rows of the batch that repeat an id already written by this
/// import (a duplicate within the file).
public protocol ImportSession: AnyObject, Sendable {
    /// Accounts known so far (stored, or written by this import): id → account.
    func knownAccounts() async throws -> [String: Account]
    func upsert(accounts: [Account]) async throws -> [Int]
    func upsert(daily: [DailyRow]) async throws -> [Int]
    func upsert(periods: [PeriodRow]) async throws -> [Int]
    func upsert(posts: [PostRow]) async throws -> [Int]
    func upsert(costs: [CostRow]) async throws -> [Int]
    func upsert(messages: [MessageRow]) async throws -> [Int]
    func upsert(sessions: [SessionRow]) async throws -> [Int]
    /// Days of a native export: each figure given replaces the stored one, a nil keeps it;
    /// several files may fill one day.
    func merge(daily: [DailyPatch]) async throws
    /// Rebuilds the follower series of every account whose days this import changed, from
    /// the totals given and the daily changes (`FollowerRebuild`); returns notes for the
    /// user (an account left without totals, a series that went below zero).
    func rebuildFollowers() async throws -> [String]
    /// Posts not written because the stored row's lifetime totals are newer (`PostRow.asOf`).
    var keptNewer: Int { get }

    /// Rows of any other table: each row is the key values, then the column values. Returns
    /// the indices of rows that repeat a key this import already wrote.
    func upsert(table: String, key: [String], columns: [String], rows: [[StoreValue]]) async throws -> [Int]
    /// A batch of an imported click log, numbered (a negative occurrence goes on from the
    /// clicks with its key this import stored); agents stored on the way. Returns the
    /// indices of rows that repeat a key this import already wrote.
    func upsert(clicks: [ImportedClick]) async throws -> [Int]
    /// Adds each row's last value to `column` of the row with the same key (a new key starts
    /// from 0): for additive tallies. Each row is the key values, then the amount.
    func increment(table: String, key: [String], column: String, rows: [[StoreValue]]) async throws
    /// The values of `column` in `table` (stored, or written by this import): for checking
    /// references such as `employee_id`.
    func knownKeys(table: String, column: String) async throws -> Set<String>
    /// `key` → `value` of every row of `table` with both set, as this import sees them.
    func keyValues(table: String, key: String, value: String) async throws -> [String: String]
    /// The ids of `values` in a table of distinct values (`id` its integer key, `value` a
    /// unique text column), each stored first if it is new: a click keeps its user agent's id.
    func intern(table: String, id: String, value: String, values: [String]) async throws -> [String: Int]
    /// For each of `keys` (values of the columns `key`), how many rows of `table` with it this
    /// import has written: where a table without a natural key numbers its identical rows,
    /// the numbering of a key goes on from there.
    func ownRows(table: String, key: [String], keys: [[StoreValue]]) async throws -> [Int]
}

/// A `Store.forEachRow` column holding the id of a value in a table of distinct values (a
/// click's `agent_id`), read as the value itself.
public func internedColumn(_ table: String, _ column: String, values: String, id: String, value: String) -> String {
    "(SELECT u.\(value) FROM \(values) u WHERE u.\(id) = \(table).\(column))"
}

/// Opens the store a `--db` target names: a file path (SQLite) or a `postgres://` URL.
public func openStore(target: String) throws -> any Store {
    if target.hasPrefix("postgres://") || target.hasPrefix("postgresql://") {
        return try PostgresStore(url: target)
    }
    return try SQLiteStore(path: target)
}

/// A URL with its password replaced by `***`.
public func maskPassword(_ url: String) -> String {
    guard let scheme = url.range(of: "://"), let at = url.range(of: "@", range: scheme.upperBound..<url.endIndex) else { return url }
    let userinfo = url[scheme.upperBound..<at.lowerBound]
    guard let colon = userinfo.firstIndex(of: ":") else { return url }
    return String(url[..<colon]) + ":***" + String(url[at.lowerBound...])
}
