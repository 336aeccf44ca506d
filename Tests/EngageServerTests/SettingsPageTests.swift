import EngageCore
import EngageServer
import EngageStore
import EngageTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Settings in the browser, with the command line's rules.
@Suite struct SettingsPageTests {
    @Test(arguments: engines) func adminsSetTheZoneRatesAndTokensInTheBrowser(engine: Engine) async throws {
        try await withFixture(engine) { f, client in
            #expect(try await client.execute(uri: "/settings", method: .get, headers: try await signedIn(client, "alex")).status == .forbidden)
            var admin = try await signedIn(client, "ada")
            let page = try await client.execute(uri: "/settings", method: .get, headers: admin)
            #expect(page.status == .ok && page.text.contains("value=\"UTC\""))
            let csrf = try csrfToken(page)
            func post(_ path: String, _ body: String) async throws -> TestResponse {
                try await client.execute(uri: path, method: .post, headers: admin, body: ByteBuffer(string: "csrf=\(csrf)&" + body))
            }
            // the organisation's zone: an IANA name, else the same refusal as the CLI's
            #expect(try await post("/settings/timezone", "timezone=Mars%2FOlympus").status == .unprocessableContent)
            #expect(try await post("/settings/timezone", "timezone=Europe%2FMoscow").status == .seeOther)
            #expect(try await Settings(store: f.store).orgTimeZone() == "Europe/Moscow")
            // an earned-media value, from a date on (replacing one of the same day)
            #expect(try await post("/settings/emv", "network=linkedin&action=clicks&value=0%2C75&from=2026-01-01").status == .seeOther)
            #expect(try await post("/settings/emv", "network=linkedin&action=clicks&value=0.80&from=2026-01-01").status == .seeOther)
            #expect(try await post("/settings/emv", "network=linkedin&action=clicks&value=-1&from=2026-01-01").status == .unprocessableContent)
            #expect(try await post("/settings/emv", "network=linkedin&action=hugs&value=1&from=2026-01-01").status == .unprocessableContent)
            let rates = try await AdvocacyData(store: f.store).emvRates()
            #expect(rates == [EMVRates.Rate(network: "linkedin", action: .clicks, value: 0.80, from: LocalDate(year: 2026, month: 1, day: 1))])
            // a token: shown once after the redirect, works on the API, then is revoked
            let made = try await post("/settings/tokens", "name=prometheus&role=viewer")
            #expect(made.status == .seeOther)
            let token = try #require(made.cookies["engage_new_token"])
            #expect(token.hasPrefix("eng_"))
            admin[.cookie] = (admin[.cookie] ?? "") + "; engage_new_token=\(token)"
            let shown = try await client.execute(uri: "/settings?done=token_created", method: .get, headers: admin)
            #expect(shown.text.contains("value=\"\(token)\"") && shown.headers[.cacheControl] == "no-store")
            #expect(shown.cookies["engage_new_token"] == "", "forgotten once shown")
            #expect(try await client.execute(uri: "/api/v1/me", method: .get, headers: bearer(token)).status == .ok)
            let id = try #require(try await Tokens(store: f.store).all().first { $0.name == "prometheus" }?.id)
            #expect(try await post("/settings/tokens/\(id)/revoke", "").status == .seeOther)
            #expect(try await client.execute(uri: "/api/v1/me", method: .get, headers: bearer(token)).status == .unauthorized)
        }
    }
}
