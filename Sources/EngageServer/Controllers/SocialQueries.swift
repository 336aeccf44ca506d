import EngageCore
import EngageReports
import EngageStore
import Foundation
import Hummingbird

/// What the social pages and the API both answer from: the report for a query's period and
/// accounts, and a page of posts.
extension ServerState {
    func socialReport(_ q: QueryReader) async throws -> CachedReport {
        let period = try q.period(today: today())
        let ids = q.strings("account")
        if !ids.isEmpty {
            let known = Set(try await store.accounts().map(\.accountID))
            if let missing = ids.first(where: { !known.contains($0) }) { throw APIError(.notFound, "no account with id '\(missing)'") }
        }
        return try await socialReport(period: period, accountIDs: ids.isEmpty ? nil : ids, comparison: try q.comparison(for: period))
    }


    struct PostsPage {
        var query: PostListQuery
        var page: PostPage
        var followers: [String: FollowerSeries]

        var json: JSONValue {
            .object([
                ("period", .object([("from", .string(query.period.from.description)), ("to", .string(query.period.to.description))])),
                ("page", .int(query.page)), ("per_page", .int(query.perPage)), ("total", .int(page.total)),
                ("sort", .string(query.sort.rawValue)), ("order", .string(query.descending ? "desc" : "asc")),
                ("posts", .array(page.posts.map { item in
                    var p = item.post
                    p.followers = followers[item.accountID]?.on(p.date)
                    return .object([
                        ("post_id", .string(p.postID)), ("account_id", .string(item.accountID)),
                        ("published_at", .string(p.publishedAt.isoUTC)), ("date", .string(p.date.description)),
                        ("type", .from(p.type)), ("rubric", .from(p.rubric)), ("url", .from(p.url)), ("text", .from(item.text)),
                        ("likes", .int(p.likes)), ("comments", .int(p.comments)), ("shares", .int(p.shares)),
                        ("views", .from(p.views)), ("reach", .from(p.reach)), ("engagements", .int(p.engagements)),
                        ("er_post_pct", .from(p.erPostPct)), ("err_pct", .from(p.errPct)),
                    ])
                })),
            ])
        }
    }

    static let postParams: Set<String> = ["from", "to", "account", "type", "rubric", "sort", "order", "page", "per_page"]

    /// A page of posts. For the API an empty `type=` / `rubric=` selects posts without one;
    /// on the dashboard (`page`) an empty form field means no filter, and the period is the
    /// remembered one when the query has none.
    func postsPage(_ request: Request, extra: Set<String> = [], page isPage: Bool = false) async throws -> PostsPage {
        let q = isPage ? try QueryReader(page: request, allowed: Self.postParams.union(extra)) : try QueryReader(request, allowed: Self.postParams.union(extra))
        let query = try postQuery(q, page: isPage)
        let page = try await posts.page(query)
        let ids = Array(Set(page.posts.map(\.accountID))).sorted()
        let figures = ids.isEmpty ? [:] : try await store.accountFigures(period: query.period, accountIDs: ids)
        return PostsPage(query: query, page: page, followers: figures.mapValues(\.followers))
    }

    func postQuery(_ q: QueryReader, page isPage: Bool) throws -> PostListQuery {
        var query = PostListQuery(period: try q.period(today: today()))
        query.accountIDs = q.strings("account")
        query.type = q.string("type").flatMap { isPage && $0.isEmpty ? nil : $0 }
        query.rubric = q.string("rubric").flatMap { isPage && $0.isEmpty ? nil : $0 }
        query.sort = PostSort(rawValue: try q.oneOf("sort", PostSort.allCases.map(\.rawValue)) ?? "published")!
        query.descending = (try q.oneOf("order", ["asc", "desc"]) ?? "desc") == "desc"
        query.page = try q.int("page", in: 1...1_000_000) ?? 1
        query.perPage = try q.int("per_page", in: 1...500) ?? 50
        return query
    }

}
