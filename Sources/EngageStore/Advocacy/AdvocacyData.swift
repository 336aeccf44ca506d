import EngageCore

/// What the advocacy report reads, in the SQL both engines accept (over `Store.execute`):
/// heavy tables (shares, clicks) are aggregated in the database, the rest read as rows.
/// Instants are cut into days in UTC.
public struct AdvocacyData: Sendable {
    public let store: any Store
    public init(store: any Store) { self.store = store }

    func rows(_ sql: String, _ binds: [StoreValue] = []) async throws -> [[StoreValue]] { try await store.execute(sql, binds) }

    public func employees() async throws -> [Advocacy.Employee] {
        try await rows("SELECT employee_id, hired_on, left_on FROM employees").map {
            Advocacy.Employee(id: $0[0].text ?? "", hiredOn: $0[1].int.map(LocalDate.init(dayNumber:)), leftOn: $0[2].int.map(LocalDate.init(dayNumber:)))
        }
    }

    public func invitations() async throws -> [Advocacy.Invitation] {
        try await rows("SELECT employee_id, invited_at, cohort, joined_at FROM invitations").map {
            Advocacy.Invitation(employeeID: $0[0].text ?? "", invitedAt: Int64($0[1].int ?? 0), cohort: $0[2].text, joinedAt: $0[3].int.map(Int64.init))
        }
    }

    /// Shares in `[from, to)` summed per employee.
    public func sharers(from: Int64, to: Int64) async throws -> [Advocacy.SharerTotals] {
        try await rows("""
            SELECT employee_id, COUNT(*), SUM(COALESCE(impressions, 0)), SUM(COALESCE(likes, 0)), SUM(COALESCE(comments, 0)),
                   SUM(COALESCE(shares, 0)), SUM(COALESCE(clicks, 0))
            FROM shares WHERE shared_at >= ?1 AND shared_at < ?2 GROUP BY employee_id
            """, [.int(Int(from)), .int(Int(to))]).map {
            Advocacy.SharerTotals(employeeID: $0[0].text ?? "", shares: $0[1].int ?? 0, impressions: $0[2].int ?? 0, likes: $0[3].int ?? 0,
                                  comments: $0[4].int ?? 0, reshares: $0[5].int ?? 0, clicks: $0[6].int ?? 0)
        }
    }

    /// Shares in `[from, to)` summed per network and day (for earned media value); a day
    /// starts `shift` seconds before midnight UTC (the organisation's offset).
    public func shareDays(from: Int64, to: Int64, shift: Int = 0) async throws -> [EMVRates.Day] {
        try await rows("""
            SELECT COALESCE(network, ''), (shared_at + \(shift)) / 86400, SUM(COALESCE(impressions, 0)), SUM(COALESCE(clicks, 0)),
                   SUM(COALESCE(likes, 0)), SUM(COALESCE(comments, 0)), SUM(COALESCE(shares, 0))
            FROM shares WHERE shared_at >= ?1 AND shared_at < ?2 GROUP BY COALESCE(network, ''), (shared_at + \(shift)) / 86400
            ORDER BY (shared_at + \(shift)) / 86400, COALESCE(network, '') COLLATE BINARY
            """, [.int(Int(from)), .int(Int(to))]).map {
            EMVRates.Day(network: $0[0].text ?? "", date: LocalDate(dayNumber: $0[1].int ?? 0), impressions: $0[2].int ?? 0,
                         clicks: $0[3].int ?? 0, likes: $0[4].int ?? 0, comments: $0[5].int ?? 0, shares: $0[6].int ?? 0)
        }
    }

    public func content(from: Int64, to: Int64) async throws -> [Advocacy.ContentItem] {
        try await rows("SELECT submitted_by, submitted_at, status FROM content WHERE submitted_at >= ?1 AND submitted_at < ?2",
                       [.int(Int(from)), .int(Int(to))]).map {
            Advocacy.ContentItem(submittedBy: $0[0].text, submittedAt: $0[1].int.map(Int64.init), status: $0[2].text)
        }
    }

    /// The UTC days of `[from, to)` when it is whole UTC days and unshifted: the click tables
    /// are then read per day (`Store.clickDays`); else from the clicks, each click's day
    /// computed from its instant.
    func utcDays(from: Int64, to: Int64, shift: Int) -> ClosedRange<Int>? {
        guard shift == 0, from % LocalDate.secondsPerDay == 0, to % LocalDate.secondsPerDay == 0, to > from else { return nil }
        return LocalDate(utcInstant: from).dayNumber...(LocalDate(utcInstant: to).dayNumber - 1)
    }

    /// The kind's groups of `[from, to)` with days starting `shift` seconds before midnight UTC.
    func clickGroups(_ kind: ClickDayKind, from: Int64, to: Int64, shift: Int) async throws -> [DailyDistinct] {
        if let days = utcDays(from: from, to: to, shift: shift) { return try await store.clickDays(kind, days: days) }
        guard to > from else { return [] }
        let key = ClickDays.keySQL(kind), day = "(clicked_at + \(shift)) / 86400"
        return try await store.dailyDistinct("""
            SELECT \(day), \(key), visitor_hash FROM clicks
            WHERE is_bot = 0 AND clicked_at >= ?1 AND clicked_at < ?2\(kind == .employee ? " AND employee_id IS NOT NULL" : "")
            ORDER BY \(day), \(key), visitor_hash
            """, [.int(Int(from)), .int(Int(to))])
    }

    /// Human clicks in `[from, to)` per tracked link and day (starting `shift` seconds before
    /// midnight UTC), with the day's distinct visitors (the server salts the visitor hash per
    /// UTC day, so days are never joined).
    public func linkClickDays(from: Int64, to: Int64, shift: Int = 0) async throws -> [(linkCode: String, day: Int, clicks: Int, uniqueVisitors: Int)] {
        try await clickGroups(.link, from: from, to: to, shift: shift).map { ($0.key, $0.day, $0.rows, $0.distinct) }
    }

    /// Human clicks in `[from, to)` per advocate (the owner of the link when the click was
    /// recorded) and day, with the day's distinct visitors over all the advocate's links.
    public func employeeClickDays(from: Int64, to: Int64, shift: Int = 0) async throws -> [(employeeID: String, day: Int, clicks: Int, uniqueVisitors: Int)] {
        try await clickGroups(.employee, from: from, to: to, shift: shift).map { ($0.key, $0.day, $0.rows, $0.distinct) }
    }

    /// Human clicks in `[from, to)` per day on advocate links (true) and brand links (false),
    /// with the day's distinct visitors of each kind.
    public func kindClickDays(from: Int64, to: Int64, shift: Int = 0) async throws -> [(advocate: Bool, day: Int, clicks: Int, uniqueVisitors: Int)] {
        try await clickGroups(.linkKind, from: from, to: to, shift: shift).map { ($0.key == "1", $0.day, $0.rows, $0.distinct) }
    }

    /// link_code → (owning employee, content item); nil employee: a brand link.
    public func links() async throws -> [String: (employeeID: String?, contentID: String?)] {
        var out: [String: (String?, String?)] = [:]
        for r in try await rows("SELECT link_code, employee_id, content_id FROM links") {
            out[r[0].text ?? ""] = (r[1].text.flatMap { $0.isEmpty ? nil : $0 }, r[2].text.flatMap { $0.isEmpty ? nil : $0 })
        }
        return out
    }

    /// Shares in `[from, to)` per content item: shares, distinct sharers, impressions, engagements.
    public func contentShares(from: Int64, to: Int64) async throws -> [(contentID: String, shares: Int, sharers: Int, impressions: Int, engagements: Int)] {
        try await rows("""
            SELECT content_id, COUNT(*), COUNT(DISTINCT employee_id), SUM(COALESCE(impressions, 0)),
                   SUM(COALESCE(likes, 0) + COALESCE(comments, 0) + COALESCE(shares, 0))
            FROM shares WHERE shared_at >= ?1 AND shared_at < ?2 AND content_id IS NOT NULL AND content_id <> ''
            GROUP BY content_id
            """, [.int(Int(from)), .int(Int(to))]).map { ($0[0].text ?? "", $0[1].int ?? 0, $0[2].int ?? 0, $0[3].int ?? 0, $0[4].int ?? 0) }
    }

    /// content_id → title and status, of every item.
    public func contentTitles() async throws -> [String: (title: String?, status: String?)] {
        var out: [String: (String?, String?)] = [:]
        for r in try await rows("SELECT content_id, title, status FROM content") { out[r[0].text ?? ""] = (r[1].text, r[2].text) }
        return out
    }

    /// employee_id → name, where a name is known.
    public func employeeNames() async throws -> [String: String] {
        var out: [String: String] = [:]
        for r in try await rows("SELECT employee_id, name FROM employees WHERE name IS NOT NULL AND name <> ''") { out[r[0].text ?? ""] = r[1].text }
        return out
    }

    /// utm_content → the employee owning the tracked link with it.
    public func linkOwners() async throws -> [String: String] {
        var out: [String: String] = [:]
        for r in try await rows("SELECT utm_content, employee_id FROM links WHERE employee_id IS NOT NULL AND utm_content IS NOT NULL AND utm_content <> '' ORDER BY link_code") {
            if let c = r[0].text, let e = r[1].text, out[c] == nil { out[c] = e }
        }
        return out
    }

    public func leads(from: Int64, to: Int64) async throws -> [Advocacy.Lead] {
        try await rows("SELECT created_at, source, utm_medium, utm_content, closed_at, won, value_cents FROM leads WHERE created_at >= ?1 AND created_at < ?2",
                       [.int(Int(from)), .int(Int(to))]).map {
            Advocacy.Lead(createdAt: Int64($0[0].int ?? 0), source: $0[1].text, utmMedium: $0[2].text, utmContent: $0[3].text,
                          closedAt: $0[4].int.map(Int64.init), won: ($0[5].int ?? 0) != 0, valueCents: $0[6].int)
        }
    }

    /// Imported earned-media values (emv_rates.csv).
    public func emvRates() async throws -> [EMVRates.Rate] {
        try await rows("SELECT network, action, value, from_day FROM emv_rates ORDER BY network, action, from_day").compactMap {
            guard let a = EMVRates.Action(rawValue: $0[1].text ?? "") else { return nil }
            return EMVRates.Rate(network: $0[0].text ?? "*", action: a, value: $0[2].double ?? 0, from: LocalDate(dayNumber: $0[3].int ?? 0))
        }
    }

    public func ssi(period: Period) async throws -> [Advocacy.SSIPoint] {
        try await rows("SELECT employee_id, day, total FROM ssi WHERE day BETWEEN ?1 AND ?2", [.int(period.from.dayNumber), .int(period.to.dayNumber)]).map {
            Advocacy.SSIPoint(employeeID: $0[0].text ?? "", date: LocalDate(dayNumber: $0[1].int ?? 0), total: $0[2].double ?? 0)
        }
    }

    public func candidates(from: Int64, to: Int64) async throws -> [Advocacy.Candidate] {
        try await rows("SELECT source, first_contact_at, referred_by, offer_accepted_at, hired FROM candidates WHERE first_contact_at >= ?1 AND first_contact_at < ?2",
                       [.int(Int(from)), .int(Int(to))]).map {
            Advocacy.Candidate(source: $0[0].text ?? "", firstContactAt: Int64($0[1].int ?? 0), referredBy: $0[2].text,
                               offerAcceptedAt: $0[3].int.map(Int64.init), hired: ($0[4].int ?? 0) != 0)
        }
    }
}
