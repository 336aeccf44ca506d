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

/// A store with a little data (including HTML in imported text), users of each role and
/// tokens, and the application over it, tested without sockets.
struct Fixture {
    let store: any StoreMaintenance
    let state: ServerState
    var viewerToken = "", analystToken = "", adminToken = ""

    static let posts = #"""
        post_id,account_id,published_at,likes,comments,shares,reach,type,rubric,text,url
        p1,vk_main,2026-03-02T10:00:00Z,10,2,1,500,photo,news,<script>alert(1)</script>,javascript:alert(1)
        p2,vk_main,2026-03-03T10:00:00Z,20,0,0,900,video,news,"plain, text",https://vk.com/p2
        p3,vk_main,2026-03-04T10:00:00Z,5,5,5,,photo,,,
        p4,tg_comp,2026-03-05T10:00:00Z,1,0,0,100,text,,"<b>bold</b> & ""quoted""",

        """#
    static let daily = """
        account_id,date,followers
        vk_main,2026-03-01,1000
        tg_comp,2026-03-01,400

        """

    static func make(_ store: any StoreMaintenance, dir: String, configure: (inout ServerConfig) -> Void = { _ in }) async throws -> Fixture {
        guard case .success = try await importFiles(["accounts.csv": accountsCSV, "account_daily.csv": daily, "posts.csv": posts], into: store, dir: dir)
        else { throw StoreError("fixture import refused") }
        var config = ServerConfig()
        config.bcryptCost = 4
        config.now = { testNow }
        configure(&config)
        let state = try await ServerState(store: store, config: config)
        var f = Fixture(store: store, state: state)
        let web = Tokens(store: store)
        for (name, role) in [("vera", Role.viewer), ("alex", .analyst), ("ada", .admin)] {
            try await Users(store: store).add(name: name, role: role, passwordHash: ServerSecurity.hashPassword("password-\(name)", cost: 4), now: testNow)
        }
        f.viewerToken = try await token(web, .viewer)
        f.analystToken = try await token(web, .analyst)
        f.adminToken = try await token(web, .admin)
        return f
    }

    static func token(_ web: Tokens, _ role: Role) async throws -> String {
        let t = ServerSecurity.newAPIToken()
        try await web.add(hash: ServerSecurity.tokenHash(t), name: "test-\(role.rawValue)", role: role, now: testNow)
        return t
    }

    var app: some ApplicationProtocol {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        return EngageServerApp.application(state: state, logger: logger)
    }
}

func bearer(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)"] }

extension TestResponse {
    var text: String { String(buffer: body) }
    var jsonObject: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:] }
    var errorMessage: String { ((jsonObject["error"] as? [String: Any])?["message"] as? String) ?? "" }
    /// name → value of every Set-Cookie.
    var cookies: [String: String] {
        var out: [String: String] = [:]
        for h in headers[values: .setCookie] {
            let first = h.split(separator: ";")[0]
            let kv = first.split(separator: "=", maxSplits: 1)
            out[String(kv[0])] = kv.count > 1 ? String(kv[1]) : ""
        }
        return out
    }
}

/// Runs `body` against the application over each engine (SQLite; PostgreSQL when configured).
func withFixture(_ configure: @escaping (inout ServerConfig) -> Void = { _ in },
                 _ body: @escaping @Sendable (Fixture, any TestClientProtocol) async throws -> Void) async throws {
    for engine in engines {
        try await withStore(engine) { store, dir in
            let f = try await Fixture.make(store, dir: dir, configure: configure)
            try await f.app.test(.router) { client in try await body(f, client) }
        }
    }
}

@Suite struct APITests {
    let march = "from=2026-03-01&to=2026-03-31"

    @Test func healthAnswersWithoutSignInMetricsForAnAdmin() async throws {
        try await withFixture { f, client in
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

    @Test func theAPIWantsAToken() async throws {
        try await withFixture { f, client in
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

    @Test func theSocialReportIsTheCLIJSON() async throws {
        try await withFixture { f, client in
            let r = try await client.execute(uri: "/api/v1/reports/social?\(march)", method: .get, headers: bearer(f.viewerToken))
            #expect(r.status == .ok)
            let period = Period(from: LocalDate(year: 2026, month: 3, day: 1), to: LocalDate(year: 2026, month: 3, day: 31))
            let expected = try await SocialReportBuilder(store: f.store).build(period: period, accountIDs: nil).json.serialized()
            #expect(r.text == expected + "\n")
            let one = try await client.execute(uri: "/api/v1/reports/social?\(march)&account=vk_main", method: .get, headers: bearer(f.viewerToken))
            #expect((one.jsonObject["accounts"] as? [Any])?.count == 1)
        }
    }

    @Test func aReportIsRebuiltAfterAnImport() async throws {
        try await withFixture { f, client in
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

    @Test(arguments: [
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
    func badQueriesAreFourHundreds(uri: String, status: HTTPResponse.Status, message: String) async throws {
        try await withFixture { f, client in
            let r = try await client.execute(uri: uri, method: .get, headers: bearer(f.viewerToken))
            #expect(r.status == status)
            #expect(r.headers[.contentType]?.hasPrefix("application/json") == true)
            #expect(r.errorMessage.hasPrefix(message), "\(r.errorMessage)")
        }
    }

    @Test func postsArePagedSortedAndFiltered() async throws {
        try await withFixture { f, client in
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

    @Test func importNeedsAnAnalystAndIsAllOrNothing() async throws {
        try await withFixture { f, client in
            let good = ByteBuffer(string: "post_id,account_id,published_at,likes\np9,vk_main,2026-03-09T10:00:00Z,7\n")
            let viewer = try await client.execute(uri: "/api/v1/import?file=posts.csv", method: .post, headers: bearer(f.viewerToken), body: good)
            #expect(viewer.status == .forbidden)
            let before = try await f.store.counts()
            let bad = ByteBuffer(string: "post_id,account_id,published_at,likes\np10,vk_main,2026-03-09T10:00:00Z,7\np11,nobody,2026-03-09T10:00:00Z,x\n")
            let refused = try await client.execute(uri: "/api/v1/import?file=posts.csv", method: .post, headers: bearer(f.analystToken), body: bad)
            #expect(refused.status == .unprocessableContent)
            let details = (refused.jsonObject["error"] as? [String: Any])?["details"] as? [String] ?? []
            #expect(details.contains { $0.hasPrefix("posts.csv:3:") }, "\(details)")
            #expect(try await f.store.counts() == before)
            let ok = try await client.execute(uri: "/api/v1/import?file=posts.csv", method: .post, headers: bearer(f.analystToken), body: good)
            #expect(ok.status == .ok)
            #expect(ok.jsonObject["imported_rows"] as? Int == 1)
            #expect(try await f.store.counts()["posts"] == 5)
            let badName = try await client.execute(uri: "/api/v1/import?file=../etc.csv", method: .post, headers: bearer(f.analystToken), body: good)
            #expect(badName.status == .unprocessableContent)
            let noName = try await client.execute(uri: "/api/v1/import", method: .post, headers: bearer(f.analystToken), body: good)
            #expect(noName.status == .badRequest)
        }
    }

    @Test func multipartUploadsImportEveryFile() async throws {
        try await withFixture { f, client in
            let boundary = "XyZ123"
            let body = "--\(boundary)\r\nContent-Disposition: form-data; name=\"files\"; filename=\"posts.csv\"\r\nContent-Type: text/csv\r\n\r\n"
                + "post_id,account_id,published_at,likes\np20,vk_main,2026-03-10T10:00:00Z,3\r\n--\(boundary)--\r\n"
            var headers = bearer(f.analystToken)
            headers[.contentType] = "multipart/form-data; boundary=\(boundary)"
            let r = try await client.execute(uri: "/api/v1/import", method: .post, headers: headers, body: ByteBuffer(string: body))
            #expect(r.status == .ok, "\(r.text)")
            #expect(try await f.store.counts()["posts"] == 5)
        }
    }

    @Test func bodiesOverTheLimitAre413() async throws {
        try await withFixture({ $0.maxBodyBytes = 100 }) { f, client in
            let big = ByteBuffer(string: "post_id,account_id,published_at\n" + String(repeating: "p,vk_main,2026-03-01T00:00:00Z\n", count: 20))
            let r = try await client.execute(uri: "/api/v1/import?file=posts.csv", method: .post, headers: bearer(f.analystToken), body: big)
            #expect(r.status == .contentTooLarge)
            #expect(r.errorMessage.contains("larger"))
        }
    }
}

@Suite struct PageTests {
    /// Signs in through the form; returns the session cookie.
    func signIn(_ client: any TestClientProtocol, _ name: String, _ password: String, expect: HTTPResponse.Status = .found) async throws -> String? {
        let page = try await client.execute(uri: "/login", method: .get)
        let pre = page.cookies["engage_pre"] ?? ""
        let csrf = try #require(page.text.firstMatch(of: /name="csrf" value="([^"]+)"/)?.1)
        let r = try await client.execute(uri: "/login", method: .post,
                                         headers: [.cookie: "engage_pre=\(pre)", .contentType: "application/x-www-form-urlencoded"],
                                         body: ByteBuffer(string: "csrf=\(csrf)&name=\(name)&password=\(password)&next=%2Fposts"))
        #expect(r.status == expect)
        return r.cookies["engage_session"]
    }

    @Test func pagesRedirectToTheLoginForm() async throws {
        try await withFixture { _, client in
            for path in ["/", "/posts", "/accounts/vk_main", "/competitors", "/traffic"] {
                let r = try await client.execute(uri: path, method: .get)
                #expect(r.status == .found)
                #expect(r.headers[.location]?.hasPrefix("/login") == true)
            }
        }
    }

    @Test func signInSetsAHardenedCookieAndShowsTheDashboard() async throws {
        try await withFixture { _, client in
            let page = try await client.execute(uri: "/login", method: .get)
            #expect(page.status == .ok)
            let cookie = try #require(try await signIn(client, "vera", "password-vera"))
            let home = try await client.execute(uri: "/?from=2026-03-01&to=2026-03-31", method: .get, headers: [.cookie: "engage_session=\(cookie)"])
            #expect(home.status == .ok)
            #expect(home.text.contains("Side by side"))
            #expect(home.text.contains("<svg"))
            #expect(!home.text.contains("href=\"/import\""), "viewers get no import link")
            let imp = try await client.execute(uri: "/import", method: .get, headers: [.cookie: "engage_session=\(cookie)"])
            #expect(imp.status == .forbidden)
            #expect(imp.headers[.contentType]?.hasPrefix("text/html") == true)
        }
    }

    @Test func sessionCookieFlags() async throws {
        try await withFixture { _, client in
            let page = try await client.execute(uri: "/login", method: .get)
            let pre = page.cookies["engage_pre"] ?? ""
            let csrf = try #require(page.text.firstMatch(of: /name="csrf" value="([^"]+)"/)?.1)
            let r = try await client.execute(uri: "/login", method: .post,
                                             headers: [.cookie: "engage_pre=\(pre)", .contentType: "application/x-www-form-urlencoded", .init("X-Forwarded-Proto")!: "https"],
                                             body: ByteBuffer(string: "csrf=\(csrf)&name=ada&password=password-ada"))
            let line = try #require(r.headers[values: .setCookie].first { $0.hasPrefix("engage_session=") })
            #expect(line.contains("HttpOnly"))
            #expect(line.contains("SameSite=Lax"))
            #expect(line.contains("Secure"))
        }
    }

    @Test func wrongPasswordsAndForgedFormsAreRefused() async throws {
        try await withFixture { _, client in
            #expect(try await signIn(client, "vera", "wrong-password", expect: .unauthorized) == nil)
            let noCSRF = try await client.execute(uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                                  body: ByteBuffer(string: "name=vera&password=password-vera"))
            #expect(noCSRF.status == .forbidden)
            #expect(noCSRF.cookies["engage_session"] == nil)
        }
    }

    @Test func loginAttemptsAreRateLimited() async throws {
        try await withFixture { _, client in
            for _ in 0..<5 { _ = try await signIn(client, "alex", "nope-nope", expect: .unauthorized) }
            // the right password no longer helps within the window
            #expect(try await signIn(client, "alex", "password-alex", expect: .tooManyRequests) == nil)
            // another account from elsewhere is unaffected
            #expect(try await signIn(client, "vera", "password-vera") != nil)
        }
    }

    @Test func importedTextIsEscapedEverywhere() async throws {
        try await withFixture { _, client in
            let cookie = try #require(try await signIn(client, "ada", "password-ada"))
            let posts = try await client.execute(uri: "/posts?from=2026-03-01&to=2026-03-31", method: .get, headers: [.cookie: "engage_session=\(cookie)"])
            #expect(posts.status == .ok)
            #expect(posts.text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(!posts.text.contains("<script>"))
            #expect(!posts.text.contains("<b>bold</b>"))
            #expect(!posts.text.contains("href=\"javascript:"), "only http(s) links are linked")
            let csv = try await client.execute(uri: "/posts?from=2026-03-01&to=2026-03-31&format=csv", method: .get, headers: [.cookie: "engage_session=\(cookie)"])
            #expect(csv.headers[.contentType]?.hasPrefix("text/csv") == true)
            #expect(csv.text.split(separator: "\n").count == 5)
        }
    }

    @Test func namesWithMarkupAreEscapedOnEveryPage() async throws {
        try await withFixture { f, client in
            let accounts = "account_id,network,name,competitor,timezone\nx_1,vk,\"<img src=x onerror=alert(1)>\",true,UTC\n"
            let r = try await client.execute(uri: "/api/v1/import?file=accounts.csv", method: .post, headers: bearer(f.analystToken), body: ByteBuffer(string: accounts))
            #expect(r.status == .ok)
            let cookie = try #require(try await signIn(client, "vera", "password-vera"))
            for path in ["/", "/competitors", "/accounts/x_1", "/posts", "/traffic"] {
                let page = try await client.execute(uri: path + "?from=2026-03-01&to=2026-03-31", method: .get, headers: [.cookie: "engage_session=\(cookie)"])
                #expect(page.status == .ok, "\(path)")
                #expect(!page.text.contains("<img src=x"), "\(path) shows markup unescaped")
            }
            let competitors = try await client.execute(uri: "/competitors?from=2026-03-01&to=2026-03-31", method: .get, headers: [.cookie: "engage_session=\(cookie)"])
            #expect(competitors.text.contains("&lt;img src=x onerror=alert(1)&gt;"))
        }
    }

    @Test func theImportPageShowsTheCLIErrors() async throws {
        try await withFixture { f, client in
            let cookie = try #require(try await signIn(client, "alex", "password-alex"))
            let form = try await client.execute(uri: "/import", method: .get, headers: [.cookie: "engage_session=\(cookie)"])
            let csrf = try #require(form.text.firstMatch(of: /name="csrf" value="([^"]+)"/)?.1)
            func upload(_ csv: String, csrf: String) async throws -> TestResponse {
                let b = "----engage"
                let body = "--\(b)\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n\(csrf)\r\n"
                    + "--\(b)\r\nContent-Disposition: form-data; name=\"files\"; filename=\"posts.csv\"\r\nContent-Type: text/csv\r\n\r\n\(csv)\r\n--\(b)--\r\n"
                return try await client.execute(uri: "/import", method: .post,
                                                headers: [.cookie: "engage_session=\(cookie)", .contentType: "multipart/form-data; boundary=\(b)"],
                                                body: ByteBuffer(string: body))
            }
            let before = try await f.store.counts()
            let bad = try await upload("post_id,account_id,published_at,likes\nq1,vk_main,2026-03-01T00:00:00Z,-3\n", csrf: String(csrf))
            #expect(bad.status == .unprocessableContent)
            #expect(bad.text.contains("The import was refused; nothing was changed."))
            #expect(bad.text.contains("posts.csv:2:"), "the CLI's file:line:column")
            #expect(try await f.store.counts() == before)
            let forged = try await upload("post_id,account_id,published_at\nq1,vk_main,2026-03-01T00:00:00Z\n", csrf: "forged")
            #expect(forged.status == .forbidden)
            let good = try await upload("post_id,account_id,published_at\nq1,vk_main,2026-03-01T00:00:00Z\n", csrf: String(csrf))
            #expect(good.status == .ok)
            #expect(good.text.contains("Imported: 1 rows"))
            #expect(try await f.store.counts()["posts"] == 5)
        }
    }

    @Test func languageFollowsAcceptLanguageAndTheSwitch() async throws {
        try await withFixture { _, client in
            let cookie = try #require(try await signIn(client, "vera", "password-vera"))
            let ru = try await client.execute(uri: "/?from=2026-03-01&to=2026-03-31", method: .get,
                                              headers: [.cookie: "engage_session=\(cookie)", .acceptLanguage: "ru-RU,ru;q=0.9,en;q=0.5"])
            #expect(ru.text.contains("Обзор"))
            #expect(ru.text.contains("lang=\"ru\""))
            let sw = try await client.execute(uri: "/lang/en?back=%2Fposts", method: .get)
            #expect(sw.status == .found)
            #expect(sw.headers[.location] == "/posts")
            #expect(sw.cookies["engage_lang"] == "en")
            let en = try await client.execute(uri: "/?from=2026-03-01&to=2026-03-31", method: .get,
                                              headers: [.cookie: "engage_session=\(cookie); engage_lang=en", .acceptLanguage: "ru"])
            #expect(en.text.contains("Overview"))
            let open = try await client.execute(uri: "/lang/ru?back=https://evil.example/", method: .get)
            #expect(open.headers[.location] == "/", "no open redirect")
        }
    }

    @Test func logoutEndsTheSession() async throws {
        try await withFixture { f, client in
            let cookie = try #require(try await signIn(client, "vera", "password-vera"))
            let home = try await client.execute(uri: "/posts", method: .get, headers: [.cookie: "engage_session=\(cookie)"])
            let csrf = try #require(home.text.firstMatch(of: /name="csrf" value="([^"]+)"/)?.1)
            let out = try await client.execute(uri: "/logout", method: .post,
                                               headers: [.cookie: "engage_session=\(cookie)", .contentType: "application/x-www-form-urlencoded"],
                                               body: ByteBuffer(string: "csrf=\(csrf)"))
            #expect(out.status == .found)
            let after = try await client.execute(uri: "/posts", method: .get, headers: [.cookie: "engage_session=\(cookie)"])
            #expect(after.status == .found, "the old cookie no longer works")
            _ = f
        }
    }

    @Test func adminsManageUsersButKeepOneAdmin() async throws {
        try await withFixture { f, client in
            let cookie = try #require(try await signIn(client, "ada", "password-ada"))
            let jar: HTTPFields = [.cookie: "engage_session=\(cookie)", .contentType: "application/x-www-form-urlencoded"]
            let page = try await client.execute(uri: "/users", method: .get, headers: jar)
            #expect(page.status == .ok)
            let csrf = try #require(page.text.firstMatch(of: /name="csrf" value="([^"]+)"/)?.1)
            let added = try await client.execute(uri: "/users", method: .post, headers: jar,
                                                 body: ByteBuffer(string: "csrf=\(csrf)&name=newbie&password=long-enough-1&role=viewer"))
            #expect(added.status == .ok)
            #expect(added.text.contains("User added."))
            let web = Users(store: f.store)
            let newbie = try #require(try await web.user(named: "newbie"))
            #expect(newbie.role == .viewer)
            let short = try await client.execute(uri: "/users", method: .post, headers: jar,
                                                 body: ByteBuffer(string: "csrf=\(csrf)&name=other&password=short&role=viewer"))
            #expect(short.status == .unprocessableContent)
            let twice = try await client.execute(uri: "/users", method: .post, headers: jar,
                                                 body: ByteBuffer(string: "csrf=\(csrf)&name=newbie&password=long-enough-1&role=viewer"))
            #expect(twice.status == .conflict)
            let promoted = try await client.execute(uri: "/users/\(newbie.uid)/role", method: .post, headers: jar,
                                                    body: ByteBuffer(string: "csrf=\(csrf)&role=analyst"))
            #expect(promoted.status == .ok)
            #expect(try await web.user(named: "newbie")?.role == .analyst)
            let ada = try #require(try await web.user(named: "ada"))
            let demoteLast = try await client.execute(uri: "/users/\(ada.uid)/role", method: .post, headers: jar,
                                                      body: ByteBuffer(string: "csrf=\(csrf)&role=viewer"))
            #expect(demoteLast.status == .conflict)
            #expect(try await web.user(named: "ada")?.role == .admin)
            let forged = try await client.execute(uri: "/users/\(newbie.uid)/delete", method: .post, headers: jar, body: ByteBuffer(string: "csrf=forged"))
            #expect(forged.status == .forbidden)
            let removed = try await client.execute(uri: "/users/\(newbie.uid)/delete", method: .post, headers: jar, body: ByteBuffer(string: "csrf=\(csrf)"))
            #expect(removed.status == .ok)
            #expect(try await web.user(named: "newbie") == nil)
            let viewerCookie = try #require(try await signIn(client, "vera", "password-vera"))
            let denied = try await client.execute(uri: "/users", method: .get, headers: [.cookie: "engage_session=\(viewerCookie)"])
            #expect(denied.status == .forbidden)
        }
    }

    @Test func unknownPagesAre404Pages() async throws {
        try await withFixture { _, client in
            let cookie = try #require(try await signIn(client, "vera", "password-vera"))
            let r = try await client.execute(uri: "/accounts/nobody", method: .get, headers: [.cookie: "engage_session=\(cookie)"])
            #expect(r.status == .notFound)
            #expect(r.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(r.text.contains("no account with id &#39;nobody&#39;") || r.text.contains("no account with id &apos;nobody&apos;"))
            let bad = try await client.execute(uri: "/posts?page=-1", method: .get, headers: [.cookie: "engage_session=\(cookie)"])
            #expect(bad.status == .badRequest)
        }
    }
}

@Suite struct RedirectTests {
    func withLinks(_ body: @escaping @Sendable (Fixture, any TestClientProtocol) async throws -> Void) async throws {
        try await withFixture { f, client in
            guard case .success = try await importFiles(advocacySampleFiles, into: f.store, dir: NSTemporaryDirectory()) else {
                Issue.record("sample refused"); return
            }
            try await body(f, client)
        }
    }

    @Test func theAdvocacyReportIsServed() async throws {
        try await withLinks { f, client in
            let r = try await client.execute(uri: "/api/v1/reports/advocacy?from=2026-02-01&to=2026-02-28", method: .get, headers: bearer(f.viewerToken))
            #expect(r.status == .ok)
            #expect(r.jsonObject["headcount"] as? Int == 3)
            #expect(r.jsonObject["advocate_clicks"] as? Int == 2)
        }
    }

    @Test func aTrackedLinkRedirectsAndCountsTheClick() async throws {
        try await withLinks { f, client in
            let before = try await f.store.execute("SELECT COUNT(*) FROM clicks").first?.first?.int ?? 0
            let r = try await client.execute(uri: "/r/abc", method: .get, headers: [.userAgent: "Mozilla/5.0 (iPhone) Mobile/15E148", .referer: "https://www.linkedin.com/"])
            #expect(r.status == .found)
            #expect(r.headers[.location] == "https://example.com/office?utm_source=linkedin&utm_medium=advocacy")
            let rows = try await f.store.execute("SELECT link_code, agent_class, is_bot, referrer, visitor_hash, import_id FROM clicks WHERE import_id = 0")
            #expect(rows.count == 1)
            #expect(rows.first?[0] == .text("abc") && rows.first?[1] == .text("mobile") && rows.first?[2] == .int(0))
            #expect(rows.first?[3] == .text("https://www.linkedin.com/"))
            // a hash, not an address
            let hash = rows.first?[4].text ?? ""
            #expect(hash.count == 22 && !hash.contains("."))
            #expect(try await f.store.execute("SELECT COUNT(*) FROM clicks").first?.first?.int == before + 1)
            // the click keeps its UTC day and the link's owner (the advocate it counts for)
            #expect(try await f.store.execute("SELECT day, employee_id FROM clicks WHERE import_id = 0") == [[.int(Int(testNow / 86_400)), .text("e1")]])
        }
    }

    @Test func previewFetchersAreRecordedAsBots() async throws {
        try await withLinks { f, client in
            let r = try await client.execute(uri: "/r/abc", method: .get, headers: [.userAgent: "TelegramBot (like TwitterBot)"])
            #expect(r.status == .found)
            #expect(try await f.store.execute("SELECT agent_class, is_bot FROM clicks WHERE import_id = 0") == [[.text("bot"), .int(1)]])
        }
    }

    @Test func unknownCodesAre404AndRecordNothing() async throws {
        try await withLinks { f, client in
            let before = try await f.store.execute("SELECT COUNT(*) FROM clicks")
            for code in ["nope", "../etc", String(repeating: "x", count: 100)] {
                let r = try await client.execute(uri: "/r/\(code)", method: .get)
                #expect(r.status == .notFound, "\(code)")
                #expect(r.headers[.location] == nil)
            }
            #expect(try await f.store.execute("SELECT COUNT(*) FROM clicks") == before)
        }
    }

    @Test func theSameVisitorHashesAlikeWithinADay() async throws {
        try await withLinks { f, client in
            for _ in 0..<3 { _ = try await client.execute(uri: "/r/brand1", method: .get, headers: [.userAgent: "UA-1"]) }
            _ = try await client.execute(uri: "/r/brand1", method: .get, headers: [.userAgent: "UA-2"])
            let hashes = try await f.store.execute("SELECT COUNT(DISTINCT visitor_hash), COUNT(*) FROM clicks WHERE import_id = 0")
            #expect(hashes == [[.int(2), .int(4)]])
            #expect(try await f.store.execute("SELECT COUNT(*) FROM settings WHERE name LIKE 'visitor_salt_%'") == [[.int(1)]])
        }
    }

    /// Over a real socket: the first request for a link goes through the router (and fills
    /// the caches), the next ones are answered in the channel pipeline (RedirectHandler);
    /// both store their click before answering, alike.
    @Test func redirectsOverASocketAreAnsweredAheadOfTheRouterAlike() async throws {
        for engine in engines {
            try await withStore(engine) { store, dir in
                let f = try await Fixture.make(store, dir: dir, configure: { $0.port = 0 })
                guard case .success = try await importFiles(advocacySampleFiles, into: store, dir: dir) else { Issue.record("refused"); return }
                try await f.app.test(.live) { client in
                    var locations: [String?] = []
                    for _ in 0..<3 {
                        let r = try await client.execute(uri: "/r/abc", method: .get, headers: [.userAgent: "Mozilla/5.0 (iPhone) Mobile/15E148"])
                        #expect(r.status == .found)
                        locations.append(r.headers[.location])
                    }
                    #expect(Set(locations) == ["https://example.com/office?utm_source=linkedin&utm_medium=advocacy"])
                    let bot = try await client.execute(uri: "/r/abc", method: .get, headers: [.userAgent: "TelegramBot (like TwitterBot)"])
                    #expect(bot.status == .found)
                    let rows = try await store.execute("SELECT agent_class, is_bot, employee_id, day FROM clicks WHERE import_id = 0 ORDER BY is_bot, occurrence")
                    #expect(rows.count == 4)
                    #expect(rows.map(\.[1]) == [.int(0), .int(0), .int(0), .int(1)])
                    #expect(rows.allSatisfy { $0[2] == .text("e1") && $0[3] == .int(Int(testNow / 86_400)) })
                    // one visitor, one day: one hash for the three human clicks
                    #expect(try await store.execute("SELECT COUNT(DISTINCT visitor_hash) FROM clicks WHERE import_id = 0 AND is_bot = 0") == [[.int(1)]])
                    // unknown codes, other methods and other paths still reach the router
                    #expect(try await client.execute(uri: "/r/nope", method: .get).status == .notFound)
                    #expect(try await client.execute(uri: "/r/abc", method: .post).status != .found)
                    #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
                    #expect(try await store.execute("SELECT COUNT(*) FROM clicks WHERE import_id = 0") == [[.int(4)]])
                    // a client that asks to close gets its redirect, then the connection closes
                    let last = try await client.execute(uri: "/r/abc", method: .get, headers: [.connection: "close"])
                    #expect(last.status == .found)
                }
            }
        }
    }

    @Test func linkCodesFromTheCommandLineTagTheTarget() async throws {
        try await withStore(.sqlite) { store, dir in
            guard case .success = try await importFiles(advocacySampleFiles, into: store, dir: dir) else { Issue.record("refused"); return }
            let web = Links(store: store)
            try await web.add(.init(code: "new1", target: "https://example.com/x?a=1", employeeID: "e1"), now: testNow)
            await #expect(throws: StoreError.self) { try await web.add(.init(code: "new1", target: "https://example.com/"), now: testNow) }
            await #expect(throws: StoreError.self) { try await web.add(.init(code: "new2", target: "https://example.com/", employeeID: "nobody"), now: testNow) }
        }
    }
}
