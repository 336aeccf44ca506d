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

    /// Accounts and competitors in the browser: add, edit, archive, with accounts.csv's rules.
    @Test(arguments: engines) func analystsManageAccountsInTheBrowser(engine: Engine) async throws {
        try await withFixture(engine) { f, client in
            #expect(try await client.execute(uri: "/accounts", method: .get, headers: try await signedIn(client, "vera")).status == .forbidden)
            let alex = try await signedIn(client, "alex")
            let page = try await client.execute(uri: "/accounts", method: .get, headers: alex)
            #expect(page.status == .ok && page.text.contains("action=\"/accounts/vk_main/edit\""))
            let csrf = try csrfToken(page)
            func post(_ path: String, _ body: String) async throws -> TestResponse {
                try await client.execute(uri: path, method: .post, headers: alex, body: ByteBuffer(string: "csrf=\(csrf)&" + body))
            }
            #expect(try await post("/accounts", "account_id=vk_new&network=VK&name=New+one&timezone=Europe%2FMoscow&competitor=yes").status == .seeOther)
            let made = try #require(try await f.store.accounts().first { $0.accountID == "vk_new" })
            #expect(made.network == "vk" && made.name == "New one" && made.competitor && made.timezone == "Europe/Moscow")
            #expect(try await post("/accounts", "account_id=vk_new&network=vk&timezone=UTC").status == .conflict)
            #expect(try await post("/accounts", "account_id=bad+id&network=vk&timezone=UTC").status == .unprocessableContent)
            #expect(try await post("/accounts", "account_id=x1&network=vk&timezone=Mars%2FOlympus").status == .unprocessableContent)
            // edit: name and flag; the zone only while the account has no data
            #expect(try await post("/accounts/vk_new/edit", "network=vk&name=Renamed&timezone=UTC").status == .seeOther)
            let edited = try #require(try await f.store.accounts().first { $0.accountID == "vk_new" })
            #expect(edited.name == "Renamed" && !edited.competitor && edited.timezone == "UTC")
            let zone = try await post("/accounts/vk_main/edit", "network=vk&name=Main&timezone=UTC")
            #expect(zone.status == .unprocessableContent && zone.text.contains("whose days were cut in Europe/Moscow"))
            #expect(try await f.store.accounts().first { $0.accountID == "vk_main" }?.timezone == "Europe/Moscow")
            // archive: out of the overview, its page still there; restored
            #expect(try await post("/accounts/vk_main/archive", "").status == .seeOther)
            let viewer = try await signedIn(client, "vera")
            let overview = try await client.execute(uri: "/?from=2026-03-01&to=2026-03-31", method: .get, headers: viewer)
            #expect(!overview.text.contains(">Main<") && overview.text.contains(">Comp<"))
            #expect(try await client.execute(uri: "/accounts/vk_main?from=2026-03-01&to=2026-03-31", method: .get, headers: viewer).status == .ok)
            #expect(try await post("/accounts/vk_main/archive", "archive=no").status == .seeOther)
            let back = try await client.execute(uri: "/?from=2026-03-01&to=2026-03-31", method: .get, headers: viewer)
            #expect(back.text.contains(">Main<"))
        }
    }
}
