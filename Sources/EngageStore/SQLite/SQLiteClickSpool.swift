import EngageCore
import Foundation
import GRDB
import GRDBSQLite

/// Where tracked-link clicks go on SQLite.
///
/// SQLite has one write lock per file, and an import holds it from its first row to its
/// commit (seconds to minutes). A redirect must not wait that long, and must not be answered
/// before its click is durable. So clicks are written on a connection of their own that
/// waits at most `lockWait` for the lock; when it is held longer, the batch is committed to
/// a spool: a second SQLite file beside the database (`<database>-spool`), whose lock nobody
/// holds for long. Spooled clicks move into the database a chunk at a time with later
/// batches (and when a store is opened). Moving is idempotent — a click already in `clicks`
/// (same key) is skipped — so a crash between the two commits loses and doubles nothing.
actor SQLiteClickSpool {
    let path: String
    let spoolPath: String
    let configuration: Configuration
    /// How long a click batch waits for the database's write lock before it is spooled.
    static let lockWait: TimeInterval = 0.05
    /// After the lock was found held, batches do not wait for it for this long (they try
    /// it once, and go to the spool if it is still held).
    static let spoolFor: Duration = .milliseconds(500)
    /// Clicks moved in per batch written (bounds the time a drain adds to a redirect).
    static let chunk = 5_000

    private var main: DatabaseQueue?
    private var spool: DatabaseQueue?
    /// Unknown at first (an earlier run may have left clicks): checked on the first drain.
    private var mayHoldClicks = true
    /// Until when batches do not wait for the lock (it was held a moment ago).
    private var lockedUntil: ContinuousClock.Instant?

    init(path: String, configuration: Configuration) {
        self.path = path
        spoolPath = path + "-spool"
        var c = configuration
        c.busyMode = .timeout(Self.lockWait)
        self.configuration = c
    }

    private func mainConnection() throws -> DatabaseQueue {
        if let main { return main }
        let q = try DatabaseQueue(path: path, configuration: configuration)
        main = q
        return q
    }

    private func spoolConnection(create: Bool) throws -> DatabaseQueue? {
        if let spool { return spool }
        guard create || FileManager.default.fileExists(atPath: spoolPath) else { return nil }
        var c = configuration
        c.busyMode = .timeout(30)
        c.foreignKeysEnabled = false
        c.prepareDatabase { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        let q = try DatabaseQueue(path: spoolPath, configuration: c)
        try q.write { db in
            try db.execute(sql: """
                CREATE TABLE IF NOT EXISTS clicks (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT, link_code TEXT NOT NULL, clicked_at INTEGER NOT NULL,
                    visitor_hash TEXT NOT NULL, user_agent TEXT, agent_class TEXT, referrer TEXT, is_bot INTEGER NOT NULL,
                    occurrence INTEGER NOT NULL, day INTEGER NOT NULL, employee_id TEXT)
                """)
        }
        spool = q
        return q
    }

    static func isLocked(_ error: Error) -> Bool {
        guard let e = error as? DatabaseError else { return false }
        return e.resultCode == .SQLITE_BUSY || e.resultCode == .SQLITE_LOCKED
    }

    /// Commits `clicks` to the database, or to the spool while the database is locked.
    func record(_ clicks: [ClickRow], readOwners: @Sendable ([String]) async throws -> [String: String]) async throws {
        guard !clicks.isEmpty else { return }
        do {
            // just after the lock was found held, do not wait for it at all
            let waitMs: Int32 = lockedUntil.map { ContinuousClock.now < $0 } == true ? 0 : Int32(Self.lockWait * 1000)
            try await mainConnection().writeWithoutTransaction { db in
                sqlite3_busy_timeout(db.sqliteConnection, waitMs)
                try db.inTransaction(.immediate) {
                    let agent = try db.raw(ClickRow.agentSQL)
                    for a in ClickRow.agents(clicks) { try agent.runOnce(a) }
                    let st = try db.raw(ClickRow.insertSQL)
                    var counted = ClickDays.ServerClicks()
                    for c in clicks {
                        st.reset()
                        st.bind(c.values)
                        if try st.run() == 1, !c.isBot { counted.stored(link: .text(c.code), day: LocalDate(utcInstant: c.at).dayNumber) }
                    }
                    try counted.finish(db)
                    return .commit
                }
            }
            lockedUntil = nil
        } catch where Self.isLocked(error) {
            if lockedUntil == nil || ContinuousClock.now >= lockedUntil! { lockedUntil = ContinuousClock.now + Self.spoolFor }
            // the owner at click time, read from the last committed state (reads never wait)
            let owners = try await readOwners(Array(Set(clicks.map(\.code))))
            guard let spool = try spoolConnection(create: true) else { return }
            try await spool.write { db in
                let st = try db.raw("""
                    INSERT INTO clicks (link_code, clicked_at, visitor_hash, user_agent, agent_class, referrer, is_bot, occurrence, day, employee_id)
                    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
                    """)
                for c in clicks { try st.runOnce(c.values + [owners[c.code].map { .text($0) } ?? .null]) }
            }
            mayHoldClicks = true
            return
        }
        try await moveIn(all: false)
    }

    /// Moves spooled clicks into the database: one chunk, or all of them. Stops quietly when
    /// the database is locked (the next batch tries again).
    func moveIn(all: Bool) async throws {
        while mayHoldClicks {
            guard let spool = try spoolConnection(create: false) else { mayHoldClicks = false; return }
            let rows: [[StoreValue]] = try await spool.read { db in
                let st = try db.raw("""
                    SELECT link_code, clicked_at, visitor_hash, user_agent, agent_class, referrer, is_bot, occurrence, day, employee_id, seq
                    FROM clicks ORDER BY seq LIMIT \(Self.chunk)
                    """)
                var out: [[StoreValue]] = []
                while try st.step() { out.append(st.values(count: 11)) }
                return out
            }
            guard let last = rows.last?[10].int else { mayHoldClicks = false; return }
            do {
                try await mainConnection().write { db in
                    let agent = try db.raw(ClickRow.agentSQL)
                    for a in Set(rows.compactMap { $0[3].text }).sorted() { try agent.runOnce([.text(a)]) }
                    let st = try db.raw("""
                        INSERT INTO clicks (link_code, clicked_at, visitor_hash, agent_id, agent_class, referrer, is_bot, occurrence, day, employee_id, import_id)
                        VALUES (?1, ?2, ?3, (SELECT a.agent_id FROM user_agents a WHERE a.user_agent = ?4), ?5, ?6, ?7, ?8, ?9, ?10, 0)
                        ON CONFLICT (link_code, clicked_at, visitor_hash, occurrence) DO NOTHING
                        """)
                    var counted = ClickDays.ServerClicks()
                    for r in rows {
                        st.reset()
                        st.bind(Array(r.prefix(10)))
                        // moved in once: a click already there (an interrupted move) is not counted again
                        if try st.run() == 1, r[6].int == 0, let day = r[8].int { counted.stored(link: r[0], day: day) }
                    }
                    try counted.finish(db)
                }
            } catch where Self.isLocked(error) {
                return
            }
            try await spool.write { db in try db.execute(sql: "DELETE FROM clicks WHERE seq <= ?", arguments: [last]) }
            if !all { return }
        }
    }

    /// Spooled clicks not yet moved in (tests and status).
    func spooledCount() async throws -> Int {
        guard let spool = try spoolConnection(create: false) else { return 0 }
        return try await spool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM clicks") ?? 0 }
    }
}
