import EngageCore
import EngageReports
import EngageServer
import EngageStore
import EngageTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
/// The JSON API: tokens, health and metrics, the social report (the CLI's JSON), posts,
/// errors as JSON 4xx.
@Suite struct APITests {
    let march = "from=2026-03-01&to=2026-03-31"

    @Test(arguments: engines) func healthAnswersWithoutSignInMetricsForAnAdmin(engine: Engine) async throws {
        try await withFixture(engine) { f, client in
            let h = try await client.execute(uri: "/healthz", method: .get)
            #expect(h.status == .ok)
            #expect(h.jsonObject["status"] as? String == "ok")
            _ = try await client.execute(uri: "/api/v1/accounts", method: .get)
            let m = try await client.execute(uri: "/metrics", method: .get, headers: bearer(f.adminToken))
            #expect(m.status == .ok)
            #expect(m.text.contains("http_server_request_duration"))
            let css = try await client.execute(uri: "/static/app.css", method: .get)
            #expect(css.status == .ok)
            #expect(css.text.contains("header.top"))
            let spec = try await client.execute(uri: "/openapi.yaml", method: .get)
            #expect(spec.status == .ok)
            #expect(spec.text.hasPrefix("openapi: 3.1"))
        }
    }

    @Test(arguments: engines) func theAPIWantsAToken(engine: Engine) async throws {
        try await withFixture(engine) { f, client in
            let none = try await client.execute(uri: "/api/v1/accounts", method: .get)
            #expect(none.status == .unauthorized)
            #expect(none.errorMessage.contains("Bearer"))
            let wrong = try await client.execute(uri: "/api/v1/accounts", method: .get, headers: bearer("eng_not-a-token"))
            #expect(wrong.status == .unauthorized)
            let ok = try await client.execute(uri: "/api/v1/me", method: .get, headers: bearer(f.viewerToken))
            #expect(ok.status == .ok)
            #expect(ok.jsonObject["role"] as? String == "viewer")
        }
    }

    @Test(arguments: engines) func theSocialReportIsTheCLIJSON(engine: Engine) async throws {
        try await withFixture(engine) { f, client in
            let r = try await client.execute(uri: "/api/v1/reports/social?\(march)", method: .get, headers: bearer(f.viewerToken))
            #expect(r.status == .ok)
            let period = Period(from: LocalDate(year: 2026, month: 3, day: 1), to: LocalDate(year: 2026, month: 3, day: 31))
            let expected = try await SocialReportBuilder(store: f.store).build(period: period, accountIDs: nil).json.serialized()
            #expect(r.text == expected + "\n")
            let one = try await client.execute(uri: "/api/v1/reports/social?\(march)&account=vk_main", method: .get, headers: bearer(f.viewerToken))
            #expect((one.jsonObject["accounts"] as? [Any])?.count == 1)
        }
    }

    @Test(arguments: engines) func aReportIsRebuiltAfterAnImport(engine: Engine) async throws {
        try await withFixture(engine) { f, client in
            func likes() async throws -> Int? {
                let r = try await client.execute(uri: "/api/v1/reports/social?\(march)&account=vk_main", method: .get, headers: bearer(f.viewerToken))
                return ((r.jsonObject["accounts"] as? [[String: Any]])?.first?["likes"] as? Int)
            }
            #expect(try await likes() == 35)
            #expect(try await likes() == 35)
            let more = ByteBuffer(string: "post_id,account_id,published_at,likes\np30,vk_main,2026-03-20T10:00:00Z,100\n")
            let r = try await client.execute(uri: "/api/v1/import?file=posts.csv", method: .post, headers: bearer(f.analystToken), body: more)
            #expect(r.status == .ok)
            #expect(try await likes() == 135)
        }
    }

    @Test(arguments: engines, [
        ("/api/v1/reports/social?from=2026-02-30", HTTPResponse.Status.badRequest, "from: '2026-02-30' is not a date (YYYY-MM-DD)"),
        ("/api/v1/reports/social?from=2026-03-10&to=2026-03-01", .badRequest, "to 2026-03-01 is before from 2026-03-10"),
        ("/api/v1/reports/social?acount=vk_main", .badRequest, "unknown query parameter 'acount'"),
        ("/api/v1/reports/social?account=nobody", .notFound, "no account with id 'nobody'"),
        ("/api/v1/posts?per_page=0", .badRequest, "per_page: '0' is not a whole number from 1 to 500"),
        ("/api/v1/posts?per_page=abc", .badRequest, "per_page: 'abc' is not a whole number from 1 to 500"),
        ("/api/v1/posts?sort=random", .badRequest, "sort: 'random' is not one of published, reach"),
        ("/api/v1/accounts/nobody", .notFound, "no account with id 'nobody'"),
        ("/api/v1/no-such-thing", .notFound, "no such page or resource"),
    ])
    func badQueriesAreFourHundreds(engine: Engine, query: (uri: String, status: HTTPResponse.Status, message: String)) async throws {
        let (uri, status, message) = query
        try await withFixture(engine) { f, client in
            let r = try await client.execute(uri: uri, method: .get, headers: bearer(f.viewerToken))
            #expect(r.status == status)
            #expect(r.headers[.contentType]?.hasPrefix("application/json") == true)
            #expect(r.errorMessage.hasPrefix(message), "\(r.errorMessage)")
        }
    }

    @Test(arguments: engines) func postsArePagedSortedAndFiltered(engine: Engine) async throws {
        try await withFixture(engine) { f, client in
            let r = try await client.execute(uri: "/api/v1/posts?\(march)&sort=reach&per_page=2", method: .get, headers: bearer(f.viewerToken))
            #expect(r.status == .ok)
            #expect(r.jsonObject["total"] as? Int == 4)
            let posts = r.jsonObject["posts"] as? [[String: Any]] ?? []
            #expect(posts.map { $0["post_id"] as? String } == ["p2", "p1"])
            // ER Post of p2 = 20 / 1000 followers × 100
            #expect(posts.first?["er_post_pct"] as? Double == 2.0)
            let page2 = try await client.execute(uri: "/api/v1/posts?\(march)&sort=reach&per_page=2&page=2", method: .get, headers: bearer(f.viewerToken))
            // unknown reach sorts last
            #expect((page2.jsonObject["posts"] as? [[String: Any]] ?? []).map { $0["post_id"] as? String } == ["p4", "p3"])
            let asc = try await client.execute(uri: "/api/v1/posts?\(march)&sort=engagements&order=asc&account=vk_main&type=photo", method: .get, headers: bearer(f.viewerToken))
            #expect((asc.jsonObject["posts"] as? [[String: Any]] ?? []).map { $0["post_id"] as? String } == ["p1", "p3"])
            let rubricless = try await client.execute(uri: "/api/v1/posts?\(march)&rubric=", method: .get, headers: bearer(f.viewerToken))
            #expect(rubricless.jsonObject["total"] as? Int == 2)
        }
    }
}
