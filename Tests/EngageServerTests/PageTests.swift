import EngageCore
import EngageReports
@testable import EngageServer
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

    /// A large upload's import tells the page how far it has got (file, rows, share of bytes
    /// read), under an id the page chose, to the user who started it only, and only while it
    /// runs (before: an "importing…" line and nothing else for minutes).
    @Test(arguments: engines) func aRunningImportReportsItsProgress(engine: Engine) async throws {
        try await withFixture(engine) { f, client in
            let cookie = try #require(try await signIn(client, "alex", "password-alex"))
            let jar: HTTPFields = [.cookie: "engage_session=\(cookie)"]
            let csrf = try csrfToken(try await client.execute(uri: "/import", method: .get, headers: jar))
            let id = "0123456789abcdef0123456789abcdef"
            var csv = "post_id,account_id,published_at,likes\n"
            for i in 0..<120_000 { csv += "big\(i),vk_main,2026-03-0\(1 + i % 9)T10:00:00Z,\(i % 50)\n" }
            let b = "----progress"
            let body = "--\(b)\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n\(csrf)\r\n"
                + "--\(b)\r\nContent-Disposition: form-data; name=\"progress\"\r\n\r\n\(id)\r\n"
                + "--\(b)\r\nContent-Disposition: form-data; name=\"files\"; filename=\"big posts.csv\"\r\nContent-Type: text/csv\r\n\r\n\(csv)\r\n--\(b)--\r\n"
            let upload = Task {
                try await client.execute(uri: "/import", method: .post, headers: [.cookie: "engage_session=\(cookie)", .contentType: "multipart/form-data; boundary=\(b)"],
                                         body: ByteBuffer(string: body))
            }
            var seen: [[String: Any]] = []
            let started = Date()
            while seen.last?["phase"] as? String != "finishing", Date().timeIntervalSince(started) < 120 {
                let r = try await client.execute(uri: "/import/progress/\(id)", method: .get, headers: jar)
                if r.status == .ok { seen.append(r.jsonObject) }
                try await Task.sleep(for: .milliseconds(5))
            }
            let done = try await upload.value
            #expect(done.status == .seeOther)
            #expect(try await f.store.counts()["posts"] == 4 + 120_000)
            let reading = seen.filter { $0["phase"] as? String == "reading" && ($0["rows"] as? Int ?? 0) > 0 }
            #expect(!reading.isEmpty, "the page saw the rows counted while the file was read")
            if let r = reading.last {
                #expect(r["file"] as? String == "big posts.csv", "named as sent, never a server path")
                #expect((r["bytes_read"] as? Int ?? 0) <= (r["bytes_total"] as? Int ?? 0) && (r["bytes_total"] as? Int ?? 0) > 3_000_000)
                #expect(r["files_total"] as? Int == 1 && r["file_index"] as? Int == 0)
            }
            let rows = reading.compactMap { $0["rows"] as? Int }
            #expect(rows == rows.sorted(), "rows only grow")
            // over: nothing under the id any more; an id nobody follows or a malformed one: 404
            #expect(try await client.execute(uri: "/import/progress/\(id)", method: .get, headers: jar).status == .notFound)
            #expect(try await client.execute(uri: "/import/progress/nope", method: .get, headers: jar).status == .notFound)
            // a viewer may not ask at all
            let viewer = try #require(try await signIn(client, "vera", "password-vera"))
            #expect(try await client.execute(uri: "/import/progress/\(id)", method: .get, headers: [.cookie: "engage_session=\(viewer)"]).status == .forbidden)
        }
    }

    /// The board keeps each user's imports to that user, takes only well-formed ids and
    /// never grows without bound.
    @Test func theProgressBoardIsPerUserAndBounded() {
        let board = ImportProgressBoard()
        let id = String(repeating: "a", count: 32)
        #expect(board.follow(id, user: "alex") != nil)
        #expect(board.follow(id, user: "ada") == nil, "an id in use is not taken over")
        #expect(board.snapshot(id, user: "alex") != nil && board.snapshot(id, user: "ada") == nil)
        for bad in [nil, "short", String(repeating: "x", count: 65), "0123456789abcdef/../etc"] { #expect(board.follow(bad, user: "alex") == nil) }
        for i in 1..<ImportProgressBoard.limit { #expect(board.follow(String(format: "%032d", i), user: "alex") != nil) }
        #expect(board.follow(String(repeating: "z", count: 32), user: "alex") == nil, "at most \(ImportProgressBoard.limit) at once")
        board.done(id)
        #expect(board.snapshot(id, user: "alex") == nil)
        #expect(board.follow(String(repeating: "z", count: 32), user: "alex") != nil)
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
