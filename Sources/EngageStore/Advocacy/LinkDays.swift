import EngageCore

/// `link_days`: human clicks per tracked link and UTC day, the links' totals and the days a
/// link was clicked without reading its clicks. SQLite's clicks are ordered by time (a log is
/// appended, not scattered), so a link's clicks lie all over the table; this small table is
/// what the links listing, a link's page and the advocate's page read. (On PostgreSQL the
/// clicks' key leads with the link, and `link_days` is a view over it: nothing to keep.)
///
/// Kept exact on SQLite two ways: a click the server stores adds one to its link and day in
/// the same transaction (the spool moves a click in once, adding one only when it is new); an
/// import, which may replace clicks it had stored before, recounts the days it wrote from the
/// day-led index `clicks_link_day` before it commits (`recount`). Pruning removes the days it
/// removes and recounts the day it cuts into. SQLite has one writer: nothing races.
enum LinkDays {
    /// One click stored by the server: `?1` link, `?2` day.
    static let addSQL = """
        INSERT INTO link_days (link_code, day, clicks) VALUES (?1, ?2, 1)
        ON CONFLICT (link_code, day) DO UPDATE SET clicks = link_days.clicks + 1
        """

    /// The days in ranges of consecutive days (an import's days: a few ranges, not a list).
    static func ranges(_ days: Set<Int>) -> [ClosedRange<Int>] {
        var out: [ClosedRange<Int>] = []
        for d in days.sorted() {
            if let last = out.last, last.upperBound + 1 == d { out[out.count - 1] = last.lowerBound...d } else { out.append(d...d) }
        }
        return out
    }

    /// Recounts the days `days` from the stored clicks.
    static func recount(_ script: SQLScript, days: Set<Int>) {
        for r in ranges(days) {
            let b: [StoreValue] = [.int(r.lowerBound), .int(r.upperBound)]
            script.add("DELETE FROM link_days WHERE day BETWEEN ?1 AND ?2", b)
            script.add("""
                INSERT INTO link_days (link_code, day, clicks)
                SELECT link_code, day, COUNT(*) FROM clicks WHERE is_bot = 0 AND day BETWEEN ?1 AND ?2 GROUP BY day, link_code
                """, b)
        }
    }

    /// After clicks before `cut` were removed: the days before its day go, its day is recounted.
    static func pruned(_ script: SQLScript, before cut: Int64) {
        let day = LocalDate(utcInstant: cut).dayNumber
        script.add("DELETE FROM link_days WHERE day < ?1", [.int(day)])
        recount(script, days: [day])
    }

    /// The clicks' day column among an upsert's columns (after the key), for `recount`.
    static func days(of rows: [[StoreValue]], key: [String], columns: [String]) -> Set<Int> {
        guard let i = columns.firstIndex(of: "day") else { return [] }
        return Set(rows.compactMap { $0[key.count + i].int })
    }
}
