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


    /// The filter of a query: SQL and its values.
    private func filter(_ q: PostListQuery) -> (sql: String, binds: [StoreValue]) {
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
        return (whereSQL, binds)
    }

    /// Whether the sort column can be NULL (then unknown values come last in either direction).
    private func nullable(_ sort: PostSort) -> Bool { !(sort == .published || sort == .engagements) }

    private func order(_ q: PostListQuery) -> String {
        let dir = q.descending ? "DESC" : "ASC"
        return (nullable(q.sort) ? "(\(q.sort.sql) IS NULL), " : "") + "\(q.sort.sql) \(dir), post_id COLLATE BINARY"
    }

    private static let columns = "account_id, post_id, published_at, day, type, rubric, url, text, likes, comments, shares, views, reach"

    private static func item(_ r: [StoreValue]) -> PostListItem {
        PostListItem(
            accountID: r[0].text ?? "",
            post: PostMetrics(postID: r[1].text ?? "", publishedAt: Int64(r[2].int ?? 0), date: LocalDate(dayNumber: r[3].int ?? 0),
                              type: r[4].text, rubric: r[5].text, url: r[6].text, likes: r[8].int ?? 0, comments: r[9].int ?? 0,
                              shares: r[10].int ?? 0, views: r[11].int, reach: r[12].int, followers: nil),
            text: r[7].text)
    }

    public func page(_ q: PostListQuery) async throws -> PostPage {
        let (whereSQL, binds) = filter(q)
        let total = try await store.execute("SELECT COUNT(*) FROM posts WHERE \(whereSQL)", binds).first?.first?.int ?? 0
        let limit = max(1, q.perPage), offset = max(0, q.page - 1) * limit
        let rows = try await store.execute("""
            SELECT \(Self.columns) FROM posts WHERE \(whereSQL) ORDER BY \(order(q)) LIMIT \(limit) OFFSET \(offset)
            """, binds)
        return PostPage(total: total, posts: rows.map(Self.item))
    }

    /// Every post the query selects, in its order, handed over a batch at a time: each batch
    /// is read after the last one's key (sort value, post id), never by offset, and memory
    /// holds one batch. Batches start at `batch` rows (the first rows leave at once) and
    /// double up to `maxBatch`: a batch costs a pass over the filtered posts (any of seven
    /// sort orders, not all of them indexed), so few large batches keep a year's million
    /// posts to about a dozen passes rather than two hundred.
    public func each(_ q: PostListQuery, batch: Int = 5_000, maxBatch: Int = 100_000,
                     _ body: ([PostListItem]) async throws -> Void) async throws {
        var batch = max(1, batch)
        let (whereSQL, binds) = filter(q)
        let column = q.sort.sql, cmp = q.descending ? "<" : ">"
        let n = binds.count
        // after (value, id): the same value with a later id, a value further on, then
        // (nullable sorts) the unknown values; among the unknown values, a later id
        let after = "((\(column)) \(cmp) ?\(n + 1) OR ((\(column)) = ?\(n + 1) AND post_id COLLATE BINARY > ?\(n + 2))"
            + (nullable(q.sort) ? " OR \(column) IS NULL)" : ")")
        let afterNull = "(\(column) IS NULL AND post_id COLLATE BINARY > ?\(n + 1))"
        var last: (value: StoreValue, id: String)?
        while true {
            var sql = "SELECT \(Self.columns), \(column) FROM posts WHERE \(whereSQL)"
            var values = binds
            if let last {
                sql += " AND " + (last.value.isNull ? afterNull : after)
                values += last.value.isNull ? [.text(last.id)] : [last.value, .text(last.id)]
            }
            sql += " ORDER BY \(order(q)) LIMIT \(batch)"
            let rows = try await store.execute(sql, values)
            guard let end = rows.last else { return }
            try await body(rows.map(Self.item))
            if rows.count < batch { return }
            last = (end[13], end[1].text ?? "")
            batch = max(batch, min(maxBatch, batch * 2))
        }
    }
}
