import EngageCore

/// Keeping `post_rollup` in step with the posts, written once for both engines (`SQLScript`,
/// run on the import's connection inside its transaction). Why the rollup exists: see
/// `PostRollup`.
enum RollupUpkeep {
    static let postColumns = "post_id, published_at, day, hour, type, rubric, likes, comments, shares, views, clicks, spend_cents, as_of"

    /// True when a stored post's lifetime totals were taken later than the incoming row's:
    /// an older export never overwrites a newer one (rows without a date always replace).
    static func keepsStored(_ stored: PostRow, over incoming: PostRow) -> Bool {
        guard let s = stored.asOf, let i = incoming.asOf else { return false }
        return s > i
    }

    /// A post's rollup inputs from `postColumns` starting at column `c` (its account given).
    static func post(_ r: any SQLRow, from c: Int = 0, accountID: String) throws -> PostRow {
        var p = PostRow(postID: try r.text(c), accountID: accountID, publishedAt: try r.int64(c + 1),
                        date: LocalDate(dayNumber: try r.int(c + 2)), hour: try r.int(c + 3))
        p.type = try r.optText(c + 4); p.rubric = try r.optText(c + 5)
        p.likes = try r.int(c + 6); p.comments = try r.int(c + 7); p.shares = try r.int(c + 8)
        p.views = try r.optInt(c + 9); p.clicks = try r.optInt(c + 10); p.spendCents = try r.optInt(c + 11)
        p.asOf = try r.optInt(c + 12).map(LocalDate.init(dayNumber:))
        return p
    }

    /// A stored post's account, import and rollup inputs, by id (`?1`): decode with `stored`.
    static let selectStoredPost = "SELECT account_id, import_id, \(postColumns) FROM posts"

    /// A row of `selectStoredPost`: the post and the import that wrote it.
    static func stored(_ r: any SQLRow) throws -> (post: PostRow, importID: Int) {
        (try post(r, from: 2, accountID: try r.text(0)), try r.int(1))
    }

    /// Adds an import's changes (deltas per account-day) to the stored days: the stored
    /// days of each chunk are read with one statement and written back with one.
    static func merge(_ script: SQLScript, _ changes: [(PostRollup.DayKey, RollupDay)], chunk: Int = 1000) {
        for start in stride(from: 0, to: changes.count, by: chunk) {
            let part = changes[start..<min(changes.count, start + chunk)]
            var stored: [PostRollup.DayKey: RollupDay] = [:]
            script.add("""
                WITH k(day, account_id) AS (VALUES \(SQLScript.tuples(count: part.count, width: 2, after: 0)))
                SELECT r.day, r.account_id, \(RollupDay.columns.split(separator: ",").map { "r." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", "))
                FROM k JOIN post_rollup r ON r.day = k.day AND r.account_id = k.account_id
                """, part.flatMap { [.int($0.0.day), .text($0.0.accountID)] },
                row: { r in stored[PostRollup.DayKey(day: try r.int(0), accountID: try r.text(1))] = try RollupDay(r, from: 2) },
                then: {
                    try write(script, part.map { k, delta in
                        guard var d = stored[k] else { return (k, delta.merged()) }
                        d.merge(delta)
                        return (k, d)
                    })
                })
        }
    }

    /// Stores whole days (replacing the stored ones); a day left without posts is deleted.
    /// A day past `Limits.maxDayTotal` refuses the import.
    static func write(_ script: SQLScript, _ days: [(PostRollup.DayKey, RollupDay)]) throws {
        for (k, d) in days { try DayTotalTooLarge.check(k, d) }
        script.addChunked(days.filter { $0.1.posts <= 0 }.map { [.int($0.0.day), .text($0.0.accountID)] }) { """
            WITH k(day, account_id) AS (VALUES \($0))
            DELETE FROM post_rollup WHERE (day, account_id) IN (SELECT day, account_id FROM k)
            """ }
        let names = RollupDay.columns.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        script.addEach("""
            INSERT INTO post_rollup (day, account_id, \(RollupDay.columns)) VALUES \(SQLScript.tuples(count: 1, width: names.count + 2, after: 0))
            ON CONFLICT (day, account_id) DO UPDATE SET \(names.map { "\($0) = excluded.\($0)" }.joined(separator: ", "))
            """, rows: days.filter { $0.1.posts > 0 }.map { [.int($0.0.day), .text($0.0.accountID)] + $0.1.values })
    }

    /// Rebuilds one account's rollup from its posts. With `recut`, the posts' local day and
    /// hour are first recomputed in the account's (new) time zone.
    static func rebuild(_ script: SQLScript, accountID: String, recut: Bool) {
        var clock: ZoneClock?
        if recut {
            script.add("SELECT timezone FROM accounts WHERE account_id = ?1", [.text(accountID)]) { r in clock = ZoneClock(identifier: try r.text(0)) }
        }
        var rollup = PostRollup()
        var moved: [[StoreValue]] = []
        script.add("SELECT \(postColumns) FROM posts WHERE account_id = ?1", [.text(accountID)],
                   row: { r in
                       var p = try post(r, accountID: accountID)
                       if clock != nil {
                           let l = clock!.local(p.publishedAt)
                           if l.date != p.date || l.hour != p.hour {
                               moved.append([.text(p.postID), .int(l.date.dayNumber), .int(l.hour)])
                               p.date = l.date
                               p.hour = l.hour
                           }
                       }
                       rollup.add(p)
                   },
                   then: {
                       script.addChunked(moved) {
                           "WITH k(post_id, day, hour) AS (VALUES \($0)) UPDATE posts SET day = k.day, hour = k.hour FROM k WHERE posts.post_id = k.post_id"
                       }
                       script.add("DELETE FROM post_rollup WHERE account_id = ?1", [.text(accountID)])
                       try write(script, rollup.changes)
                   })
    }
}
