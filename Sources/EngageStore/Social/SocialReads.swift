import EngageCore

/// The social report's reads, written once for both engines (`SQLScript`): each adds its
/// statements to a script and returns what to read off when the script has run.
enum SocialReads {
    /// Every account, own accounts first, by id.
    static func accounts(_ script: SQLScript, then: (([Account]) throws -> Void)? = nil) -> () -> [Account] {
        var out: [Account] = []
        script.add("SELECT account_id, network, name, handle, competitor, timezone, archived_at FROM accounts ORDER BY competitor, account_id COLLATE BINARY",
                   row: { r in
                       var a = Account(accountID: try r.text(0), network: try r.text(1), name: try r.optText(2), handle: try r.optText(3),
                                       competitor: try r.int(4) != 0, timezone: try r.text(5))
                       a.archived = try r.optInt(6) != nil
                       out.append(a)
                   },
                   then: { try then?(out) })
        return { out }
    }

    /// Per-account aggregates over a period (see `Store.accountFigures`).
    static func accountFigures(_ script: SQLScript, period: Period, only: Set<String>?) -> () -> [String: AccountFigures] {
        var out: [String: AccountFigures] = [:]
        let range: [StoreValue] = [.int(period.from.dayNumber), .int(period.to.dayNumber)]
        _ = accounts(script) { all in
            let accounts = all.filter { only?.contains($0.accountID) ?? true }
            for a in accounts { out[a.accountID] = AccountFigures() }

            // Followers: every snapshot in the period and the latest one before it (as-of).
            var snaps: [String: [(LocalDate, Int)]] = [:]
            script.add("""
                SELECT account_id, day, followers FROM account_daily WHERE day BETWEEN ?1 AND ?2 AND followers IS NOT NULL
                UNION ALL
                SELECT d.account_id, d.day, d.followers FROM account_daily d
                JOIN (SELECT account_id, MAX(day) AS day FROM account_daily WHERE day < ?1 AND followers IS NOT NULL GROUP BY account_id) m
                  ON m.account_id = d.account_id AND m.day = d.day
                """, range,
                row: { r in snaps[try r.text(0), default: []].append((LocalDate(dayNumber: try r.int(1)), try r.int(2))) },
                then: { for (id, s) in snaps where out[id] != nil { out[id]!.followers = FollowerSeries(s) } })

            // Daily sums (nil when no day of the period has a value).
            script.add("""
                SELECT account_id, CAST(SUM(new_followers) AS BIGINT), CAST(SUM(unfollows) AS BIGINT), CAST(SUM(reach) AS BIGINT),
                       CAST(SUM(reach_organic) AS BIGINT), CAST(SUM(reach_viral) AS BIGINT), CAST(SUM(reach_paid) AS BIGINT),
                       CAST(SUM(unique_visitors) AS BIGINT), CAST(SUM(engaged_users) AS BIGINT), CAST(SUM(impressions) AS BIGINT)
                FROM account_daily WHERE day BETWEEN ?1 AND ?2 GROUP BY account_id
                """, range) { r in
                let id = try r.text(0)
                guard var f = out[id] else { return }
                f.newFollowers = try r.optInt(1); f.unfollows = try r.optInt(2); f.reach = try r.optInt(3)
                f.reachOrganic = try r.optInt(4); f.reachViral = try r.optInt(5); f.reachPaid = try r.optInt(6)
                f.uniqueVisitors = try r.optInt(7); f.engagedUsers = try r.optInt(8); f.impressions = try r.optInt(9)
                out[id] = f
            }

            // Network-reported totals for exactly this period replace the summed daily figures,
            // each figure independently: the network's own total where it gave one.
            script.add("""
                SELECT account_id, reach, reach_organic, reach_viral, reach_paid, unique_visitors, engaged_users
                FROM account_periods WHERE from_day = ?1 AND to_day = ?2
                """, range) { r in
                let id = try r.text(0)
                guard var f = out[id] else { return }
                if let v = try r.optInt(1) { f.reach = v; f.reachFromNetworkPeriod = true }
                if let v = try r.optInt(2) { f.reachOrganic = v }
                if let v = try r.optInt(3) { f.reachViral = v }
                if let v = try r.optInt(4) { f.reachPaid = v }
                if let v = try r.optInt(5) { f.uniqueVisitors = v; f.uniqueVisitorsFromNetworkPeriod = true }
                if let v = try r.optInt(6) { f.engagedUsers = v }
                out[id] = f
            }

            // Posts, from the per-day rollup.
            script.add("SELECT account_id, day, \(RollupDay.columns) FROM post_rollup WHERE day BETWEEN ?1 AND ?2 ORDER BY day, account_id COLLATE BINARY",
                       range) { r in
                let id = try r.text(0)
                guard out[id] != nil else { return }
                try out[id]!.add(try RollupDay(r, from: 2, slices: false), date: LocalDate(dayNumber: try r.int(1)))
            }

            // Costs dated in the period.
            script.add("SELECT account_id, CAST(SUM(amount_cents) AS BIGINT) FROM costs WHERE account_id <> '' AND day BETWEEN ?1 AND ?2 GROUP BY account_id",
                       range) { r in
                let id = try r.text(0)
                guard out[id] != nil else { return }
                try Checked.add(&out[id]!.spendCents, try r.int(1), "spend")
            }

            // Audience questions received in the period, each account's in its own local days.
            var periods: [[StoreValue]] = []
            for a in accounts {
                guard var clock = ZoneClock(identifier: a.timezone) else { continue }
                periods.append([.text(a.accountID), .int(Int(clock.startOfDay(period.from))), .int(Int(clock.startOfDay(period.to.adding(days: 1))))])
            }
            script.addChunked(periods, { """
                WITH k(account_id, from_at, to_at) AS (VALUES \($0))
                SELECT m.account_id, m.received_at, m.replied_at FROM k
                JOIN messages m ON m.account_id = k.account_id AND m.received_at >= k.from_at AND m.received_at < k.to_at
                WHERE m.is_question <> 0
                """ }) { r in
                let id = try r.text(0)
                guard out[id] != nil else { return }
                out[id]!.questions += 1
                let received = try r.int64(1)
                if let replied = try r.optInt64(2), replied >= received {
                    out[id]!.answeredQuestions += 1
                    out[id]!.responseTimes.append(Double(replied - received))
                }
            }
        }
        return { out }
    }

    /// ER Post accumulated per account, slice dimension and value (see `Store.postSlices`).
    /// The encoded slices are walked in the engine's buffer, with no string per line.
    static func postSlices(_ script: SQLScript, period: Period, only: Set<String>?, followers: [String: FollowerSeries])
        -> () -> [String: [SliceDimension: [String: ERPostAccumulator]]]
    {
        struct Key: Hashable { var account: Int, dim: Int, value: String }
        var accountIDs: [String] = [], accountIndex: [String: Int] = [:]
        var acc: [Key: ERPostAccumulator] = [:]
        let empty = FollowerSeries()
        script.add("SELECT account_id, day, slices FROM post_rollup WHERE day BETWEEN ?1 AND ?2 ORDER BY day, account_id COLLATE BINARY",
                   [.int(period.from.dayNumber), .int(period.to.dayNumber)]) { r in
            let id = try r.text(0)
            if let only, !only.contains(id) { return }
            let a: Int
            if let i = accountIndex[id] { a = i } else { a = accountIDs.count; accountIDs.append(id); accountIndex[id] = a }
            let date = LocalDate(dayNumber: try r.int(1))
            let series = followers[id] ?? empty
            try r.withText(2) { buf in
                RollupDay.forEachSlice(buf) { dim, value, posts, engagements in
                    acc[Key(account: a, dim: dim, value: value), default: ERPostAccumulator()]
                        .add(DayPosts(date: date, posts: posts, engagements: engagements), followers: series)
                }
            }
        }
        return {
            var out: [String: [SliceDimension: [String: ERPostAccumulator]]] = [:]
            for (k, v) in acc {
                guard let dim = SliceDimension(rawValue: k.dim) else { continue }
                out[accountIDs[k.account], default: [:]][dim, default: [:]][k.value] = v
            }
            return out
        }
    }

    /// Each account's `limit` posts with the largest reach (ties: engagements, earlier, id):
    /// the index-backed query of one account, run for each.
    static func topPosts(_ script: SQLScript, accountIDs: [String], period: Period, limit: Int) -> () -> [String: [PostRecord]] {
        var out: [String: [PostRecord]] = [:]
        for id in accountIDs { out[id] = [] }
        script.addEach("""
            SELECT post_id, published_at, day, type, rubric, url, likes, comments, shares, views, reach FROM posts
            WHERE account_id = ?1 AND day BETWEEN ?2 AND ?3 AND reach IS NOT NULL
            ORDER BY reach DESC, likes + comments + shares DESC, published_at, post_id COLLATE BINARY LIMIT ?4
            """, rows: accountIDs.map { [.text($0)] }, binds: [.int(period.from.dayNumber), .int(period.to.dayNumber), .int(limit)]) { i, r in
            out[accountIDs[i], default: []].append(PostMetrics(
                postID: try r.text(0), publishedAt: try r.int64(1), date: LocalDate(dayNumber: try r.int(2)),
                type: try r.optText(3), rubric: try r.optText(4), url: try r.optText(5), likes: try r.int(6),
                comments: try r.int(7), shares: try r.int(8), views: try r.optInt(9), reach: try r.optInt(10), followers: nil))
        }
        return { out }
    }

    /// A session's columns (table `s`), the last one 1 when it is its visitor's first
    /// (ties in time broken by the byte-wise smaller session id).
    static let sessionColumns = """
        s.session_id, s.visitor_id, s.started_at, s.utm_source, s.utm_medium, s.referrer, s.landing_page, s.converted,
        s.conversion_value_cents, s.lead,
        CASE WHEN EXISTS (SELECT 1 FROM sessions p WHERE p.visitor_id = s.visitor_id
                          AND (p.started_at < s.started_at OR (p.started_at = s.started_at AND p.session_id < s.session_id COLLATE BINARY)))
             THEN 0 ELSE 1 END
        """

    static func session(_ r: any SQLRow) throws -> SessionRecord {
        SessionRecord(sessionID: try r.text(0), visitorID: try r.text(1), startedAt: try r.int64(2),
                      utmSource: try r.optText(3), utmMedium: try r.optText(4), referrer: try r.optText(5),
                      landingPage: try r.optText(6), converted: try r.int(7) != 0,
                      conversionValue: try r.optInt(8).map { Double($0) / 100 }, lead: try r.int(9) != 0,
                      isFirstOfVisitor: try r.int(10) != 0)
    }

    /// Sessions started in `[fromUTC, toUTC)`, in time order.
    static func sessions(_ script: SQLScript, fromUTC: Int64, toUTC: Int64) -> () -> [SessionRecord] {
        var out: [SessionRecord] = []
        script.add("SELECT \(sessionColumns) FROM sessions s WHERE s.started_at >= ?1 AND s.started_at < ?2 ORDER BY s.started_at, s.session_id COLLATE BINARY",
                   [.int(Int(fromUTC)), .int(Int(toUTC))]) { r in out.append(try session(r)) }
        return { out }
    }

    /// Every session of the given visitors started in `[fromUTC, toUTC)` (in no set order).
    static func sessions(_ script: SQLScript, visitors: Set<String>, fromUTC: Int64, toUTC: Int64) -> () -> [SessionRecord] {
        var out: [SessionRecord] = []
        script.addChunked(visitors.sorted().map { [.text($0)] }, binds: [.int(Int(fromUTC)), .int(Int(toUTC))], {
            "SELECT \(sessionColumns) FROM sessions s WHERE s.visitor_id IN (\($0)) AND s.started_at >= ?1 AND s.started_at < ?2"
        }) { r in out.append(try session(r)) }
        return { out }
    }

    /// Σ costs without an account, dated in the period, in cents (nil when none).
    static func unassignedCostsCents(_ script: SQLScript, period: Period) -> () -> Int? {
        var out: Int?
        script.add("SELECT CAST(SUM(amount_cents) AS BIGINT) FROM costs WHERE account_id = '' AND day BETWEEN ?1 AND ?2",
                   [.int(period.from.dayNumber), .int(period.to.dayNumber)]) { r in out = try r.optInt(0) }
        return { out }
    }
}

extension Store {
    /// Every account: own accounts first, then competitors, each by id.
    public func accounts() async throws -> [Account] {
        let script = SQLScript()
        let out = SocialReads.accounts(script)
        try await sql.read(script)
        return out()
    }

    /// Per-account aggregates over a period, each account's days cut in its own zone.
    public func accountFigures(period: Period, accountIDs: [String]?) async throws -> [String: AccountFigures] {
        let script = SQLScript()
        let out = SocialReads.accountFigures(script, period: period, only: accountIDs.map(Set.init))
        try await sql.read(script)
        return out()
    }

    /// ER Post by slice (hour, type, rubric), accumulated over the period's days with each
    /// account's followers: account → dimension → slice value → accumulator.
    public func postSlices(period: Period, accountIDs: [String]?, followers: [String: FollowerSeries]) async throws
        -> [String: [SliceDimension: [String: ERPostAccumulator]]]
    {
        let script = SQLScript()
        let out = SocialReads.postSlices(script, period: period, only: accountIDs.map(Set.init), followers: followers)
        try await sql.read(script)
        return out()
    }

    /// Each account's `limit` posts with the largest reach (ties: engagements, earlier, id).
    public func topPosts(accountIDs: [String], period: Period, limit: Int) async throws -> [String: [PostRecord]] {
        let script = SQLScript()
        let out = SocialReads.topPosts(script, accountIDs: accountIDs, period: period, limit: limit)
        try await sql.read(script)
        return out()
    }

    /// Sessions started in `[fromUTC, toUTC)`, with `isFirstOfVisitor` set.
    public func sessions(fromUTC: Int64, toUTC: Int64) async throws -> [SessionRecord] {
        let script = SQLScript()
        let out = SocialReads.sessions(script, fromUTC: fromUTC, toUTC: toUTC)
        try await sql.read(script)
        return out()
    }

    /// Every session of the given visitors started in `[fromUTC, toUTC)` (in no set order).
    public func sessions(visitors: Set<String>, fromUTC: Int64, toUTC: Int64) async throws -> [SessionRecord] {
        let script = SQLScript()
        let out = SocialReads.sessions(script, visitors: visitors, fromUTC: fromUTC, toUTC: toUTC)
        try await sql.read(script)
        return out()
    }

    /// Σ costs without an account, dated in the period, in cents (nil when none).
    public func unassignedCostsCents(period: Period) async throws -> Int? {
        let script = SQLScript()
        let out = SocialReads.unassignedCostsCents(script, period: period)
        try await sql.read(script)
        return out()
    }
}
