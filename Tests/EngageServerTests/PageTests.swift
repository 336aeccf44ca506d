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
/// The dashboard pages: imported text escaped everywhere, the import page, unknown pages.
@Suite struct PageTests {
    @Test(arguments: engines) func importedTextIsEscapedEverywhere(engine: Engine) async throws {
        try await withFixture(engine) { _, client in
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

    @Test(arguments: engines) func namesWithMarkupAreEscapedOnEveryPage(engine: Engine) async throws {
        try await withFixture(engine) { f, client in
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

    @Test(arguments: engines) func theImportPageShowsTheCLIErrors(engine: Engine) async throws {
        try await withFixture(engine) { f, client in
            let cookie = try #require(try await signIn(client, "alex", "password-alex"))
            let form = try await client.execute(uri: "/import", method: .get, headers: [.cookie: "engage_session=\(cookie)"])
            let csrf = try csrfToken(form)
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
            // post/redirect/get: the import's own page (a reload shows it again, imports nothing)
            let entry = try #require(good.headers[.location])
            #expect(good.status == .seeOther && entry.hasPrefix("/import?entry="))
            #expect(try await f.store.counts()["posts"] == 5)
            let shown = try await client.execute(uri: entry, method: .get, headers: [.cookie: "engage_session=\(cookie)"])
            #expect(shown.status == .ok && shown.text.contains("Imported: 1 rows"))
            #expect(shown.text.contains("<td data-label=\"Format\">contract posts.csv") || shown.text.contains(">posts.csv<"))
            // the history: this import, and the refusal before it, with who and which files
            let history = try await ImportHistory(store: f.store).recent(limit: 10)
            #expect(history.map(\.outcome) == ["imported", "refused"] && history.allSatisfy { $0.by == "alex" && $0.files == "posts.csv" })
            #expect(history[0].rows == 1 && history[1].summary.contains("posts.csv:2:"))
            #expect(shown.text.contains("History of imports") && shown.text.contains(">refused<") && shown.text.contains(">imported<"))
            #expect(!shown.text.contains("/tmp/") && !shown.text.contains("engage-upload-"), "never a server path")
            #expect(try await client.execute(uri: "/import?entry=999999", method: .get, headers: [.cookie: "engage_session=\(cookie)"]).status == .notFound)
        }
    }

    @Test(arguments: engines) func unknownPagesAre404Pages(engine: Engine) async throws {
        try await withFixture(engine) { _, client in
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
