import EngageCore
import Foundation

public struct APIToken: Sendable, Equatable {
    public var id: Int
    public var name: String
    public var role: Role
}

/// Sort keys of the posts listing.
public enum PostSort: String, Sendable, CaseIterable {
    case published, reach, likes, comments, shares, views, engagements

    var sql: String {
        switch self {
        case .published: return "published_at"
        case .engagements: return "likes + comments + shares"
        default: return rawValue
        }
    }
}

/// A page of the posts listing: filters, order, page.
public struct PostListQuery: Sendable, Equatable {
    public var period: Period
    public var accountIDs: [String] = []
    public var type: String?
    public var rubric: String?
    public var sort: PostSort = .published
    public var descending = true
    public var page = 1
    public var perPage = 50

    public init(period: Period) { self.period = period }
}

public struct PostPage: Sendable {
    public var total: Int
    public var posts: [PostListItem]
}

public struct PostListItem: Sendable {
    public var accountID: String
    public var post: PostRecord
    public var text: String?
}

/// The web app's data (users, tokens, login failures, settings, listings) in the SQL both
/// engines accept, over `Store.execute`.
public struct WebData: Sendable {
    public let store: any Store

    public init(store: any Store) { self.store = store }

    // MARK: API tokens (only a hash of each is stored)

    @discardableResult
    public func addToken(hash: String, name: String, role: Role, now: Int64) async throws -> Int {
        let rows = try await store.execute([
            SQLStatement("INSERT INTO api_tokens (token_hash, name, role, created_at) VALUES (?1, ?2, ?3, ?4)",
                         [.text(hash), .text(name), .text(role.rawValue), .int(Int(now))]),
            SQLStatement("SELECT token_id FROM api_tokens WHERE token_hash = ?1", [.text(hash)]),
        ])
        return rows.first?.first?.int ?? 0
    }

    /// The token with this hash; its last use is recorded to the minute (one write a
    /// minute per token, not one per request).
    public func token(hash: String, now: Int64) async throws -> APIToken? {
        let rows = try await store.execute("SELECT token_id, name, role, last_used_at FROM api_tokens WHERE token_hash = ?1", [.text(hash)])
        guard let r = rows.first, let id = r[0].int, let name = r[1].text, let role = r[2].text.flatMap(Role.init) else { return nil }
        if (r[3].int ?? 0) < Int(now) - 60 {
            // best effort: a busy database (an import) must not turn a valid token away
            _ = try? await store.executeIfIdle([SQLStatement("UPDATE api_tokens SET last_used_at = ?1 WHERE token_id = ?2", [.int(Int(now)), .int(id)])])
        }
        return APIToken(id: id, name: name, role: role)
    }

    public func tokens() async throws -> [APIToken] {
        try await store.execute("SELECT token_id, name, role FROM api_tokens ORDER BY token_id").compactMap { r in
            guard let id = r[0].int, let name = r[1].text, let role = r[2].text.flatMap(Role.init) else { return nil }
            return APIToken(id: id, name: name, role: role)
        }
    }

    public func deleteToken(id: Int) async throws {
        try await store.execute("DELETE FROM api_tokens WHERE token_id = ?1", [.int(id)])
    }

    // MARK: login failures (keys are hashes: no raw address or name is stored)

    public func recordLoginFailure(keys: [String], at: Int64, keepSeconds: Int64) async throws {
        var statements = keys.map { SQLStatement("INSERT INTO login_failures (key_hash, at) VALUES (?1, ?2)", [.text($0), .int(Int(at))]) }
        statements.append(SQLStatement("DELETE FROM login_failures WHERE at < ?1", [.int(Int(at - keepSeconds))]))
        try await store.execute(statements)
    }

    public func loginFailures(key: String, since: Int64) async throws -> Int {
        try await store.execute("SELECT COUNT(*) FROM login_failures WHERE key_hash = ?1 AND at >= ?2", [.text(key), .int(Int(since))])
            .first?.first?.int ?? 0
    }

    /// Best effort: a sign-in is not held up by a busy database.
    public func clearLoginFailures(key: String) async throws {
        _ = try await store.executeIfIdle([SQLStatement("DELETE FROM login_failures WHERE key_hash = ?1", [.text(key)])])
    }

    // MARK: data version

    /// The id of the latest committed import: changes with every import (never seen before
    /// its commit), so it keys cached reports.
    public func dataVersion() async throws -> Int {
        try await store.execute("SELECT COALESCE(MAX(import_id), 0) FROM imports").first?.first?.int ?? 0
    }

    // MARK: settings

    /// The value of setting `name`; when unset, `make()` is stored first (by whichever
    /// instance gets there first: every instance then reads the same value).
    public func setting(_ name: String, orInit make: () -> String) async throws -> String {
        let rows = try await store.execute([
            SQLStatement("INSERT INTO settings (name, value) VALUES (?1, ?2) ON CONFLICT (name) DO NOTHING", [.text(name), .text(make())]),
            SQLStatement("SELECT value FROM settings WHERE name = ?1", [.text(name)]),
        ])
        guard let v = rows.first?.first?.text else { throw StoreError("setting \(name) could not be stored") }
        return v
    }

    /// The random salt of visitor hashes for UTC day `day`, shared by every instance; older
    /// days' salts are deleted, so their hashes can never be recomputed. While the database
    /// is locked for writing (an import on SQLite, whose single file one instance serves),
    /// the salt made here is returned without being stored.
    public func visitorSalt(day: Int, make: () -> String) async throws -> String {
        let name = "visitor_salt_\(day)"
        if let v = try await setting(name) { return v }
        let fresh = make()
        let rows = try await store.executeIfIdle([
            SQLStatement("INSERT INTO settings (name, value) VALUES (?1, ?2) ON CONFLICT (name) DO NOTHING", [.text(name), .text(fresh)]),
            SQLStatement("DELETE FROM settings WHERE name LIKE 'visitor_salt_%' AND name <> ?1", [.text(name)]),
            SQLStatement("SELECT value FROM settings WHERE name = ?1", [.text(name)]),
        ])
        return rows?.first?.first?.text ?? fresh
    }

    /// The value of setting `name`, if set.
    public func setting(_ name: String) async throws -> String? {
        try await store.execute("SELECT value FROM settings WHERE name = ?1", [.text(name)]).first?.first?.text
    }

    public func setSetting(_ name: String, _ value: String) async throws {
        try await store.execute("INSERT INTO settings (name, value) VALUES (?1, ?2) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                                [.text(name), .text(value)])
    }

    /// The organisation's time zone (setting `org_timezone`, `engage config timezone`): the
    /// zone advocacy periods are cut in. UTC when unset.
    public static let orgTimeZoneSetting = "org_timezone"

    /// The zone a report period is cut in: `override`, else the organisation's setting, else
    /// UTC; with the period's bounds as instants and the offset its days are cut at.
    public func periodCut(_ period: Period, override: String?) async throws -> (zone: String, from: Int64, to: Int64, shift: Int) {
        var zoneName = "UTC"
        if let override { zoneName = override } else if let set = try await setting(Self.orgTimeZoneSetting) { zoneName = set }
        guard var clock = ZoneClock(identifier: zoneName) else { throw StoreError("unknown time zone '\(zoneName)'") }
        let from = clock.startOfDay(period.from), to = clock.startOfDay(period.to.adding(days: 1))
        // days within the period are cut at the offset of its first day (exact for zones
        // without daylight saving time, such as Russia's; within an hour around a change)
        return (zoneName, from, to, clock.offset(atUTC: from))
    }

    // MARK: tracked links

    public struct NewLink: Sendable {
        public var code: String
        public var target: String
        public var employeeID: String?
        public var contentID: String?
        public var utmSource, utmMedium, utmCampaign, utmContent, utmTerm: String?
        public init(code: String, target: String, employeeID: String? = nil, contentID: String? = nil, utmSource: String? = nil,
                    utmMedium: String? = nil, utmCampaign: String? = nil, utmContent: String? = nil, utmTerm: String? = nil) {
            self.code = code
            self.target = target
            self.employeeID = employeeID
            self.contentID = contentID
            self.utmSource = utmSource
            self.utmMedium = utmMedium
            self.utmCampaign = utmCampaign
            self.utmContent = utmContent
            self.utmTerm = utmTerm
        }
    }

    /// The stored target of a tracked link.
    public func linkTarget(code: String) async throws -> String? {
        try await store.execute("SELECT target FROM links WHERE link_code = ?1", [.text(code)]).first?.first?.text
    }

    /// Stores a tracked link (import_id 0: made by Engage, not imported). Unknown employee or
    /// content ids and taken codes are `StoreError`s.
    public func addLink(_ l: NewLink, now: Int64) async throws {
        if let e = l.employeeID, try await store.execute("SELECT 1 FROM employees WHERE employee_id = ?1", [.text(e)]).isEmpty {
            throw StoreError("no employee '\(e)' (import employees.csv first)")
        }
        if let c = l.contentID, try await store.execute("SELECT 1 FROM content WHERE content_id = ?1", [.text(c)]).isEmpty {
            throw StoreError("no content item '\(c)' (import content.csv first)")
        }
        if try await !store.execute("SELECT 1 FROM links WHERE link_code = ?1", [.text(l.code)]).isEmpty {
            throw StoreError("the link code '\(l.code)' is taken")
        }
        func v(_ s: String?) -> StoreValue { s.map { .text($0) } ?? .null }
        try await store.execute("""
            INSERT INTO links (link_code, target, employee_id, content_id, utm_source, utm_medium, utm_campaign, utm_content, utm_term, created_at, import_id)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 0)
            """, [.text(l.code), .text(l.target), v(l.employeeID), v(l.contentID), v(l.utmSource), v(l.utmMedium), v(l.utmCampaign),
                  v(l.utmContent), v(l.utmTerm), .int(Int(now))])
    }

    // MARK: posts listing

    public func posts(_ q: PostListQuery) async throws -> PostPage {
        var whereSQL = "day BETWEEN ?1 AND ?2"
        var binds: [StoreValue] = [.int(q.period.from.dayNumber), .int(q.period.to.dayNumber)]
        if !q.accountIDs.isEmpty {
            let marks = q.accountIDs.indices.map { "?\(binds.count + $0 + 1)" }.joined(separator: ", ")
            whereSQL += " AND account_id IN (\(marks))"
            binds += q.accountIDs.map { .text($0) }
        }
        if let t = q.type {
            binds.append(.text(t))
            whereSQL += t.isEmpty ? " AND (type IS NULL OR type = ?\(binds.count))" : " AND type = ?\(binds.count)"
        }
        if let r = q.rubric {
            binds.append(.text(r))
            whereSQL += r.isEmpty ? " AND (rubric IS NULL OR rubric = ?\(binds.count))" : " AND rubric = ?\(binds.count)"
        }
        let total = try await store.execute("SELECT COUNT(*) FROM posts WHERE \(whereSQL)", binds).first?.first?.int ?? 0
        let dir = q.descending ? "DESC" : "ASC"
        // unknown values (NULL) last in either direction
        let order = q.sort == .published || q.sort == .engagements
            ? "\(q.sort.sql) \(dir)" : "(\(q.sort.sql) IS NULL), \(q.sort.sql) \(dir)"
        let limit = max(1, q.perPage), offset = max(0, q.page - 1) * limit
        let rows = try await store.execute("""
            SELECT account_id, post_id, published_at, day, type, rubric, url, text, likes, comments, shares, views, reach
            FROM posts WHERE \(whereSQL) ORDER BY \(order), post_id COLLATE BINARY LIMIT \(limit) OFFSET \(offset)
            """, binds)
        let items = rows.map { r in
            PostListItem(
                accountID: r[0].text ?? "",
                post: PostMetrics(postID: r[1].text ?? "", publishedAt: Int64(r[2].int ?? 0), date: LocalDate(dayNumber: r[3].int ?? 0),
                                  type: r[4].text, rubric: r[5].text, url: r[6].text, likes: r[8].int ?? 0, comments: r[9].int ?? 0,
                                  shares: r[10].int ?? 0, views: r[11].int, reach: r[12].int, followers: nil),
                text: r[7].text)
        }
        return PostPage(total: total, posts: items)
    }
}
