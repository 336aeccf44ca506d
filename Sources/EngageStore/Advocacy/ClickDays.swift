import EngageCore
import Foundation
import GRDB
import GRDBSQLite

/// The click tables by UTC day, and `link_days`.
///
/// **PostgreSQL** reads them from the clicks, through the partial indexes `clicks_link_day`
/// and `clicks_employee_day` (`liveSQL`), and `link_days` is a view.
///
/// **SQLite** keeps them, because an index on a click log costs more than the log: its clicks
/// are clustered on a time-led key (a log is appended, not scattered), and each further
/// B-tree doubles what SQLite does per click (BENCHMARKS.md). So:
/// - `link_days`: human clicks per link and day, the links' totals and the days a link was
///   clicked. A click the server stores adds one to its link and day in the same transaction
///   (the spool moves a click in once, adding one only when it is new).
/// - `click_days`: the click tables' groups — clicks and distinct visitors per (kind, day,
///   key), the kind being a link, an advocate, or advocate-versus-brand links. Distinct
///   visitors cannot be added to, so a server click marks its day dirty instead
///   (`click_dirty_days`, in its transaction), and a dirty day is read from the clicks
///   (one day: one range of the time-led key). The server settles past dirty days
///   (`settle`, hourly with the months of PostgreSQL); today stays dirty while clicks come.
/// - An import, which may replace clicks stored before, recounts both tables for the days it
///   wrote before it commits (`recount`: one pass over the days' clicks in key order); a
///   prune drops the days before its cut and recounts the day it cuts into.
/// SQLite has one writer: nothing races.
enum ClickDays {
    /// Clicks stored by the server: `?1` link, `?2` day, `?3` how many (one batch's).
    static let addSQL = """
        INSERT INTO link_days (link_code, day, clicks) VALUES (?1, ?2, ?3)
        ON CONFLICT (link_code, day) DO UPDATE SET clicks = link_days.clicks + excluded.clicks
        """

    /// A day with human clicks from the server since it was last counted: `?1` day.
    static let dirtySQL = "INSERT OR IGNORE INTO click_dirty_days (day) VALUES (?1)"

    /// What the server's stored clicks add, inside their transaction: their count to their
    /// link and day in `link_days`, and their days marked dirty — once per link and day of a
    /// batch (`finish`), not once per click (a busy link's batch is one upsert).
    struct ServerClicks {
        private struct LinkDay: Hashable { let link: StoreValue; let day: Int }
        private var counts: [LinkDay: Int] = [:]

        init() {}

        /// A human click that was new (a click already stored is not counted again).
        mutating func stored(link: StoreValue, day: Int) {
            // a batch holds at most a few thousand clicks: no count comes near Int.max
            counts[LinkDay(link: link, day: day), default: 0] += 1
        }

        func finish(_ db: Database) throws {
            guard !counts.isEmpty else { return }
            let add = try db.raw(ClickDays.addSQL)
            // in key order: the same batch writes the same pages in the same order
            for (k, n) in counts.sorted(by: { ($0.key.link.text ?? "", $0.key.day) < ($1.key.link.text ?? "", $1.key.day) }) {
                try add.runOnce([k.link, .int(k.day), .int(n)])
            }
            let dirty = try db.raw(ClickDays.dirtySQL)
            for d in Set(counts.keys.map(\.day)).sorted() { try dirty.runOnce([.int(d)]) }
        }
    }

    /// The key of a group of each kind, as the clicks give it.
    static func keySQL(_ kind: ClickDayKind) -> String {
        switch kind {
        case .link: "link_code"
        case .employee: "employee_id"
        case .linkKind: "CASE WHEN employee_id IS NULL THEN '0' ELSE '1' END"
        }
    }

    /// The `(day, key, visitor)` rows of the kind's groups for days `?1…?2` (and, for one
    /// link, `?3` the link, `?4…?5` the instants of those days), in group order, read from
    /// the clicks (`Store.dailyDistinct`).
    static func liveSQL(_ kind: ClickDayKind, link: String?, days: ClosedRange<Int>) -> (sql: String, binds: [StoreValue]) {
        var binds: [StoreValue] = [.int(days.lowerBound), .int(days.upperBound)]
        var condition = "is_bot = 0 AND day BETWEEN ?1 AND ?2"
        if kind == .employee { condition += " AND employee_id IS NOT NULL" }
        if let link {
            // through the clicks' key where it leads with the link (PostgreSQL)
            condition += " AND link_code = ?3 AND clicked_at >= ?4 AND clicked_at < ?5"
            binds += [.text(link), .int(start(days.lowerBound)), .int(start(days.upperBound) + 86_400)]
        }
        let key = keySQL(kind)
        return ("SELECT day, \(key), visitor_hash FROM clicks WHERE \(condition) ORDER BY day, \(key), visitor_hash", binds)
    }

    /// The first instant of UTC day `day`; days beyond any clock (a damaged file's) are
    /// clamped to ±2^40 days, so that no day number can trap the arithmetic.
    static func start(_ day: Int) -> Int {
        min(max(day, -(1 << 40)), 1 << 40) * 86_400
    }

    /// The days in ranges of consecutive days (an import's days: a few ranges, not a list).
    static func ranges<S: Sequence<Int>>(_ days: S) -> [ClosedRange<Int>] {
        var out: [ClosedRange<Int>] = []
        for d in days.sorted() {
            if let last = out.last, d <= last.upperBound || d == last.upperBound &+ 1 { out[out.count - 1] = last.lowerBound...max(d, last.upperBound) } else { out.append(d...d) }
        }
        return out
    }

    /// The clicks' day column among an upsert's columns (after the key), for `recount`.
    static func days(of rows: [[StoreValue]], key: [String], columns: [String]) -> Set<Int> {
        guard let i = columns.firstIndex(of: "day") else { return [] }
        return Set(rows.compactMap { $0[key.count + i].int })
    }

    // MARK: SQLite

    /// Folds the human clicks of `days` in key order, a day at a time, into the groups of
    /// every kind; `emit` gets each day's groups (memory: one day's distinct keys and
    /// visitors).
    static func fold(_ db: Database, days: ClosedRange<Int>, _ emit: (Int, [ClickDayFold.Group]) throws -> Void) throws {
        var fold = ClickDayFold()
        try scan(db, days: days) { day, link, visitor, employee in try fold.add(day: day, link: link, visitor: visitor, employee: employee, emit) }
        try fold.finish(emit)
    }

    /// The human clicks of `days` in key order, as (day, link, visitor, employee) bytes valid
    /// only inside `body`.
    static func scan(_ db: Database, days: ClosedRange<Int>,
                     _ body: (Int, UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>?) throws -> Void) throws {
        let st = try db.raw("""
            SELECT day, link_code, visitor_hash, employee_id FROM clicks
            WHERE clicked_at >= ?1 AND clicked_at < ?2 AND is_bot = 0 AND day IS NOT NULL
            """)
        st.bind([.int(start(days.lowerBound)), .int(start(days.upperBound) + 86_400)])
        while try st.step() {
            let d = st.int(0)
            try st.withText(1) { link in
                try st.withText(2) { visitor in
                    if sqlite3_column_type(st.handle, 3) == SQLITE_NULL {
                        try body(d, link, visitor, nil)
                    } else {
                        try st.withText(3) { try body(d, link, visitor, $0) }
                    }
                }
            }
        }
    }

    /// The human clicks of `days`, copied out (`scan`) to be folded away from the database's
    /// thread (`DayClicks.fold`), then stored with `store`; nil when they are more than
    /// `limit` (the copy's memory is bounded: such days are recounted where they lie).
    static func copy(_ db: Database, days: ClosedRange<Int>, limit: Int) throws -> DayClicks? {
        struct Full: Error {}
        var out = DayClicks(days: days)
        do {
            try scan(db, days: days) { day, link, visitor, employee in
                if out.count >= limit { throw Full() }
                out.append(day: day, link: link, visitor: visitor, employee: employee)
            }
        } catch is Full {
            return nil
        }
        return out
    }

    /// Replaces the click tables of `days` by `groups` (each day's, as a fold gives them);
    /// the days are no longer dirty. Inside the caller's write transaction.
    static func store(_ db: Database, days: ClosedRange<Int>, _ groups: [(day: Int, groups: [ClickDayFold.Group])]) throws {
        try clear(db, days: days)
        for (day, g) in groups { try insert(db, day: day, g) }
    }

    private static func clear(_ db: Database, days r: ClosedRange<Int>) throws {
        let b: StatementArguments = [r.lowerBound, r.upperBound]
        try db.execute(sql: "DELETE FROM link_days WHERE day BETWEEN ? AND ?", arguments: b)
        try db.execute(sql: "DELETE FROM click_days WHERE kind IN (0, 1, 2) AND day BETWEEN ? AND ?", arguments: b)
        try db.execute(sql: "DELETE FROM click_dirty_days WHERE day BETWEEN ? AND ?", arguments: b)
    }

    private static func insert(_ db: Database, day: Int, _ groups: [ClickDayFold.Group]) throws {
        let link = try db.raw("INSERT INTO link_days (link_code, day, clicks) VALUES (?1, ?2, ?3)")
        let group = try db.raw("INSERT INTO click_days (kind, day, key, clicks, visitors) VALUES (?1, ?2, ?3, ?4, ?5)")
        for g in groups {
            try group.runOnce([.int(g.kind.rawValue), .int(day), .text(g.key), .int(g.clicks), .int(g.visitors)])
            if g.kind == .link { try link.runOnce([.text(g.key), .int(day), .int(g.clicks)]) }
        }
    }

    /// Recounts `link_days` and `click_days` for `days` from the stored clicks; the days are
    /// no longer dirty. Inside the caller's write transaction.
    static func recount<S: Sequence<Int>>(_ db: Database, days: S) throws {
        for r in ranges(days) {
            try clear(db, days: r)
            try fold(db, days: r) { day, groups in try insert(db, day: day, groups) }
        }
    }

    /// The days with clicks from the server since they were counted, before `day`, recounted.
    static func settle(_ db: Database, before day: Int) throws {
        try recount(db, days: Int.fetchAll(db, sql: "SELECT day FROM click_dirty_days WHERE day < ?", arguments: [day]))
    }

    /// After clicks before `cut` were removed: the days before its day go, its day is recounted.
    static func pruned(_ db: Database, before cut: Int64) throws {
        let day = LocalDate(utcInstant: cut).dayNumber
        for table in ["link_days", "click_days", "click_dirty_days"] {
            try db.execute(sql: "DELETE FROM \(table) WHERE day < ?", arguments: [day])
        }
        try recount(db, days: [day])
    }

    /// The kind's groups of `days` (only `link`'s, for one link): kept days from `click_days`,
    /// dirty days folded from the clicks, in (day, key) order. In one read transaction.
    static func read(_ db: Database, _ kind: ClickDayKind, days: ClosedRange<Int>, link: String?) throws -> [DailyDistinct] {
        let dirty = try Int.fetchAll(db, sql: "SELECT day FROM click_dirty_days WHERE day BETWEEN ? AND ? ORDER BY day",
                                     arguments: [days.lowerBound, days.upperBound])
        let skip = Set(dirty)
        var out: [DailyDistinct] = []
        let st: RawStatement
        if let link {
            // the days the link was clicked (`link_days`), then each day's group
            st = try db.raw("""
                SELECT d.day, c.key, c.clicks, c.visitors FROM link_days d
                JOIN click_days c ON c.kind = ?1 AND c.day = d.day AND c.key = d.link_code
                WHERE d.link_code = ?4 AND d.day BETWEEN ?2 AND ?3 ORDER BY d.day
                """)
            st.bind([.int(kind.rawValue), .int(days.lowerBound), .int(days.upperBound), .text(link)])
        } else {
            st = try db.raw("SELECT day, key, clicks, visitors FROM click_days WHERE kind = ?1 AND day BETWEEN ?2 AND ?3 ORDER BY day, key")
            st.bind([.int(kind.rawValue), .int(days.lowerBound), .int(days.upperBound)])
        }
        while try st.step() {
            let day = st.int(0)
            if skip.contains(day) { continue }
            out.append(DailyDistinct(day: day, key: st.text(1), rows: st.int(2), distinct: st.int(3)))
        }
        guard !dirty.isEmpty else { return out }
        for r in ranges(dirty) {
            try fold(db, days: r) { day, groups in
                for g in groups where g.kind == kind && (link == nil || g.key == link) {
                    out.append(DailyDistinct(day: day, key: g.key, rows: g.clicks, distinct: g.visitors))
                }
            }
        }
        // keys in byte order, as SQLite's BINARY collation gives them
        out.sort { $0.day != $1.day ? $0.day < $1.day : $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        return out
    }
}

/// One UTC day's human clicks folded into the click tables' groups, fed in any order.
/// Text is interned per day (`ByteInterner`), groups and (group, visitor) pairs are found
/// through `IndexTable`s: no `String` per click.
struct ClickDayFold {
    struct Group {
        var kind: ClickDayKind
        var key: String
        var clicks: Int
        var visitors: Int
    }

    private var names = ByteInterner()
    /// Per kind: the group's position by its key's id (linkKind: 0 brand, 1 advocate).
    private var index = [IndexTable](repeating: IndexTable(capacity: 64), count: 3)
    private var keys: [[Int32]] = [[], [], []]
    private var clicks: [[Int]] = [[], [], []]
    private var visitors: [[Int]] = [[], [], []]
    /// (kind, group, visitor) seen this day.
    private var seen = IndexTable(capacity: 1024)
    /// The day being folded (`add(day:…)`).
    private var day: Int?

    /// A click of `day`, the clicks given in day order: the day before it is emitted first.
    mutating func add(day d: Int, link: UnsafeBufferPointer<UInt8>, visitor: UnsafeBufferPointer<UInt8>, employee: UnsafeBufferPointer<UInt8>?,
                      _ emit: (Int, [Group]) throws -> Void) rethrows {
        if d != day {
            if let c = day { try emit(c, flush()) }
            day = d
        }
        add(link: link, visitor: visitor, employee: employee)
    }

    /// Emits the last day's groups.
    mutating func finish(_ emit: (Int, [Group]) throws -> Void) rethrows {
        if let c = day { try emit(c, flush()) }
        day = nil
    }

    mutating func add(link: UnsafeBufferPointer<UInt8>, visitor: UnsafeBufferPointer<UInt8>, employee: UnsafeBufferPointer<UInt8>?) {
        let v: Int32 = visitor.isEmpty ? -1 : names.id(visitor)
        count(0, key: names.id(link), visitor: v)
        if let employee {
            count(1, key: names.id(employee), visitor: v)
            count(2, key: 1, visitor: v)
        } else {
            count(2, key: 0, visitor: v)
        }
    }

    private mutating func count(_ kind: Int, key: Int32, visitor: Int32) {
        let (g, inserted) = index[kind].index(of: UInt64(UInt32(bitPattern: key)), next: keys[kind].count)
        if inserted {
            keys[kind].append(key)
            clicks[kind].append(0)
            visitors[kind].append(0)
        }
        clicks[kind][g] += 1
        // an empty visitor is no one's: counted as a click, not as a visitor
        guard visitor >= 0 else { return }
        // group and visitor ids are below 2^31 (IndexTable and ByteInterner hold fewer)
        let pair = UInt64(kind) << 62 | UInt64(g) << 31 | UInt64(visitor)
        if seen.index(of: pair, next: 0).inserted { visitors[kind][g] += 1 }
    }

    /// The day's groups (every kind), and an empty fold for the next day.
    mutating func flush() -> [Group] {
        var out: [Group] = []
        for k in 0..<3 {
            let kind = ClickDayKind(rawValue: k)!
            for g in keys[k].indices {
                let key = kind == .linkKind ? String(keys[k][g]) : names.string(keys[k][g])
                out.append(Group(kind: kind, key: key, clicks: clicks[k][g], visitors: visitors[k][g]))
            }
        }
        let size = max(1024, seen.count), d = day
        self = ClickDayFold()
        seen = IndexTable(capacity: size)
        day = d
        return out
    }
}

/// Human clicks of some days copied out of the database as bytes (`ClickDays.copy`), to be
/// folded on another thread while the database goes on writing.
struct DayClicks: Sendable {
    let days: ClosedRange<Int>
    private var bytes: [UInt8] = []
    /// Per click: its day, and where its link, visitor and employee end in `bytes` (an
    /// employee ending where the visitor does, with `hasEmployee` false, is none).
    private var rows: [(day: Int, link: Int, visitor: Int, employee: Int, hasEmployee: Bool)] = []

    init(days: ClosedRange<Int>) { self.days = days }

    var count: Int { rows.count }

    mutating func append(day: Int, link: UnsafeBufferPointer<UInt8>, visitor: UnsafeBufferPointer<UInt8>, employee: UnsafeBufferPointer<UInt8>?) {
        bytes.append(contentsOf: link)
        let l = bytes.count
        bytes.append(contentsOf: visitor)
        let v = bytes.count
        if let employee { bytes.append(contentsOf: employee) }
        rows.append((day, l, v, bytes.count, employee != nil))
    }

    /// Each day's groups, as `ClickDays.fold` gives them from the database.
    func fold() -> [(day: Int, groups: [ClickDayFold.Group])] {
        var out: [(day: Int, groups: [ClickDayFold.Group])] = []
        var fold = ClickDayFold()
        bytes.withUnsafeBufferPointer { b in
            var start = 0
            for r in rows {
                let link = UnsafeBufferPointer(rebasing: b[start..<r.link])
                let visitor = UnsafeBufferPointer(rebasing: b[r.link..<r.visitor])
                let employee = r.hasEmployee ? UnsafeBufferPointer(rebasing: b[r.visitor..<r.employee]) : nil
                fold.add(day: r.day, link: link, visitor: visitor, employee: employee) { out.append(($0, $1)) }
                start = r.employee
            }
            fold.finish { out.append(($0, $1)) }
        }
        return out
    }
}
