import EngageCore
import PostgresNIO

extension PostgresRandomAccessRow {
    func int(_ i: Int) throws -> Int { try self[i].decode(Int.self, context: .default) }
    func optInt(_ i: Int) throws -> Int? { try self[i].decode(Int?.self, context: .default) }
    func int64(_ i: Int) throws -> Int64 { try self[i].decode(Int64.self, context: .default) }
    func optInt64(_ i: Int) throws -> Int64? { try self[i].decode(Int64?.self, context: .default) }
    func double(_ i: Int) throws -> Double { try self[i].decode(Double.self, context: .default) }
    func text(_ i: Int) throws -> String { try self[i].decode(String.self, context: .default) }
    func optText(_ i: Int) throws -> String? { try self[i].decode(String?.self, context: .default) }
}

/// The report reads on PostgreSQL: the same aggregates as `SQLiteQueries`, in its dialect.
struct PostgresQueries {
    let store: PostgresStore
    let conn: PostgresConnection?

    func each(_ sql: String, _ binds: [PGValue] = [], _ body: (PostgresRandomAccessRow) throws -> Void) async throws {
        try await store.each(sql, binds, on: conn) { try body($0.makeRandomAccess()) }
    }

    func accounts() async throws -> [Account] {
        var out: [Account] = []
        try await each("SELECT account_id, network, name, handle, competitor, timezone FROM accounts ORDER BY competitor, account_id COLLATE \"C\"") { r in
            out.append(Account(accountID: try r.text(0), network: try r.text(1), name: try r.optText(2), handle: try r.optText(3),
                               competitor: try r.int(4) != 0, timezone: try r.text(5)))
        }
        return out
    }

    func accountFigures(period: Period, only: Set<String>?) async throws -> [String: AccountFigures] {
        let accounts = try await accounts().filter { only?.contains($0.accountID) ?? true }
        var out: [String: AccountFigures] = [:]
        for a in accounts { out[a.accountID] = AccountFigures() }
        let range: [PGValue] = [.int(period.from.dayNumber), .int(period.to.dayNumber)]

        var snaps: [String: [(LocalDate, Int)]] = [:]
        try await each("""
            SELECT account_id, day, followers FROM account_daily WHERE day BETWEEN ?1 AND ?2
            UNION ALL
            SELECT d.account_id, d.day, d.followers FROM account_daily d
            JOIN (SELECT account_id, MAX(day) AS day FROM account_daily WHERE day < ?1 GROUP BY account_id) m
              ON m.account_id = d.account_id AND m.day = d.day
            """, range) { r in snaps[try r.text(0), default: []].append((LocalDate(dayNumber: try r.int(1)), try r.int(2))) }
        for (id, s) in snaps where out[id] != nil { out[id]!.followers = FollowerSeries(s) }

        try await each("""
            SELECT account_id, SUM(new_followers)::BIGINT, SUM(unfollows)::BIGINT, SUM(reach)::BIGINT, SUM(reach_organic)::BIGINT,
                   SUM(reach_viral)::BIGINT, SUM(reach_paid)::BIGINT, SUM(unique_visitors)::BIGINT, SUM(engaged_users)::BIGINT,
                   SUM(impressions)::BIGINT
            FROM account_daily WHERE day BETWEEN ?1 AND ?2 GROUP BY account_id
            """, range) { r in
            let id = try r.text(0)
            guard var f = out[id] else { return }
            f.newFollowers = try r.optInt(1); f.unfollows = try r.optInt(2); f.reach = try r.optInt(3)
            f.reachOrganic = try r.optInt(4); f.reachViral = try r.optInt(5); f.reachPaid = try r.optInt(6)
            f.uniqueVisitors = try r.optInt(7); f.engagedUsers = try r.optInt(8); f.impressions = try r.optInt(9)
            out[id] = f
        }

        try await each("""
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

        try await each("SELECT account_id, day, \(PostgresImportSession.rollupColumns) FROM post_rollup WHERE day BETWEEN ?1 AND ?2 ORDER BY day, account_id COLLATE \"C\"", range) { r in
            let id = try r.text(0)
            guard var f = out[id] else { return }
            let d = try Self.rollupDay(r, from: 2, slices: false)
            try f.add(d, date: LocalDate(dayNumber: try r.int(1)))
            out[id] = f
        }

        try await each("SELECT account_id, SUM(amount_cents)::BIGINT FROM costs WHERE account_id <> '' AND day BETWEEN ?1 AND ?2 GROUP BY account_id", range) { r in
            let id = try r.text(0)
            guard out[id] != nil else { return }
            try Checked.add(&out[id]!.spendCents, (try r.int(1)), "spend")
        }

        // messages of every account in one round trip, each in its own local period
        var ids: [String] = [], froms: [Int] = [], tos: [Int] = []
        for a in accounts {
            guard var clock = ZoneClock(identifier: a.timezone) else { continue }
            ids.append(a.accountID)
            froms.append(Int(clock.startOfDay(period.from)))
            tos.append(Int(clock.startOfDay(period.to.adding(days: 1))))
        }
        try await each("""
            SELECT m.account_id, m.received_at, m.replied_at FROM messages m
            JOIN unnest(?1::text[], ?2::bigint[], ?3::bigint[]) AS k(account_id, from_at, to_at)
              ON m.account_id = k.account_id AND m.received_at >= k.from_at AND m.received_at < k.to_at
            WHERE m.is_question <> 0
            """, [.texts(ids), .ints(froms), .ints(tos)]) { r in
            let id = try r.text(0)
            out[id]!.questions += 1
            let received = try r.int64(1)
            if let replied = try r.optInt64(2), replied >= received {
                out[id]!.answeredQuestions += 1
                out[id]!.responseTimes.append(Double(replied - received))
            }
        }
        return out
    }

    static func rollupDay(_ r: PostgresRandomAccessRow, from c: Int, slices: Bool = true) throws -> RollupDay {
        var d = RollupDay()
        d.posts = try r.int(c); d.likes = try r.int(c + 1); d.comments = try r.int(c + 2); d.shares = try r.int(c + 3)
        d.views = try r.int(c + 4); d.clicks = try r.int(c + 5); d.clicksKnown = try r.int(c + 6); d.spendCents = try r.int(c + 7)
        d.spendKnown = try r.int(c + 8); d.erView = ERViewAccumulator(sum: try r.double(c + 9), posts: try r.int(c + 10))
        if slices { d.slices = RollupDay.decodeSlices(try r.text(c + 11)) }
        return d
    }

    func postSlices(period: Period, only: Set<String>?, followers: [String: FollowerSeries]) async throws -> [String: [SliceDimension: [String: ERPostAccumulator]]] {
        var out: [String: [SliceDimension: [String: ERPostAccumulator]]] = [:]
        let empty = FollowerSeries()
        try await each("SELECT account_id, day, slices FROM post_rollup WHERE day BETWEEN ?1 AND ?2 ORDER BY day, account_id COLLATE \"C\"",
                       [.int(period.from.dayNumber), .int(period.to.dayNumber)]) { r in
            let id = try r.text(0)
            if let only, !only.contains(id) { return }
            let date = LocalDate(dayNumber: try r.int(1))
            let series = followers[id] ?? empty
            var text = try r.text(2)
            text.withUTF8 { buf in
                RollupDay.forEachSlice(buf) { dim, value, posts, engagements in
                    guard let d = SliceDimension(rawValue: dim) else { return }
                    out[id, default: [:]][d, default: [:]][value, default: ERPostAccumulator()]
                        .add(DayPosts(date: date, posts: posts, engagements: engagements), followers: series)
                }
            }
        }
        return out
    }

    /// Each account's top posts in one round trip: a lateral join runs the per-account,
    /// index-backed query for every account of the list.
    func topPosts(accountIDs: [String], period: Period, limit: Int) async throws -> [String: [PostRecord]] {
        var out: [String: [PostRecord]] = [:]
        for id in accountIDs { out[id] = [] }
        try await each("""
            SELECT a.id, p.post_id, p.published_at, p.day, p.type, p.rubric, p.url, p.likes, p.comments, p.shares, p.views, p.reach
            FROM unnest(?1::text[]) WITH ORDINALITY AS a(id, n) CROSS JOIN LATERAL (
                SELECT * FROM posts
                WHERE account_id = a.id AND day BETWEEN ?2 AND ?3 AND reach IS NOT NULL
                ORDER BY reach DESC, likes + comments + shares DESC, published_at, post_id COLLATE "C" LIMIT ?4) p
            ORDER BY a.n
            """, [.texts(accountIDs), .int(period.from.dayNumber), .int(period.to.dayNumber), .int(limit)]) { r in
            out[try r.text(0), default: []].append(PostMetrics(
                postID: try r.text(1), publishedAt: try r.int64(2), date: LocalDate(dayNumber: try r.int(3)),
                type: try r.optText(4), rubric: try r.optText(5), url: try r.optText(6), likes: try r.int(7),
                comments: try r.int(8), shares: try r.int(9), views: try r.optInt(10), reach: try r.optInt(11), followers: nil))
        }
        return out
    }

    private func readSessions(_ sql: String, _ binds: [PGValue]) async throws -> [SessionRecord] {
        var out: [SessionRecord] = []
        try await each(sql, binds) { r in
            out.append(SessionRecord(sessionID: try r.text(0), visitorID: try r.text(1), startedAt: try r.int64(2),
                                     utmSource: try r.optText(3), utmMedium: try r.optText(4), referrer: try r.optText(5),
                                     landingPage: try r.optText(6), converted: try r.int(7) != 0,
                                     conversionValue: try r.optInt(8).map { Double($0) / 100 }, lead: try r.int(9) != 0,
                                     isFirstOfVisitor: try r[10].decode(Bool.self, context: .default)))
        }
        return out
    }

    /// Session ids compare byte-wise, as in SQLite, whatever the server's collation.
    static let sessionColumns = SQLiteQueries.sessionColumns.replacingOccurrences(of: "p.session_id < s.session_id", with: "p.session_id < s.session_id COLLATE \"C\"")

    func sessions(fromUTC: Int64, toUTC: Int64) async throws -> [SessionRecord] {
        try await readSessions("SELECT \(Self.sessionColumns) FROM sessions s WHERE s.started_at >= ?1 AND s.started_at < ?2 ORDER BY s.started_at, s.session_id COLLATE \"C\"",
                               [.int(Int(fromUTC)), .int(Int(toUTC))])
    }

    func sessions(visitors: Set<String>, fromUTC: Int64, toUTC: Int64) async throws -> [SessionRecord] {
        try await readSessions("SELECT \(Self.sessionColumns) FROM sessions s WHERE s.visitor_id = ANY(?1) AND s.started_at >= ?2 AND s.started_at < ?3",
                               [.texts(visitors.sorted()), .int(Int(fromUTC)), .int(Int(toUTC))])
    }
}
