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
    var viewerToken = "", analystToken = "", adminToken = "", hrToken = ""

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
        for (name, role) in [("vera", Role.viewer), ("alex", .analyst), ("ada", .admin), ("hana", .hr)] {
            try await Users(store: store).add(name: name, role: role, passwordHash: ServerSecurity.hashPassword("password-\(name)", cost: 4), now: testNow)
        }
        f.viewerToken = try await token(web, .viewer)
        f.analystToken = try await token(web, .analyst)
        f.adminToken = try await token(web, .admin)
        f.hrToken = try await token(web, .hr)
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

/// Runs `body` against the application over `engine` (tests take `engines` as arguments:
/// SQLite, and PostgreSQL when configured).
func withFixture(_ engine: Engine, _ configure: @escaping (inout ServerConfig) -> Void = { _ in },
                 _ body: @escaping @Sendable (Fixture, any TestClientProtocol) async throws -> Void) async throws {
    try await withStore(engine) { store, dir in
        let f = try await Fixture.make(store, dir: dir, configure: configure)
        try await f.app.test(.router) { client in try await body(f, client) }
    }
}

/// The login form's CSRF token on `page`.
func csrfToken(_ page: TestResponse) throws -> String {
    String(try #require(page.text.firstMatch(of: /name="csrf" value="([^"]+)"/)?.1))
}

/// Posts the login form as a browser would (its pre-session cookie and CSRF token first).
func postSignIn(_ client: any TestClientProtocol, _ name: String, _ password: String, headers: HTTPFields = [:]) async throws -> TestResponse {
    let page = try await client.execute(uri: "/login", method: .get, headers: headers)
    let pre = page.cookies["engage_pre"] ?? ""
    let csrf = try csrfToken(page)
    var h = headers
    h[.cookie] = "engage_pre=\(pre)"
    h[.contentType] = "application/x-www-form-urlencoded"
    let encoded = name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? name
    return try await client.execute(uri: "/login", method: .post, headers: h,
                                    body: ByteBuffer(string: "csrf=\(csrf)&name=\(encoded)&password=\(password)&next=%2Fposts"))
}

/// Signs in through the form; the session cookie (nil when refused).
func signIn(_ client: any TestClientProtocol, _ name: String, _ password: String, expect: HTTPResponse.Status = .found,
            sourceLocation: SourceLocation = #_sourceLocation) async throws -> String? {
    let r = try await postSignIn(client, name, password)
    #expect(r.status == expect, sourceLocation: sourceLocation)
    return r.cookies["engage_session"]
}

/// The headers of a signed-in form post by `name` (password `password-<name>`).
func signedIn(_ client: any TestClientProtocol, _ name: String) async throws -> HTTPFields {
    let cookie = try #require(try await signIn(client, name, "password-\(name)"))
    return [.cookie: "engage_session=\(cookie)", .contentType: "application/x-www-form-urlencoded"]
}
