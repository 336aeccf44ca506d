import EngageCore
import EngageServer
import EngageStore
import EngageTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

extension HTTPField.Name {
    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!
}

/// Sessions die with their user, their password and their role; names cannot be doubled
/// with look-alikes; sign-in tells nothing by its timing, cannot lock someone else out from
/// one address, and believes X-Forwarded-For only from configured proxies; no open redirect.
@Suite struct AccessTests {
    func me(_ client: any TestClientProtocol, _ cookie: String) async throws -> TestResponse {
        try await client.execute(uri: "/api/v1/me", method: .get, headers: [.cookie: "engage_session=\(cookie)"])
    }

    func adminForm(_ client: any TestClientProtocol) async throws -> (jar: HTTPFields, csrf: String) {
        let cookie = try #require(try await postSignIn(client, "ada", "password-ada").cookies["engage_session"])
        let jar: HTTPFields = [.cookie: "engage_session=\(cookie)", .contentType: "application/x-www-form-urlencoded"]
        let page = try await client.execute(uri: "/users", method: .get, headers: jar)
        return (jar, try csrfToken(page))
    }

    /// Before the fix: a removed user's cookie named a row id; the next user created got the
    /// same id (SQLite reuses the largest), and the cookie became that user's session.
    @Test(arguments: engines) func aRemovedUsersCookieNeverRevives(engine: Engine) async throws {
        try await withFixture(engine) { f, client in
            let users = Users(store: f.store)
            try await users.add(name: "temp", role: .viewer, passwordHash: ServerSecurity.hashPassword("password-temp", cost: 4), now: testNow)
            let cookie = try #require(try await postSignIn(client, "temp", "password-temp").cookies["engage_session"])
            #expect(try await me(client, cookie).status == .ok)
            try await users.remove(uid: try #require(try await users.user(named: "temp")).uid)
            try await users.add(name: "boss", role: .admin, passwordHash: ServerSecurity.hashPassword("password-boss", cost: 4), now: testNow)
            let after = try await me(client, cookie)
            #expect(after.status == .unauthorized, "the removed viewer's cookie must not be the new admin's session")
            #expect(!after.text.contains("boss"))
        }
    }

    @Test(arguments: engines) func aPasswordResetEndsTheUsersSessions(engine: Engine) async throws {
        try await withFixture(engine) { f, client in
            let old = try #require(try await postSignIn(client, "vera", "password-vera").cookies["engage_session"])
            let (jar, csrf) = try await adminForm(client)
            let vera = try #require(try await Users(store: f.store).user(named: "vera"))
            let short = try await client.execute(uri: "/users/\(vera.uid)/password", method: .post, headers: jar, body: ByteBuffer(string: "csrf=\(csrf)&password=short"))
            #expect(short.status == .unprocessableContent)
            let reset = try await client.execute(uri: "/users/\(vera.uid)/password", method: .post, headers: jar,
                                                 body: ByteBuffer(string: "csrf=\(csrf)&password=brand-new-secret"))
            #expect(reset.status == .seeOther && reset.headers[.location] == "/users?done=password_changed")
            #expect(try await client.execute(uri: "/users?done=password_changed", method: .get, headers: jar).text.contains("Password changed"))
            #expect(try await me(client, old).status == .unauthorized)
            #expect(try await postSignIn(client, "vera", "password-vera").status == .unauthorized)
            #expect(try await postSignIn(client, "vera", "brand-new-secret").status == .found)
            let unknown = try await client.execute(uri: "/users/nobody/password", method: .post, headers: jar, body: ByteBuffer(string: "csrf=\(csrf)&password=brand-new-secret"))
            #expect(unknown.status == .notFound)
        }
    }

    @Test(arguments: engines) func aRoleChangeEndsTheUsersSessions(engine: Engine) async throws {
        try await withFixture(engine) { f, client in
            let old = try #require(try await postSignIn(client, "vera", "password-vera").cookies["engage_session"])
            let users = Users(store: f.store)
            try await users.setRole(uid: try #require(try await users.user(named: "vera")).uid, role: .analyst)
            #expect(try await me(client, old).status == .unauthorized)
            await #expect(throws: UserProblem.lastAdmin) {
                try await users.setRole(uid: try #require(try await users.user(named: "ada")).uid, role: .viewer)
            }
            await #expect(throws: UserProblem.lastAdmin) { try await users.remove(uid: try #require(try await users.user(named: "ada")).uid) }
        }
    }

    @Test(arguments: engines) func lookAlikeNamesAreRefused(engine: Engine) async throws {
        try await withStore(engine) { store, _ in
            let users = Users(store: store)
            try await users.add(name: "admin", role: .admin, passwordHash: "x", now: testNow)
            for name in ["Admin", "ADMIN", "ａｄｍｉｎ"] {  // case, fullwidth (NFKC)
                await #expect(throws: UserProblem.nameTaken(name.precomposedStringWithCompatibilityMapping)) {
                    try await users.add(name: name, role: .viewer, passwordHash: "x", now: testNow)
                }
            }
            for name in ["admin\u{200B}", "аdmin", "ad min", "", String(repeating: "a", count: 65), "a\u{0}b", "ad\u{202E}min"] {
                await #expect(throws: UserProblem.self, "\(name.debugDescription) accepted") {
                    try await users.add(name: name, role: .viewer, passwordHash: "x", now: testNow)
                }
            }
            // Cyrillic alone is a name, and signs in by any case
            try await users.add(name: "Анна", role: .viewer, passwordHash: "x", now: testNow)
            #expect(try await users.user(named: "анна")?.name == "Анна")
        }
    }

    /// Before the fix an unknown name was answered at once and a known one after bcrypt: the
    /// time told which names exist. The fastest of five interleaved tries of each is compared
    /// (what an attacker would take too): a busy test machine only ever adds time, and once
    /// made medians of three 4× apart.
    @Test(arguments: engines) func anUnknownNameTakesAsLongAsAKnownOne(engine: Engine) async throws {
        try await withFixture(engine, { $0.bcryptCost = 9 }) { f, client in
            try await Users(store: f.store).add(name: "slow", role: .viewer, passwordHash: ServerSecurity.hashPassword("password-slow", cost: 9), now: testNow)
            let clock = ContinuousClock()
            var known: [Duration] = [], unknown: [Duration] = []
            for i in 0..<5 {
                known.append(try await clock.measure { _ = try await postSignIn(client, "slow", "wrong-\(i)") })
                unknown.append(try await clock.measure { _ = try await postSignIn(client, "nobody\(i)", "wrong-\(i)") })
            }
            let k = known.min()!, u = unknown.min()!
            #expect(u * 2 > k, "unknown name \(u), known name \(k)")
        }
    }

    @Test(arguments: engines) func openRedirectsAreClosed(engine: Engine) async throws {
        try await withFixture(engine) { _, client in
            for back in ["/%5Cevil.example", "//evil.example", "https://evil.example", "/%09/evil.example"] {
                let r = try await client.execute(uri: "/lang/ru?back=\(back)", method: .get)
                #expect(r.headers[.location] == "/", "back=\(back)")
            }
            #expect(try await client.execute(uri: "/lang/ru?back=/posts%3Fpage%3D2", method: .get).headers[.location] == "/posts?page=2")
            let page = try await client.execute(uri: "/login?next=/%5Cevil.example", method: .get)
            #expect(page.text.contains("name=\"next\" value=\"/\""))
            let pre = page.cookies["engage_pre"] ?? ""
            let csrf = try csrfToken(page)
            let r = try await client.execute(uri: "/login", method: .post,
                                             headers: [.cookie: "engage_pre=\(pre)", .contentType: "application/x-www-form-urlencoded"],
                                             body: ByteBuffer(string: "csrf=\(csrf)&name=vera&password=password-vera&next=%2F%5Cevil.example"))
            #expect(r.status == .found)
            #expect(r.headers[.location] == "/")
        }
    }

    /// Over a real socket: the connection's address is 127.0.0.1.
    func withLiveFixture(_ engine: Engine, proxies: [String], _ body: @escaping @Sendable (Fixture, any TestClientProtocol) async throws -> Void) async throws {
        try await withStore(engine) { store, dir in
            let f = try await Fixture.make(store, dir: dir) { $0.trustedProxies = try! TrustedProxies(proxies) }
            try await f.app.test(.live) { client in try await body(f, client) }
        }
    }

    /// Before the fix any client could set X-Forwarded-For and get a fresh address per try.
    @Test(arguments: engines) func forwardedForIsIgnoredFromUntrustedPeers(engine: Engine) async throws {
        try await withLiveFixture(engine, proxies: []) { _, client in
            for i in 0..<20 {
                let r = try await postSignIn(client, "nobody\(i)", "wrong", headers: [.forwardedFor: "203.0.113.\(i)"])
                #expect(r.status == .unauthorized)
            }
            let r = try await postSignIn(client, "vera", "password-vera", headers: [.forwardedFor: "198.51.100.7"])
            #expect(r.status == .tooManyRequests, "the address limit must count the real peer")
        }
    }

    /// Five wrong passwords lock a name from that address only: the owner elsewhere still
    /// signs in (before the fix anyone could lock any account, admin included).
    @Test(arguments: engines) func wrongPasswordsLockOneAddressNotTheAccount(engine: Engine) async throws {
        try await withLiveFixture(engine, proxies: ["127.0.0.1/32"]) { _, client in
            let attacker: HTTPFields = [.forwardedFor: "203.0.113.9"], owner: HTTPFields = [.forwardedFor: "198.51.100.7"]
            for _ in 0..<5 {
                let wrong = try await postSignIn(client, "ada", "wrong", headers: attacker)
                #expect(wrong.status == .unauthorized)
            }
            let locked = try await postSignIn(client, "ada", "password-ada", headers: attacker)
            #expect(locked.status == .tooManyRequests)
            let elsewhere = try await postSignIn(client, "ada", "password-ada", headers: owner)
            #expect(elsewhere.status == .found)
        }
    }

    @Test func trustedProxiesParse() throws {
        let p = try TrustedProxies(["10.0.0.0/8", "::1", "fd00::/8"])
        #expect(p.client(remote: "10.1.2.3", forwardedFor: "198.51.100.7, 10.9.9.9") == "198.51.100.7")
        #expect(p.client(remote: "192.0.2.1", forwardedFor: "198.51.100.7") == "192.0.2.1")
        #expect(p.client(remote: "::1", forwardedFor: "2001:db8::5") == "2001:db8::5")
        #expect(p.client(remote: "::ffff:10.0.0.2", forwardedFor: "not-an-address") == "::ffff:10.0.0.2")
        #expect(throws: StoreError.self) { try TrustedProxies(["10.0.0.0/33"]) }
        #expect(throws: StoreError.self) { try TrustedProxies(["proxy.local"]) }
    }
}
