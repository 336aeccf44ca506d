import EngageCore
import Foundation

/// A content item of the library (content.csv, or submitted in the web app).
public struct ContentRecord: Sendable, Equatable {
    public var id: String
    public var title: String?
    public var url: String?
    public var submittedBy: String?
    public var submittedAt: Int64?
    public var status: String?
    public var approvedAt: Int64?
    public var publishedAt: Int64?
}

/// A tracked link as listed in the web app, with its human clicks so far.
public struct LinkRecord: Sendable, Equatable {
    public var code: String
    public var target: String
    public var employeeID: String?
    public var contentID: String?
    public var createdAt: Int64?
    public var clicks: Int
    public init(code: String, target: String, employeeID: String?, contentID: String?, createdAt: Int64?, clicks: Int) {
        self.code = code
        self.target = target
        self.employeeID = employeeID
        self.contentID = contentID
        self.createdAt = createdAt
        self.clicks = clicks
    }
}

/// The content library and tracked links of the web app, in the SQL both engines accept.
/// Rows made here have import_id 0 (made by Engage, not imported); a later import of the
/// same ids updates them like any other row.
public struct ContentData: Sendable {
    public let store: any Store
    public init(store: any Store) { self.store = store }

    public static let statuses = ["submitted", "approved", "rejected", "published"]

    static let columns = "content_id, title, url, submitted_by, submitted_at, status, approved_at, published_at"

    static func record(_ r: [StoreValue]) -> ContentRecord {
        ContentRecord(id: r[0].text ?? "", title: r[1].text, url: r[2].text, submittedBy: r[3].text, submittedAt: r[4].int.map(Int64.init),
                      status: r[5].text, approvedAt: r[6].int.map(Int64.init), publishedAt: r[7].int.map(Int64.init))
    }

    /// Items with one of `statuses` (all when empty), newest first; with `submittedBy`, also
    /// that employee's own items whatever their status.
    public func items(statuses: [String] = [], orSubmittedBy: String? = nil, limit: Int = 500) async throws -> [ContentRecord] {
        var conditions: [String] = []
        var binds: [StoreValue] = []
        if !statuses.isEmpty {
            conditions.append("status IN (" + statuses.indices.map { "?\($0 + 1)" }.joined(separator: ", ") + ")")
            binds += statuses.map { .text($0) }
        }
        if let e = orSubmittedBy {
            binds.append(.text(e))
            conditions.append("submitted_by = ?\(binds.count)")
        }
        let whereSQL = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " OR ")
        return try await store.execute("""
            SELECT \(Self.columns) FROM content \(whereSQL)
            ORDER BY COALESCE(published_at, approved_at, submitted_at, 0) DESC, content_id COLLATE BINARY LIMIT \(limit)
            """, binds).map(Self.record)
    }

    public func item(id: String) async throws -> ContentRecord? {
        try await store.execute("SELECT \(Self.columns) FROM content WHERE content_id = ?1", [.text(id)]).first.map(Self.record)
    }

    /// A new item, status `submitted`, submitted now by `employeeID`; returns its id. The
    /// title (trimmed) is 1 to 300 characters, the address a web page (`UTMBuilder.target`:
    /// http or https, no credentials), the employee known — else `.invalid`.
    @discardableResult
    public func submit(title rawTitle: String, url rawURL: String, by employeeID: String?, now: Int64) async throws -> String {
        let title = rawTitle.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...300).contains(title.count) else { throw StoreError.invalid("title: 1 to 300 characters") }
        let url: String
        do { url = try UTMBuilder.target(rawURL) } catch let e as UTMBuilder.Refused { throw StoreError.invalid("url: \(e.description)") }
        if let e = employeeID, try await !Employees(store: store).exists(e) {
            throw StoreError.invalid("employee: no employee '\(e)' (import employees.csv first)")
        }
        let id = "c-" + Links.newCode()
        try await store.execute("""
            INSERT INTO content (content_id, title, url, submitted_by, submitted_at, status, import_id)
            VALUES (?1, ?2, ?3, ?4, ?5, 'submitted', 0)
            """, [.text(id), .text(title), .text(url), employeeID.map { .text($0) } ?? .null, .int(Int(now))])
        return id
    }

    /// Moves an item to `status`, keeping when it was approved and published (the first time):
    /// publishing an item approves it too. An unknown status: `.invalid`; no such item:
    /// `.notFound`.
    public func setStatus(id: String, status: String, now: Int64) async throws {
        guard Self.statuses.contains(status) else { throw StoreError.invalid("status: one of \(Self.statuses.joined(separator: ", "))") }
        guard try await item(id: id) != nil else { throw StoreError.notFound("no content item '\(id)'") }
        let t = StoreValue.int(Int(now))
        switch status {
        case "approved":
            try await store.execute("UPDATE content SET status = ?1, approved_at = COALESCE(approved_at, ?2) WHERE content_id = ?3", [.text(status), t, .text(id)])
        case "published":
            try await store.execute("""
                UPDATE content SET status = ?1, approved_at = COALESCE(approved_at, ?2), published_at = COALESCE(published_at, ?2) WHERE content_id = ?3
                """, [.text(status), t, .text(id)])
        default:
            try await store.execute("UPDATE content SET status = ?1 WHERE content_id = ?2", [.text(status), .text(id)])
        }
    }

    /// The employee's tracked link for a content item (the first made), if any.
    public func link(employeeID: String, contentID: String) async throws -> LinkRecord? {
        try await store.execute("""
            SELECT link_code, target, employee_id, content_id, created_at FROM links
            WHERE employee_id = ?1 AND content_id = ?2 ORDER BY created_at, link_code COLLATE BINARY LIMIT 1
            """, [.text(employeeID), .text(contentID)]).first.map { Self.link($0, clicks: 0) }
    }

    static func link(_ r: [StoreValue], clicks: Int) -> LinkRecord {
        LinkRecord(code: r[0].text ?? "", target: r[1].text ?? "", employeeID: r[2].text, contentID: r[3].text, createdAt: r[4].int.map(Int64.init), clicks: clicks)
    }

    /// Tracked links, newest first, with their human clicks so far; only the employee's
    /// when `employeeID` is given.
    public func links(employeeID: String? = nil, limit: Int = 200) async throws -> [LinkRecord] {
        let filter = employeeID == nil ? "" : "WHERE l.employee_id = ?1"
        return try await store.execute("""
            SELECT l.link_code, l.target, l.employee_id, l.content_id, l.created_at,
                   (SELECT COALESCE(SUM(d.clicks), 0) FROM link_days d WHERE d.link_code = l.link_code)
            FROM links l \(filter) ORDER BY COALESCE(l.created_at, 0) DESC, l.link_code COLLATE BINARY LIMIT \(limit)
            """, employeeID.map { [.text($0)] } ?? []).map { Self.link($0, clicks: $0[5].int ?? 0) }
    }

    /// The links listing's filter: words matched (case-insensitively) in the code, the
    /// target, the campaign or the content id; an employee (`""`: brand links); a campaign.
    public struct LinkFilter: Sendable, Equatable {
        public var search: String?
        public var employeeID: String?
        public var campaign: String?
        public init(search: String? = nil, employeeID: String? = nil, campaign: String? = nil) {
            self.search = search
            self.employeeID = employeeID
            self.campaign = campaign
        }
    }

    /// Where a page of links starts: after this (created_at, code) in the listing's order.
    public struct LinkCursor: Sendable, Equatable {
        public var createdAt: Int64
        public var code: String
        public init(createdAt: Int64, code: String) {
            self.createdAt = createdAt
            self.code = code
        }
        /// `created:code`, as links carry it.
        public var text: String { "\(createdAt):\(code)" }
        public init?(_ text: String) {
            guard let i = text.firstIndex(of: ":"), let t = Int64(text[..<i]), text.index(after: i) < text.endIndex else { return nil }
            self.init(createdAt: t, code: String(text[text.index(after: i)...]))
        }
    }

    /// A page of the links listing, newest first, read after `after` by key; the number of
    /// links the filter selects; and the campaigns there are, for the filter's list.
    public func linkPage(_ f: LinkFilter, after: LinkCursor?, limit: Int) async throws -> (total: Int, links: [LinkRecord], campaigns: [String]) {
        var conds: [String] = [], binds: [StoreValue] = []
        if let s = f.search?.trimmingCharacters(in: .whitespaces), !s.isEmpty {
            let escaped = s.lowercased().replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
                .replacingOccurrences(of: "_", with: "\\_")
            binds.append(.text("%" + escaped + "%"))
            let p = "?\(binds.count)"
            conds.append("(LOWER(l.link_code) LIKE \(p) ESCAPE '\\' OR LOWER(l.target) LIKE \(p) ESCAPE '\\' OR LOWER(COALESCE(l.utm_campaign, '')) LIKE \(p) ESCAPE '\\' OR LOWER(COALESCE(l.content_id, '')) LIKE \(p) ESCAPE '\\')")
        }
        if let e = f.employeeID {
            if e.isEmpty { conds.append("l.employee_id IS NULL") } else {
                binds.append(.text(e))
                conds.append("l.employee_id = ?\(binds.count)")
            }
        }
        if let c = f.campaign, !c.isEmpty {
            binds.append(.text(c))
            conds.append("l.utm_campaign = ?\(binds.count)")
        }
        let filtered = conds.isEmpty ? "" : "WHERE " + conds.joined(separator: " AND ")
        var page = conds
        var pageBinds = binds
        if let after {
            pageBinds += [.int(Int(after.createdAt)), .text(after.code)]
            let a = pageBinds.count - 1, b = pageBinds.count
            page.append("(COALESCE(l.created_at, 0) < ?\(a) OR (COALESCE(l.created_at, 0) = ?\(a) AND l.link_code COLLATE BINARY > ?\(b)))")
        }
        let results = try await store.executeAll([
            SQLStatement("SELECT COUNT(*) FROM links l \(filtered)", binds),
            SQLStatement("""
                SELECT l.link_code, l.target, l.employee_id, l.content_id, l.created_at,
                       (SELECT COALESCE(SUM(d.clicks), 0) FROM link_days d WHERE d.link_code = l.link_code)
                FROM links l \(page.isEmpty ? "" : "WHERE " + page.joined(separator: " AND "))
                ORDER BY COALESCE(l.created_at, 0) DESC, l.link_code COLLATE BINARY LIMIT \(max(1, min(limit, 500)))
                """, pageBinds),
            SQLStatement("SELECT DISTINCT utm_campaign FROM links WHERE utm_campaign IS NOT NULL AND utm_campaign <> '' ORDER BY utm_campaign LIMIT 500"),
        ])
        return (results[0].first?.first?.int ?? 0, results[1].map { Self.link($0, clicks: $0[5].int ?? 0) }, results[2].compactMap { $0[0].text })
    }

    /// One link's human clicks and distinct visitors per UTC day of `[from, to)` (whole UTC
    /// days; days without clicks left out), from the click tables (`Store.clickDays`).
    public func dailyClicks(code: String, from: Int64, to: Int64) async throws -> [(day: Int, clicks: Int, visitors: Int)] {
        guard to > from else { return [] }
        let days = LocalDate(utcInstant: from).dayNumber...LocalDate(utcInstant: to - 1).dayNumber
        return try await store.clickDays(.link, days: days, link: code).map { ($0.day, $0.rows, $0.distinct) }
    }

    /// An advocate's standing: their shares so far, and their rank by human clicks on their
    /// links since `since` (from its UTC day on) among the advocates with any (nil: none of
    /// their own yet).
    public func standing(employeeID: String, since: Int64) async throws -> (shares: Int, rank: Int?, advocates: Int) {
        let day = LocalDate(utcInstant: since).dayNumber
        let shares = try await store.execute("SELECT COUNT(*) FROM shares WHERE employee_id = ?1", [.text(employeeID)])
        var counts: [String: Int] = [:]
        for g in try await store.clickDays(.employee, days: day...(day + 36_600)) { counts[g.key, default: 0] += g.rows }
        let mine = counts[employeeID]
        let rank = mine.map { m in 1 + counts.values.filter { $0 > m }.count }
        return (shares.first?.first?.int ?? 0, rank, counts.count)
    }

    /// One link with its human clicks so far.
    public func linkRecord(code: String) async throws -> LinkRecord? {
        try await store.execute("""
            SELECT l.link_code, l.target, l.employee_id, l.content_id, l.created_at,
                   (SELECT COALESCE(SUM(d.clicks), 0) FROM link_days d WHERE d.link_code = l.link_code)
            FROM links l WHERE l.link_code = ?1
            """, [.text(code)]).first.map { Self.link($0, clicks: $0[5].int ?? 0) }
    }

    /// Employees (id, name), for pickers.
    public func employees() async throws -> [(id: String, name: String?)] {
        try await store.execute("SELECT employee_id, name FROM employees ORDER BY employee_id COLLATE BINARY").map { ($0[0].text ?? "", $0[1].text) }
    }
}
