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
/// Signing in and out: the login form, the session cookie, refused and limited attempts,
/// the language switch.
@Suite struct SessionControllerTests {
    @Test(arguments: engines) func pagesRedirectToTheLoginForm(engine: Engine) async throws {
        try await withFixture(engine) { _, client in
            for path in ["/", "/posts", "/accounts/vk_main", "/competitors", "/traffic"] {
                let r = try await client.execute(uri: path, method: .get)
                #expect(r.status == .found)
                #expect(r.headers[.location]?.hasPrefix("/login") == true)
            }
        }
    }

    @Test(arguments: engines) func signInSetsAHardenedCookieAndShowsTheDashboard(engine: Engine) async throws {
        try await withFixture(engine) { _, client in
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

    @Test(arguments: engines) func sessionCookieFlags(engine: Engine) async throws {
        try await withFixture(engine) { _, client in
            let page = try await client.execute(uri: "/login", method: .get)
            let pre = page.cookies["engage_pre"] ?? ""
            let csrf = try csrfToken(page)
            let r = try await client.execute(uri: "/login", method: .post,
                                             headers: [.cookie: "engage_pre=\(pre)", .contentType: "application/x-www-form-urlencoded", .init("X-Forwarded-Proto")!: "https"],
                                             body: ByteBuffer(string: "csrf=\(csrf)&name=ada&password=password-ada"))
            let line = try #require(r.headers[values: .setCookie].first { $0.hasPrefix("engage_session=") })
            #expect(line.contains("HttpOnly"))
            #expect(line.contains("SameSite=Lax"))
            #expect(line.contains("Secure"))
        }
    }

    @Test(arguments: engines) func wrongPasswordsAndForgedFormsAreRefused(engine: Engine) async throws {
        try await withFixture(engine) { _, client in
            #expect(try await signIn(client, "vera", "wrong-password", expect: .unauthorized) == nil)
            let noCSRF = try await client.execute(uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                                  body: ByteBuffer(string: "name=vera&password=password-vera"))
            #expect(noCSRF.status == .forbidden)
            #expect(noCSRF.cookies["engage_session"] == nil)
        }
    }

    @Test(arguments: engines) func loginAttemptsAreRateLimited(engine: Engine) async throws {
        try await withFixture(engine) { _, client in
            for _ in 0..<5 { _ = try await signIn(client, "alex", "nope-nope", expect: .unauthorized) }
            // the right password no longer helps within the window
            #expect(try await signIn(client, "alex", "password-alex", expect: .tooManyRequests) == nil)
            // another account from elsewhere is unaffected
            #expect(try await signIn(client, "vera", "password-vera") != nil)
        }
    }

    @Test(arguments: engines) func logoutEndsTheSession(engine: Engine) async throws {
        try await withFixture(engine) { f, client in
            let cookie = try #require(try await signIn(client, "vera", "password-vera"))
            let home = try await client.execute(uri: "/posts", method: .get, headers: [.cookie: "engage_session=\(cookie)"])
            let csrf = try csrfToken(home)
            let out = try await client.execute(uri: "/logout", method: .post,
                                               headers: [.cookie: "engage_session=\(cookie)", .contentType: "application/x-www-form-urlencoded"],
                                               body: ByteBuffer(string: "csrf=\(csrf)"))
            #expect(out.status == .found)
            let after = try await client.execute(uri: "/posts", method: .get, headers: [.cookie: "engage_session=\(cookie)"])
            #expect(after.status == .found, "the old cookie no longer works")
            _ = f
        }
    }

    @Test(arguments: engines) func languageFollowsAcceptLanguageAndTheSwitch(engine: Engine) async throws {
        try await withFixture(engine) { _, client in
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
}
