import EngageCore
import Foundation
import GRDB
import GRDBSQLite
import Synchronization

/// One import's writes on the SQLite connection, inside the transaction `SQLiteStore`
/// opened. Rows are upserted by id; a row whose id this import already wrote is reported
/// as a duplicate (its `import_id` equals this import's).
final class SQLiteImportSession: ImportSession, @unchecked Sendable {
    let queue: DatabaseQueue
    let importID: Int
    private(set) var rowsWritten = 0
    private(set) var keptNewer = 0
    /// Accounts whose daily rows this import changed: their follower series are rebuilt.
    private var dailyTouched: Set<String> = []
    private var rollup = PostRollup()
    /// Accounts whose time zone changed: their posts' local days are recut at the end.
    private var retimed: Set<String> = []
    /// Days this import wrote clicks on: their `link_days` and `click_days` are recounted at the end.
    private var clickDays: Set<Int> = []
    /// Days recounted while the import ran (a log in time order), and whether it still is:
    /// once a batch writes to a recounted day, the rest waits for the end (exact either way:
    /// a day written again is in `clickDays` again).
    private var recountedDays: Set<Int> = []
    private var clicksInOrder = true
    /// Days recounted while the import runs: their clicks, copied out, are folded on another
    /// thread while the next batch is written; the groups are stored at the next batch (or
    /// at the end), in the order the days were copied.
    private var folding: [(days: ClosedRange<Int>, groups: Task<[(day: Int, groups: [ClickDayFold.Group])], Never>)] = []
    /// Where the folds run: a thread of their own, not one of Swift's few cooperative
    /// threads, where a fold would keep the import's writes from going on.
    private static let folds = DispatchQueue(label: "engage.click-days-fold")
    /// Most clicks copied out for one fold (~50 MB); days with more are recounted in place
    /// (tests lower it to take that path).
    static let foldLimit = Atomic<Int>(1_000_000)

    init(queue: DatabaseQueue, importID: Int) {
        self.queue = queue
        self.importID = importID
    }

    /// Runs a script on the import's connection, inside its transaction.
    private func run(_ script: SQLScript) async throws {
        try await queue.writeWithoutTransaction { db in try script.run(on: db) }
    }

    func knownAccounts() async throws -> [String: Account] {
        let script = SQLScript()
        let accounts = SocialReads.accounts(script)
        try await run(script)
        return Dictionary(accounts().map { ($0.accountID, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// Upserts rows with one statement whose conflict clause skips rows of this import;
    /// returns the indices that were skipped (duplicates).
    private func upsertAll<R: Sendable>(_ rows: [R], sql: String, bind: @escaping @Sendable (RawStatement, R) -> Void) async throws -> [Int] {
        let id = importID
        let dups: [Int] = try await queue.writeWithoutTransaction { db in
            try Self.upsertRows(db, rows, sql: sql) { st, r in
                bind(st, r)
                st.bind(1, id)
                return try st.run()
            }
        }
        rowsWritten += rows.count - dups.count
        return dups
    }

    /// The rows, each bound and run by `run` (which returns the rows it changed); returns the
    /// indices of those that changed none (duplicates).
    private static func upsertRows<R>(_ db: Database, _ rows: [R], sql: String, _ run: (RawStatement, R) throws -> Int) throws -> [Int] {
        let st = try db.raw(sql)
        var dups: [Int] = []
        // by index: a row is bound where it lies, not copied out first
        for i in rows.indices {
            st.reset()
            if try run(st, rows[i]) == 0 { dups.append(i) }
        }
        return dups
    }

    /// `INSERT … ON CONFLICT (key) DO UPDATE SET every column WHERE the row is from another import`.
    /// With `rows` rows of values: row r's values are `?(r × columns + 1)`….
    static func upsertSQL(_ table: String, key: [String], columns: [String], rows: Int = 1) -> String {
        let all = ["import_id"] + key + columns
        let values = (0..<rows).map { r in "(" + (1...all.count).map { "?\(r * all.count + $0)" }.joined(separator: ", ") + ")" }
        let sets = (columns + ["import_id"]).map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
        return "INSERT INTO \(table) (\(all.joined(separator: ", "))) VALUES \(values.joined(separator: ", ")) ON CONFLICT (\(key.joined(separator: ", "))) DO UPDATE SET \(sets) WHERE \(table).import_id <> excluded.import_id"
    }

    func upsert(accounts: [Account]) async throws -> [Int] {
        let known = try await knownAccounts()
        for a in accounts {
            if let old = known[a.accountID], old.timezone != a.timezone { retimed.insert(a.accountID) }
        }
        let sql = Self.upsertSQL("accounts", key: ["account_id"], columns: ["network", "name", "handle", "competitor", "timezone"])
        return try await upsertAll(accounts, sql: sql) { st, a in
            st.bind(2, a.accountID); st.bind(3, a.network); st.bind(4, a.name); st.bind(5, a.handle)
            st.bind(6, a.competitor); st.bind(7, a.timezone)
        }
    }

    func upsert(daily: [DailyRow]) async throws -> [Int] {
        for r in daily { dailyTouched.insert(r.accountID) }
        let sql = Self.upsertSQL("account_daily", key: ["account_id", "day"], columns: [
            "followers", "new_followers", "unfollows", "reach", "reach_organic", "reach_viral", "reach_paid",
            "impressions", "page_views", "unique_visitors", "engaged_users",
        ])
        return try await upsertAll(daily, sql: sql) { st, r in
            st.bind(2, r.accountID); st.bind(3, r.date.dayNumber); st.bind(4, r.followers); st.bind(5, r.newFollowers)
            st.bind(6, r.unfollows); st.bind(7, r.reach); st.bind(8, r.reachOrganic); st.bind(9, r.reachViral)
            st.bind(10, r.reachPaid); st.bind(11, r.impressions); st.bind(12, r.pageViews); st.bind(13, r.uniqueVisitors)
            st.bind(14, r.engagedUsers)
        }
    }

    func upsert(periods: [PeriodRow]) async throws -> [Int] {
        let sql = Self.upsertSQL("account_periods", key: ["account_id", "from_day", "to_day"], columns: [
            "reach", "reach_organic", "reach_viral", "reach_paid", "unique_visitors", "engaged_users",
        ])
        return try await upsertAll(periods, sql: sql) { st, r in
            st.bind(2, r.accountID); st.bind(3, r.period.from.dayNumber); st.bind(4, r.period.to.dayNumber)
            st.bind(5, r.reach); st.bind(6, r.reachOrganic); st.bind(7, r.reachViral); st.bind(8, r.reachPaid)
            st.bind(9, r.uniqueVisitors); st.bind(10, r.engagedUsers)
        }
    }

    func upsert(costs: [CostRow]) async throws -> [Int] {
        let sql = Self.upsertSQL("costs", key: ["day", "account_id", "note", "amount_cents", "occurrence"], columns: [])
        return try await upsertAll(costs, sql: sql) { st, r in
            st.bind(2, r.date.dayNumber); st.bind(3, r.accountID ?? ""); st.bind(4, r.note ?? "")
            st.bind(5, r.amountCents); st.bind(6, r.occurrence)
        }
    }

    func upsert(messages: [MessageRow]) async throws -> [Int] {
        let sql = Self.upsertSQL("messages", key: ["message_id"], columns: ["account_id", "received_at", "is_question", "replied_at"])
        return try await upsertAll(messages, sql: sql) { st, r in
            st.bind(2, r.messageID); st.bind(3, r.accountID); st.bind(4, r.receivedAt); st.bind(5, r.isQuestion)
            st.bind(6, r.repliedAt)
        }
    }

    func upsert(sessions: [SessionRow]) async throws -> [Int] {
        let sql = Self.upsertSQL("sessions", key: ["session_id"], columns: [
            "visitor_id", "started_at", "utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term",
            "referrer", "landing_page", "converted", "conversion_value_cents", "lead",
        ])
        return try await upsertAll(sessions, sql: sql) { st, r in
            st.bind(2, r.sessionID); st.bind(3, r.visitorID); st.bind(4, r.startedAt); st.bind(5, r.utmSource)
            st.bind(6, r.utmMedium); st.bind(7, r.utmCampaign); st.bind(8, r.utmContent); st.bind(9, r.utmTerm)
            st.bind(10, r.referrer); st.bind(11, r.landingPage); st.bind(12, r.converted)
            st.bind(13, r.conversionValueCents); st.bind(14, r.lead)
        }
    }

    func upsert(table: String, key: [String], columns: [String], rows: [[StoreValue]]) async throws -> [Int] {
        let sql = Self.upsertSQL(table, key: key, columns: columns)
        let id = importID
        // the import's id is ?1: the row's values are bound from ?2
        let run: @Sendable (Database) throws -> [Int] = { db in
            try Self.upsertRows(db, rows, sql: sql) { st, r in
                st.bind(r, from: 2)
                st.bind(1, id)
                return try st.run()
            }
        }
        let dups: [Int]
        if table == "clicks" {
            dups = try await writeClicks(days: ClickDays.days(of: rows, key: key, columns: columns), run)
        } else {
            dups = try await queue.writeWithoutTransaction(run)
        }
        rowsWritten += rows.count - dups.count
        return dups
    }

    /// Clicks written by one statement: SQLite's work per statement (reset, bindings, the
    /// program's start) shared by this many.
    static let clickChunk = 64

    func upsert(clicks: [ImportedClick]) async throws -> [Int] {
        try await storeAgents(clicks)
        let chunk = Self.clickChunk
        let one = Self.upsertSQL("clicks", key: ImportedClick.key, columns: ImportedClick.columns)
        let many = Self.upsertSQL("clicks", key: ImportedClick.key, columns: ImportedClick.columns, rows: chunk)
        let count = "SELECT COUNT(*) FROM clicks WHERE link_code = ?1 AND clicked_at = ?2 AND visitor_hash = ?3 AND import_id = ?4"
        var days: Set<Int> = []
        var last = Int.min
        for c in clicks where c.day != last {
            last = c.day
            days.insert(last)
        }
        let id = importID, keys = clicks.continuedKeys
        let dups = try await writeClicks(days: days) { db in
            // the clicks numbered on from what this import stored: how many it stored
            var stored: [ClickKey: Int] = [:]
            if !keys.isEmpty {
                let st = try db.raw(count)
                for k in keys {
                    st.reset()
                    st.bind(k.values + [.int(id)])
                    _ = try st.step()
                    stored[k] = st.int(0)
                }
            }
            // whole chunks: each click's key is new to this import (numbered so), so every
            // row of a chunk is written — a chunk that writes fewer is refused
            let whole = clicks.count / chunk * chunk
            if whole > 0 {
                let st = try db.raw(many)
                var texts = TextBindings()
                for start in stride(from: 0, to: whole, by: chunk) {
                    st.reset()
                    texts.removeAll()
                    for j in 0..<chunk { Self.bind(clicks[start + j], row: j, st, &texts, importID: id, stored: stored) }
                    let written = try texts.bound(to: st) { try st.run() }
                    guard written == chunk else { throw StoreError("clicks.csv: \(chunk - written) clicks repeat a key this import wrote") }
                }
            }
            let rest = Array(clicks[whole...])
            return try Self.upsertRows(db, rest, sql: one) { st, c in
                var texts = TextBindings()
                Self.bind(c, row: 0, st, &texts, importID: id, stored: stored)
                return try texts.bound(to: st) { try st.run() }
            }.map { $0 + whole }
        }
        rowsWritten += clicks.count - dups.count
        return dups
    }

    /// Binds `c` as row `row` of an upsert of clicks (its 11 values from `?(row × 11 + 1)`),
    /// its texts into `texts`.
    private static func bind(_ c: ImportedClick, row: Int, _ st: RawStatement, _ texts: inout TextBindings, importID: Int, stored: [ClickKey: Int]) {
        let at = Int32(row * 11), agentClass = c.agentClass
        st.bind(at + 1, importID); st.bind(at + 3, c.at); st.bind(at + 5, c.occurrence(after: stored)); st.bind(at + 6, c.agent?.id)
        st.bind(at + 9, agentClass.isBot); st.bind(at + 10, c.day)
        texts.add(at + 2, c.code); texts.add(at + 4, c.visitor); texts.add(at + 7, c.referrer)
        texts.add(at + 8, agentClass.rawValue); texts.add(at + 11, c.employeeID)
    }

    /// Writes a batch of clicks of `days` (`write`) and keeps the per-day click tables, in
    /// one visit to the database's thread: the days are recounted at the end of the import,
    /// or, for a log in time order, the days before this batch's are copied out now, folded
    /// on another thread while the next batch is read and written, and stored with it.
    private func writeClicks(days: Set<Int>, _ write: @escaping @Sendable (Database) throws -> [Int]) async throws -> [Int] {
        // a day written again after it was recounted: the log is not in time order
        if !days.isDisjoint(with: recountedDays) { clicksInOrder = false }
        clickDays.formUnion(days)
        var done: Set<Int> = []
        if clicksInOrder, let first = days.min() { done = clickDays.filter { $0 < first } }
        // the groups of the days folded since the last batch (normally ready by now)
        var folded: [(days: ClosedRange<Int>, groups: [(day: Int, groups: [ClickDayFold.Group])])] = []
        for f in folding { folded.append((f.days, await f.groups.value)) }
        folding.removeAll()
        let ranges = ClickDays.ranges(done), stored = folded
        let (dups, copies) = try await queue.writeWithoutTransaction { db in
            let dups = try write(db)
            for f in stored { try ClickDays.store(db, days: f.days, f.groups) }
            var copies: [DayClicks] = []
            for r in ranges {
                if let c = try ClickDays.copy(db, days: r, limit: Self.foldLimit.load(ordering: .relaxed)) { copies.append(c) } else { try ClickDays.recount(db, days: r) }
            }
            return (dups, copies)
        }
        for c in copies {
            folding.append((c.days, Task { await withCheckedContinuation { done in Self.folds.async { done.resume(returning: c.fold()) } } }))
        }
        clickDays.subtract(done)
        recountedDays.formUnion(done)
        return dups
    }

    /// Stores the groups of the days folded so far (`folding`), before anything recounts
    /// them again.
    private func storeFolded() async throws {
        let done = folding
        folding.removeAll()
        for f in done {
            let groups = await f.groups.value
            try await queue.writeWithoutTransaction { db in try ClickDays.store(db, days: f.days, groups) }
        }
    }

    func increment(table: String, key: [String], column: String, rows: [[StoreValue]]) async throws {
        let sql = Self.incrementSQL(table, key: key, column: column)
        try await queue.writeWithoutTransaction { db in
            let st = try db.raw(sql)
            for r in rows { try st.runOnce(r) }
        }
    }

    static func incrementSQL(_ table: String, key: [String], column: String) -> String {
        let all = key + [column]
        return "INSERT INTO \(table) (\(all.joined(separator: ", "))) VALUES (\((1...all.count).map { "?\($0)" }.joined(separator: ", "))) "
            + "ON CONFLICT (\(key.joined(separator: ", "))) DO UPDATE SET \(column) = \(table).\(column) + excluded.\(column)"
    }

    func knownKeys(table: String, column: String) async throws -> Set<String> {
        try await queue.writeWithoutTransaction { db in
            let st = try db.raw("SELECT DISTINCT \(column) FROM \(table) WHERE \(column) IS NOT NULL")
            var out: Set<String> = []
            while try st.step() { out.insert(st.text(0)) }
            return out
        }
    }

    func keyValues(table: String, key: String, value: String) async throws -> [String: String] {
        try await queue.writeWithoutTransaction { db in
            let st = try db.raw("SELECT \(key), \(value) FROM \(table) WHERE \(key) IS NOT NULL AND \(value) IS NOT NULL")
            var out: [String: String] = [:]
            while try st.step() { out[st.text(0)] = st.text(1) }
            return out
        }
    }

    func intern(table: String, id: String, value: String, values: [String]) async throws -> [String: Int] {
        try await queue.writeWithoutTransaction { db in
            let ins = try db.raw("INSERT INTO \(table) (\(value)) VALUES (?1) ON CONFLICT (\(value)) DO NOTHING")
            let sel = try db.raw("SELECT \(id) FROM \(table) WHERE \(value) = ?1")
            var out: [String: Int] = [:]
            for v in values {
                try ins.runOnce([.text(v)])
                sel.reset()
                sel.bind(1, v)
                guard try sel.step() else { throw StoreError("\(table): '\(v)' vanished during import") }
                out[v] = sel.int(0)
            }
            return out
        }
    }

    func ownRows(table: String, key: [String], keys: [[StoreValue]]) async throws -> [Int] {
        let id = importID
        return try await queue.writeWithoutTransaction { db in
            let where_ = key.enumerated().map { "\($1) = ?\($0 + 1)" }.joined(separator: " AND ")
            let st = try db.raw("SELECT COUNT(*) FROM \(table) WHERE \(where_) AND import_id = ?\(key.count + 1)")
            return try keys.map { k in
                st.reset()
                st.bind(k + [.int(id)])
                _ = try st.step()
                return st.int(0)
            }
        }
    }

    static let postColumns = ["account_id", "published_at", "day", "hour", "type", "rubric", "url", "text", "likes",
                              "comments", "shares", "saves", "views", "reach", "clicks", "spend_cents", "as_of"]

    /// Posts written by one statement when none of them is stored yet (the common case).
    static let postChunk = 64

    /// Posts: every row is added to the rollup (while SQLite writes the batch on its own
    /// thread); a known id from an earlier import is read back, updated, and its old values
    /// are subtracted from the rollup.
    ///
    /// Posts go 64 to a statement (`INSERT … ON CONFLICT DO NOTHING`) inside a savepoint:
    /// when all 64 are new they are written; when any is stored already the chunk is rolled
    /// back and its posts take the row-by-row path, which tells the duplicate, the kept and
    /// the replaced apart — and so do the next 15 chunks (a file imported again).
    func upsert(posts: [PostRow]) async throws -> [Int] {
        let id = importID
        let cols = Self.postColumns
        let width = cols.count + 2
        let marks = { (r: Int) in "(" + (1...width).map { "?\(r * width + $0)" }.joined(separator: ", ") + ")" }
        let head = "INSERT INTO posts (import_id, post_id, \(cols.joined(separator: ", "))) VALUES "
        let insertSQL = head + marks(0) + " ON CONFLICT (post_id) DO NOTHING"
        let chunk = Self.postChunk
        let manySQL = head + (0..<chunk).map(marks).joined(separator: ", ") + " ON CONFLICT (post_id) DO NOTHING"
        let updateSQL = "UPDATE posts SET import_id = ?1, \(cols.enumerated().map { "\($1) = ?\($0 + 3)" }.joined(separator: ", ")) WHERE post_id = ?2"
        let selectSQL = "\(RollupUpkeep.selectStoredPost) WHERE post_id = ?1"
        async let written: ([Int], [PostRow], [Int]) = queue.writeWithoutTransaction { db in
            let ins = try db.raw(insertSQL)
            var dups: [Int] = [], olds: [PostRow] = [], kept: [Int] = []
            var texts = TextBindings()
            func one(_ i: Int) throws {
                let p = posts[i]
                ins.reset()
                texts.removeAll()
                Self.bind(p, row: 0, ins, &texts, importID: id)
                if try texts.bound(to: ins, { try ins.run() }) == 1 { return }
                let sel = try db.raw(selectSQL)
                sel.bind(1, p.postID)
                guard try sel.step() else { throw StoreError("post \(p.postID) vanished during import") }
                let old = try RollupUpkeep.stored(SQLiteRow(st: sel))
                sel.reset()
                if old.importID == id {
                    dups.append(i)
                    return
                }
                if RollupUpkeep.keepsStored(old.post, over: p) {
                    kept.append(i)
                    return
                }
                olds.append(old.post)
                let upd = try db.raw(updateSQL)
                texts.removeAll()
                Self.bind(p, row: 0, upd, &texts, importID: id)
                try texts.bound(to: upd) { try upd.run() }
            }
            let whole = posts.count / chunk * chunk
            if whole > 0 {
                let many = try db.raw(manySQL)
                let save = try db.raw("SAVEPOINT engage_posts"), undo = try db.raw("ROLLBACK TO engage_posts"),
                    release = try db.raw("RELEASE engage_posts")
                var rowByRow = 0
                for start in stride(from: 0, to: whole, by: chunk) {
                    if rowByRow > 0 {
                        rowByRow -= 1
                        for i in start..<(start + chunk) { try one(i) }
                        continue
                    }
                    save.reset(); try save.run()
                    many.reset()
                    texts.removeAll()
                    for j in 0..<chunk { Self.bind(posts[start + j], row: j, many, &texts, importID: id) }
                    let n = try texts.bound(to: many) { try many.run() }
                    if n != chunk { undo.reset(); try undo.run() }
                    release.reset(); try release.run()
                    if n != chunk {
                        rowByRow = 15
                        for i in start..<(start + chunk) { try one(i) }
                    }
                }
            }
            for i in whole..<posts.count { try one(i) }
            return (dups, olds, kept)
        }
        for p in posts { rollup.add(p) }
        let (dups, olds, kept) = try await written
        for old in olds { rollup.add(old, sign: -1) }
        for i in kept { rollup.add(posts[i], sign: -1) }
        keptNewer += kept.count
        rowsWritten += posts.count - dups.count - kept.count
        return dups
    }

    /// Binds `p` as row `row` of an insert of posts (its 19 values from `?(row × 19 + 1)`:
    /// import, post id, then `postColumns`), its texts into `texts`.
    private static func bind(_ p: PostRow, row: Int, _ st: RawStatement, _ texts: inout TextBindings, importID: Int) {
        let at = Int32(row * (postColumns.count + 2))
        st.bind(at + 1, importID); texts.add(at + 2, p.postID); texts.add(at + 3, p.accountID); st.bind(at + 4, p.publishedAt)
        st.bind(at + 5, p.date.dayNumber); st.bind(at + 6, p.hour); texts.add(at + 7, p.type); texts.add(at + 8, p.rubric)
        texts.add(at + 9, p.url); texts.add(at + 10, p.text); st.bind(at + 11, p.likes); st.bind(at + 12, p.comments)
        st.bind(at + 13, p.shares); st.bind(at + 14, p.saves); st.bind(at + 15, p.views); st.bind(at + 16, p.reach)
        st.bind(at + 17, p.clicks); st.bind(at + 18, p.spendCents); st.bind(at + 19, p.asOf?.dayNumber)
    }

    func merge(daily: [DailyPatch]) async throws {
        for r in daily { dailyTouched.insert(r.accountID) }
        let script = SQLScript()
        DailyUpkeep.merge(script, daily, importID: importID)
        try await run(script)
    }

    func rebuildFollowers() async throws -> [String] {
        var notes: [String] = []
        guard !dailyTouched.isEmpty else { return notes }
        let script = SQLScript()
        DailyUpkeep.rebuildFollowers(script, accounts: dailyTouched.sorted()) { notes.append($0) }
        try await run(script)
        dailyTouched.removeAll()
        return notes
    }

    /// Merges the rollup changes and recuts retimed accounts; called once before commit.
    func finish() async throws {
        let script = SQLScript()
        RollupUpkeep.merge(script, rollup.changes.filter { !retimed.contains($0.0.accountID) })
        for accountID in retimed.sorted() { RollupUpkeep.rebuild(script, accountID: accountID, recut: true) }
        try await run(script)
        try await storeFolded()
        let days = clickDays
        if !days.isEmpty { try await queue.writeWithoutTransaction { db in try ClickDays.recount(db, days: days) } }
        rollup.removeAll()
        clickDays.removeAll()
        recountedDays.removeAll()
    }
}
