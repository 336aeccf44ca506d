import EngageCore
import GRDB

/// The report reads on SQLite: each one SQL aggregate over the rollup or a small table.
struct SQLiteQueries {
    let db: Database

    func accountFigures(period: Period, only: Set<String>?) throws -> [String: AccountFigures] {
        let accounts = try SQLiteStore.fetchAccounts(db).filter { only?.contains($0.accountID) ?? true }
        var out: [String: AccountFigures] = [:]
        for a in accounts { out[a.accountID] = AccountFigures() }
        let from = period.from.dayNumber, to = period.to.dayNumber

        // Followers: every snapshot in the period and the latest one before it (as-of).
        var snaps: [String: [(LocalDate, Int)]] = [:]
        let fs = try db.raw("""
            SELECT account_id, day, followers FROM account_daily WHERE day BETWEEN ?1 AND ?2
            UNION ALL
            SELECT d.account_id, d.day, d.followers FROM account_daily d
            JOIN (SELECT account_id, MAX(day) AS day FROM account_daily WHERE day < ?1 GROUP BY account_id) m
              ON m.account_id = d.account_id AND m.day = d.day
            """)
        fs.bind(1, from); fs.bind(2, to)
        while try fs.step() { snaps[fs.text(0), default: []].append((LocalDate(dayNumber: fs.int(1)), fs.int(2))) }
        for (id, s) in snaps where out[id] != nil { out[id]!.followers = FollowerSeries(s) }

        // Daily sums (nil when no day of the period has a value).
        let ds = try db.raw("""
            SELECT account_id, SUM(new_followers), SUM(unfollows), SUM(reach), SUM(reach_organic), SUM(reach_viral),
                   SUM(reach_paid), SUM(unique_visitors), SUM(engaged_users), SUM(impressions)
            FROM account_daily WHERE day BETWEEN ?1 AND ?2 GROUP BY account_id
            """)
        ds.bind(1, from); ds.bind(2, to)
        while try ds.step() {
            let id = ds.text(0)
            guard var f = out[id] else { continue }
            f.newFollowers = ds.optInt(1); f.unfollows = ds.optInt(2); f.reach = ds.optInt(3)
            f.reachOrganic = ds.optInt(4); f.reachViral = ds.optInt(5); f.reachPaid = ds.optInt(6)
            f.uniqueVisitors = ds.optInt(7); f.engagedUsers = ds.optInt(8); f.impressions = ds.optInt(9)
            out[id] = f
        }

        // Network-reported totals for exactly this period replace the summed daily figures.
        let ps = try db.raw("""
            SELECT account_id, reach, reach_organic, reach_viral, reach_paid, unique_visitors, engaged_users
            FROM account_periods WHERE from_day = ?1 AND to_day = ?2
            """)
        ps.bind(1, from); ps.bind(2, to)
        while try ps.step() {
            let id = ps.text(0)
            guard var f = out[id] else { continue }
            // each figure independently: the network's own total where it gave one
            if let r = ps.optInt(1) { f.reach = r; f.reachFromNetworkPeriod = true }
            if let v = ps.optInt(2) { f.reachOrganic = v }
            if let v = ps.optInt(3) { f.reachViral = v }
            if let v = ps.optInt(4) { f.reachPaid = v }
            if let u = ps.optInt(5) { f.uniqueVisitors = u; f.uniqueVisitorsFromNetworkPeriod = true }
            if let e = ps.optInt(6) { f.engagedUsers = e }
            out[id] = f
        }

        // Posts, from the per-day rollup.
        let rs = try db.raw("SELECT account_id, day, \(SQLiteImportSession.rollupColumns) FROM post_rollup WHERE day BETWEEN ?1 AND ?2 ORDER BY day, account_id")
        rs.bind(1, from); rs.bind(2, to)
        while try rs.step() {
            let id = rs.text(0)
            guard var f = out[id] else { continue }
            let d = Self.rollupDay(rs, from: 2, slices: false)
            try f.add(d, date: LocalDate(dayNumber: rs.int(1)))
            out[id] = f
        }

        // Costs dated in the period.
        let cs = try db.raw("SELECT account_id, SUM(amount_cents) FROM costs WHERE account_id <> '' AND day BETWEEN ?1 AND ?2 GROUP BY account_id")
        cs.bind(1, from); cs.bind(2, to)
        while try cs.step() {
            let id = cs.text(0)
            guard out[id] != nil else { continue }
            try Checked.add(&out[id]!.spendCents, cs.int(1), "spend")
        }

        // Audience messages received in the period (local days of the account's zone).
        let ms = try db.raw("""
            SELECT is_question, received_at, replied_at FROM messages
            WHERE account_id = ?1 AND received_at >= ?2 AND received_at < ?3
            """)
        for a in accounts {
            guard var clock = ZoneClock(identifier: a.timezone) else { continue }
            ms.reset()
            ms.bind(1, a.accountID); ms.bind(2, clock.startOfDay(period.from)); ms.bind(3, clock.startOfDay(period.to.adding(days: 1)))
            var f = out[a.accountID]!
            while try ms.step() {
                guard ms.int(0) != 0 else { continue }
                f.questions += 1
                if let r = ms.optInt64(2), r >= ms.int64(1) {
                    f.answeredQuestions += 1
                    f.responseTimes.append(Double(r - ms.int64(1)))
                }
            }
            out[a.accountID] = f
        }
        return out
    }

    /// A rollup row's columns (`rollupColumns`, starting at column `c`).
    static func rollupDay(_ st: RawStatement, from c: Int32, slices: Bool = true) -> RollupDay {
        var d = RollupDay()
        d.posts = st.int(c); d.likes = st.int(c + 1); d.comments = st.int(c + 2); d.shares = st.int(c + 3)
        d.views = st.int(c + 4); d.clicks = st.int(c + 5); d.clicksKnown = st.int(c + 6); d.spendCents = st.int(c + 7)
        d.spendKnown = st.int(c + 8); d.erView = ERViewAccumulator(sum: st.double(c + 9), posts: st.int(c + 10))
        if slices { d.slices = RollupDay.decodeSlices(st.text(c + 11)) }
        return d
    }

    /// ER Post accumulated per account, slice dimension and value. Reads the encoded slices
    /// straight from SQLite's buffer (no intermediate strings per line).
    func postSlices(period: Period, only: Set<String>?, followers: [String: FollowerSeries]) throws -> [String: [SliceDimension: [String: ERPostAccumulator]]] {
        struct Key: Hashable { var account: Int, dim: Int, value: String }
        let st = try db.raw("SELECT account_id, day, slices FROM post_rollup WHERE day BETWEEN ?1 AND ?2 ORDER BY day, account_id")
        st.bind(1, period.from.dayNumber); st.bind(2, period.to.dayNumber)
        var accountIDs: [String] = [], accountIndex: [String: Int] = [:]
        var acc: [Key: ERPostAccumulator] = [:]
        let empty = FollowerSeries()
        while try st.step() {
            let id = st.text(0)
            if let only, !only.contains(id) { continue }
            let a: Int
            if let i = accountIndex[id] { a = i } else { a = accountIDs.count; accountIDs.append(id); accountIndex[id] = a }
            let date = LocalDate(dayNumber: st.int(1))
            let series = followers[id] ?? empty
            st.withText(2) { buf in
                RollupDay.forEachSlice(buf) { dim, value, posts, engagements in
                    acc[Key(account: a, dim: dim, value: value), default: ERPostAccumulator()]
                        .add(DayPosts(date: date, posts: posts, engagements: engagements), followers: series)
                }
            }
        }
        var out: [String: [SliceDimension: [String: ERPostAccumulator]]] = [:]
        for (k, v) in acc {
            guard let dim = SliceDimension(rawValue: k.dim) else { continue }
            out[accountIDs[k.account], default: [:]][dim, default: [:]][k.value] = v
        }
        return out
    }

    func topPosts(accountID: String, period: Period, limit: Int) throws -> [PostRecord] {
        let st = try db.raw("""
            SELECT post_id, published_at, day, type, rubric, url, likes, comments, shares, views, reach FROM posts
            WHERE account_id = ?1 AND day BETWEEN ?2 AND ?3 AND reach IS NOT NULL
            ORDER BY reach DESC, likes + comments + shares DESC, published_at, post_id LIMIT ?4
            """)
        st.bind(1, accountID); st.bind(2, period.from.dayNumber); st.bind(3, period.to.dayNumber); st.bind(4, limit)
        var out: [PostRecord] = []
        while try st.step() {
            out.append(PostMetrics(postID: st.text(0), publishedAt: st.int64(1), date: LocalDate(dayNumber: st.int(2)),
                                   type: st.optText(3), rubric: st.optText(4), url: st.optText(5), likes: st.int(6),
                                   comments: st.int(7), shares: st.int(8), views: st.optInt(9), reach: st.optInt(10),
                                   followers: nil))
        }
        return out
    }

    static let sessionColumns = """
        s.session_id, s.visitor_id, s.started_at, s.utm_source, s.utm_medium, s.referrer, s.landing_page, s.converted,
        s.conversion_value_cents, s.lead,
        NOT EXISTS (SELECT 1 FROM sessions p WHERE p.visitor_id = s.visitor_id
                    AND (p.started_at < s.started_at OR (p.started_at = s.started_at AND p.session_id < s.session_id)))
        """

    private func readSessions(_ st: RawStatement) throws -> [SessionRecord] {
        var out: [SessionRecord] = []
        while try st.step() {
            out.append(SessionRecord(sessionID: st.text(0), visitorID: st.text(1), startedAt: st.int64(2),
                                     utmSource: st.optText(3), utmMedium: st.optText(4), referrer: st.optText(5),
                                     landingPage: st.optText(6), converted: st.int(7) != 0,
                                     conversionValue: st.optInt(8).map { Double($0) / 100 }, lead: st.int(9) != 0,
                                     isFirstOfVisitor: st.int(10) != 0))
        }
        return out
    }

    func sessions(fromUTC: Int64, toUTC: Int64) throws -> [SessionRecord] {
        let st = try db.raw("SELECT \(Self.sessionColumns) FROM sessions s WHERE s.started_at >= ?1 AND s.started_at < ?2 ORDER BY s.started_at, s.session_id")
        st.bind(1, fromUTC); st.bind(2, toUTC)
        return try readSessions(st)
    }

    func sessions(visitors: Set<String>, fromUTC: Int64, toUTC: Int64) throws -> [SessionRecord] {
        let st = try db.raw("SELECT \(Self.sessionColumns) FROM sessions s WHERE s.visitor_id = ?1 AND s.started_at >= ?2 AND s.started_at < ?3")
        var out: [SessionRecord] = []
        for v in visitors.sorted() {
            st.reset()
            st.bind(1, v); st.bind(2, fromUTC); st.bind(3, toUTC)
            out += try readSessions(st)
        }
        return out
    }
}
