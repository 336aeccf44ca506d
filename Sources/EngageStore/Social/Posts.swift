import EngageCore

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

/// The posts listing of the dashboard and `GET /api/v1/posts`.
public struct Posts: Sendable {
    public let store: any Store
    public init(store: any Store) { self.store = store }


    public func page(_ q: PostListQuery) async throws -> PostPage {
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
