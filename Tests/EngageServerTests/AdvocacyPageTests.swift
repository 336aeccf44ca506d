import EngageCore
import EngageReports
import EngageServer
import EngageStore
import EngageTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// The advocacy dashboard, the content library, the advocate's page and tracked links made
/// in the web app and the API, on both engines.
@Suite struct AdvocacyPageTests {
    let feb = "from=2026-02-01&to=2026-02-28"

    func withSample(_ engine: Engine, _ body: @escaping @Sendable (Fixture, any TestClientProtocol) async throws -> Void) async throws {
        try await withFixture(engine) { f, client in
            guard case .success = try await importFiles(advocacySampleFiles, into: f.store, dir: NSTemporaryDirectory()) else {
                Issue.record("sample refused"); return
            }
            try await Users(store: f.store).add(name: "vika", role: .advocate, passwordHash: ServerSecurity.hashPassword("password-vika", cost: 4),
                                                employeeID: "e3", now: testNow)
            try await body(f, client)
        }
    }

    @Test(arguments: engines) func everyAdvocacySectionHasItsPage(engine: Engine) async throws {
        try await withSample(engine) { _, client in
            let jar = try await signedIn(client, "vera")
            let expected: [(String, [String])] = [
                ("funnel", ["Program funnel", "<svg", "wave-1", "66.7 %"]),
                ("leaderboards", ["Top contributors by volume", "Anna", "Pipeline per advocate", "1,500.50"]),
                ("content", ["Our new office", "title=\"41 / 1,500 × 100\""]),
                ("traffic", ["Clicks via advocates", "<svg", "Earned media value"]),
                ("sales", ["Leads by source", "advocacy", "15.0 / 15.0"]),
                ("recruiting", ["Referrals", "Careers-page visits"]),
            ]
            for (section, texts) in expected {
                let r = try await client.execute(uri: "/advocacy/\(section)?\(feb)", method: .get, headers: jar)
                #expect(r.status == .ok, "\(section)")
                for t in texts { #expect(r.text.contains(t), "\(section): \(t)") }
                // the period picker stays on the section
                #expect(r.text.contains("action=\"/advocacy/\(section)\""))
            }
            let home = try await client.execute(uri: "/advocacy?\(feb)", method: .get, headers: jar)
            #expect(home.text.contains("Program funnel"))
            #expect(try await client.execute(uri: "/advocacy/nope", method: .get, headers: jar).status == .notFound)
            var ru = jar
            ru[.acceptLanguage] = "ru-RU"
            #expect(try await client.execute(uri: "/advocacy/funnel?\(feb)", method: .get, headers: ru).text.contains("Воронка программы"))
            // advocates see their own page, not the program's figures
            let adv = try await signedIn(client, "vika")
            #expect(try await client.execute(uri: "/advocacy/funnel", method: .get, headers: adv).status == .forbidden)
            let home2 = try await client.execute(uri: "/", method: .get, headers: adv)
            #expect(home2.status == .found && home2.headers[.location] == "/share")
        }
    }

    @Test(arguments: engines) func storiesGoFromSuggestionToApprovalToAPersonalLink(engine: Engine) async throws {
        try await withSample(engine) { f, client in
            let adv = try await signedIn(client, "vika")
            let library = try await client.execute(uri: "/content", method: .get, headers: adv)
            #expect(library.status == .ok)
            // an advocate sees approved and published items, no approval buttons
            #expect(library.text.contains("Brand video") && library.text.contains("Our new office"))
            #expect(!library.text.contains("value=\"approved\""))
            let sent = try await client.execute(uri: "/content", method: .post, headers: adv,
                                                body: ByteBuffer(string: "csrf=\(try csrfToken(library))&title=Team+%3Cb%3Eday%3C%2Fb%3E&url=https%3A%2F%2Fexample.com%2Fteam"))
            // post/redirect/get: the library again, saying so once; a reload does not resend
            #expect(sent.status == .seeOther && sent.headers[.location] == "/content?done=item_submitted")
            let after = try await client.execute(uri: "/content?done=item_submitted", method: .get, headers: adv)
            #expect(after.text.contains("your suggestion is waiting for approval"))
            #expect(after.text.contains("Team &lt;b&gt;day&lt;/b&gt;"), "the advocate's own suggestion is listed, escaped")
            let forged = try await client.execute(uri: "/content?done=%3Cscript%3E", method: .get, headers: adv)
            #expect(forged.status == .ok && !forged.text.contains("class=\"notice\""), "a link cannot make the page say anything")
            let row = try #require(try await f.store.execute("SELECT content_id, submitted_by, status, submitted_at, approved_at FROM content WHERE title = 'Team <b>day</b>'").first)
            let id = try #require(row[0].text)
            #expect(row[1] == .text("e3") && row[2] == .text("submitted") && row[3] == .int(Int(testNow)) && row[4] == .null)
            // a bad address is refused and stores nothing
            let bad = try await client.execute(uri: "/content", method: .post, headers: adv,
                                               body: ByteBuffer(string: "csrf=\(try csrfToken(library))&title=x&url=javascript%3Aalert(1)"))
            #expect(bad.status == .unprocessableContent)
            #expect(try await f.store.execute("SELECT COUNT(*) FROM content") == [[.int(3)]])
            // only admins approve
            let denied = try await client.execute(uri: "/content/\(id)/status", method: .post, headers: adv,
                                                  body: ByteBuffer(string: "csrf=\(try csrfToken(library))&status=approved"))
            #expect(denied.status == .forbidden)
            let admin = try await signedIn(client, "ada")
            let adminPage = try await client.execute(uri: "/content?status=submitted", method: .get, headers: admin)
            #expect(adminPage.text.contains("value=\"approved\""))
            let approved = try await client.execute(uri: "/content/\(id)/status", method: .post, headers: admin,
                                                    body: ByteBuffer(string: "csrf=\(try csrfToken(adminPage))&status=published"))
            #expect(approved.status == .seeOther && approved.headers[.location] == "/content?done=content_changed")
            #expect(try await f.store.execute("SELECT status, approved_at, published_at FROM content WHERE content_id = ?1", [.text(id)])
                == [[.text("published"), .int(Int(testNow)), .int(Int(testNow))]])
            #expect(try await client.execute(uri: "/content/nothing/status", method: .post, headers: admin,
                                             body: ByteBuffer(string: "csrf=\(try csrfToken(adminPage))&status=approved")).status == .notFound)
            // the advocate's page offers every approved item with a personal link, made once
            let share = try await client.execute(uri: "/share", method: .get, headers: adv)
            #expect(share.status == .ok)
            #expect(share.text.contains("Team &lt;b&gt;day&lt;/b&gt;"))
            let links = try await f.store.execute("SELECT link_code, target, utm_medium, utm_content, content_id FROM links WHERE employee_id = 'e3' ORDER BY content_id COLLATE BINARY")
            #expect(links.count == 3, "c1, c2 and the new item")
            let mine = try #require(links.first { $0[4] == .text(id) })
            let code = try #require(mine[0].text)
            #expect(mine[2] == .text("advocacy") && mine[3] == .text(code))
            #expect(mine[1] == .text("https://example.com/team?utm_source=employee&utm_medium=advocacy&utm_campaign=\(id)&utm_content=\(code)"))
            #expect(share.text.contains("/r/\(code)"))
            // share buttons that work without JavaScript: the networks' own share addresses
            // carrying the personal link; a copy button that app.js shows
            let encoded = try #require("http://localhost/r/\(code)".addingPercentEncoding(withAllowedCharacters: .alphanumerics))
            #expect(share.text.contains("href=\"https://vk.com/share.php?url=") && share.text.contains("https://t.me/share/url?url=")
                && share.text.contains("https://www.linkedin.com/sharing/share-offsite/?url=") && share.text.contains("https://x.com/intent/tweet?url="))
            #expect(share.text.contains("share-offsite/?url=\(encoded)") || share.text.contains("/r/\(code)\" hidden"), "the personal link is shared")
            #expect(share.text.contains("class=\"copy-button\" data-copy=") && share.text.contains("<script src=\"/static/app.js\">"))
            // their standing: 2 shares so far (s2 and none other), no clicks in the last 30 days yet
            #expect(share.text.contains("Your shares") && share.text.contains("Your place by clicks"))
            _ = try await client.execute(uri: "/share", method: .get, headers: adv)
            #expect(try await f.store.execute("SELECT COUNT(*) FROM links WHERE employee_id = 'e3'") == [[.int(3)]])
            // following it counts for the advocate
            let hop = try await client.execute(uri: "/r/\(code)", method: .get, headers: [.userAgent: "Mozilla/5.0 (Windows NT 10.0) Chrome/120.0"])
            #expect(hop.status == .found && hop.headers[.location] == mine[1].text)
            let api = try await client.execute(uri: "/api/v1/links", method: .get, headers: adv)
            let listed = (api.jsonObject["links"] as? [[String: Any]]) ?? []
            #expect(listed.count == 3 && listed.allSatisfy { $0["employee_id"] as? String == "e3" })
            #expect(listed.first { $0["code"] as? String == code }?["clicks"] as? Int == 1)
            // that click, today, puts the advocate first of the one advocate with clicks this month
            let ranked = try await client.execute(uri: "/share", method: .get, headers: adv)
            #expect(ranked.text.contains("<div class=\"v\">1 / 1</div>"))
        }
    }

    @Test(arguments: engines) func linksFromTheAPIAndTheLinksPage(engine: Engine) async throws {
        try await withSample(engine) { f, client in
            let headers: HTTPFields = [.authorization: "Bearer \(f.analystToken)", .contentType: "application/json"]
            let made = try await client.execute(uri: "/api/v1/links", method: .post, headers: headers,
                                                body: ByteBuffer(string: #"{"target": "https://example.com/p?x=1#top", "employee_id": "e1", "content_id": "c2", "utm_source": "linkedin"}"#))
            #expect(made.status == .created)
            let code = try #require(made.jsonObject["code"] as? String)
            #expect(made.jsonObject["target"] as? String == "https://example.com/p?x=1&utm_source=linkedin&utm_content=\(code)#top")
            #expect((made.jsonObject["short_url"] as? String)?.hasSuffix("/r/\(code)") == true)
            let cases: [(String, HTTPResponse.Status)] = [
                (#"{"target": "javascript:alert(1)"}"#, .unprocessableContent),
                (#"{"target": "https://example.com/", "employee_id": "nobody"}"#, .unprocessableContent),
                (#"{"target": "https://example.com/", "code": "\#(code)"}"#, .conflict),
                (#"{"target": "https://example.com/", "code": "has space"}"#, .unprocessableContent),
                (#"{"target": "https://example.com/", "colour": "red"}"#, .badRequest),
                (#"{"target": 5}"#, .badRequest),
                (#"["https://example.com/"]"#, .badRequest),
                ("{oops", .badRequest),
            ]
            for (body, status) in cases {
                let r = try await client.execute(uri: "/api/v1/links", method: .post, headers: headers, body: ByteBuffer(string: body))
                #expect(r.status == status, "\(body)")
                #expect(!r.errorMessage.isEmpty)
            }
            #expect(try await f.store.execute("SELECT COUNT(*) FROM links") == [[.int(3)]], "only the first call made a link")
            let viewer = try await client.execute(uri: "/api/v1/links", method: .post, headers: [.authorization: "Bearer \(f.viewerToken)", .contentType: "application/json"],
                                                  body: ByteBuffer(string: #"{"target": "https://example.com/"}"#))
            #expect(viewer.status == .forbidden)
            // the Links page makes brand links through the same rules
            let jar = try await signedIn(client, "alex")
            let page = try await client.execute(uri: "/links", method: .get, headers: jar)
            #expect(page.status == .ok && page.text.contains("/r/\(code)"))
            let form = try await client.execute(uri: "/links", method: .post, headers: jar,
                                                body: ByteBuffer(string: "csrf=\(try csrfToken(page))&target=https%3A%2F%2Fexample.com%2Fsale&utm_source=vk&utm_medium=social"))
            let madeAt = try #require(form.headers[.location])
            #expect(form.status == .seeOther && madeAt.hasPrefix("/links?created="))
            #expect(try await client.execute(uri: madeAt, method: .get, headers: jar).text.contains("https://example.com/sale?utm_source=vk&amp;utm_medium=social"))
            #expect(try await f.store.execute("SELECT COUNT(*) FROM links WHERE employee_id IS NULL AND target = ?1",
                                             [.text("https://example.com/sale?utm_source=vk&utm_medium=social")]) == [[.int(1)]])
            let refused = try await client.execute(uri: "/links", method: .post, headers: jar,
                                                   body: ByteBuffer(string: "csrf=\(try csrfToken(page))&target=ftp%3A%2F%2Fexample.com"))
            #expect(refused.status == .unprocessableContent)
            let viewerJar = try await signedIn(client, "vera")
            #expect(try await client.execute(uri: "/links", method: .get, headers: viewerJar).status == .forbidden)
        }
    }
}
