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
/// Imports through the API: roles, all or nothing, multipart uploads, the body limit.
@Suite struct ImportControllerTests {
    @Test(arguments: engines) func importNeedsAnAnalystAndIsAllOrNothing(engine: Engine) async throws {
        try await withFixture(engine) { f, client in
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

    @Test(arguments: engines) func multipartUploadsImportEveryFile(engine: Engine) async throws {
        try await withFixture(engine) { f, client in
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

    /// A native export through the API (#13): a raw VK post export with ?account=, first
    /// as a dry run (nothing written, the columns shown), then for real; without an account
    /// it is refused with one line.
    @Test(arguments: engines) func nativeExportsImportThroughTheAPI(engine: Engine) async throws {
        try await withFixture(engine) { f, client in
            let vk = ByteBuffer(string: """
                "Дата","Создатель записи","Запись","Ссылка","Охват подписчиков","Виральный охват","Рекламный охват","Полный охват","Нравится","Поделились","Комментариев","Скрыли запись","Жалобы","Скрыли все записи","Переходы в сообщество","Подписались на страницу","Переходы по ссылке"
                "2026-03-05 9:30","Админ","Пост","https://vk.com/wall-1_7",10,0,0,10,4,1,2,0,0,0,0,0,1

                """)
            let before = try await f.store.counts()
            let dry = try await client.execute(uri: "/api/v1/import?file=vk_group_reach.stat&account=vk_main&dry_run=true", method: .post,
                                               headers: bearer(f.analystToken), body: vk)
            #expect(dry.status == .ok, "\(dry.text)")
            #expect(dry.jsonObject["dry_run"] as? Bool == true && dry.jsonObject["imported_rows"] as? Int == 0)
            let file = (dry.jsonObject["files"] as? [[String: Any]])?.first
            #expect(file?["format"] as? String == "VK post statistics" && file?["account"] as? String == "vk_main" && file?["rows"] as? Int == 1)
            #expect(((file?["columns"] as? [[String: Any]]) ?? []).contains { $0["column"] as? String == "Полный охват" && $0["field"] as? String == "posts.reach" })
            #expect(try await f.store.counts() == before)
            // a file that names its community: without --account it goes to vk:club1; with a bad option: 400
            let badZone = try await client.execute(uri: "/api/v1/import?file=vk.stat&timezone=Mars/Base", method: .post, headers: bearer(f.analystToken), body: vk)
            #expect(badZone.status == .badRequest)
            let ok = try await client.execute(uri: "/api/v1/import?file=vk_group_reach.stat&account=vk_main", method: .post, headers: bearer(f.analystToken), body: vk)
            #expect(ok.status == .ok && ok.jsonObject["imported_rows"] as? Int == 1, "\(ok.text)")
            #expect(try await f.store.counts()["posts"] == before["posts"]! + 1)
            let stats = ByteBuffer(string: "\"Дата\",\"Критерий\",\"Парам. №1\",\"Парам. №2\",\"Значение\"\n\"05.03.2026\",\"views\",\"\",\"\",40\n")
            let refused = try await client.execute(uri: "/api/v1/import?file=stats.csv", method: .post, headers: bearer(f.analystToken), body: stats)
            let details = (refused.jsonObject["error"] as? [String: Any])?["details"] as? [String] ?? []
            #expect(refused.status == .unprocessableContent && details.count == 1 && details[0].hasPrefix("stats.csv:0:0: this VK community statistics file does not say which account"))
            #expect(!refused.text.contains("/tmp") && !refused.text.contains("engage-upload"))
        }
    }

    @Test(arguments: engines) func bodiesOverTheLimitAre413(engine: Engine) async throws {
        try await withFixture(engine, { $0.maxBodyBytes = 100 }) { f, client in
            let big = ByteBuffer(string: "post_id,account_id,published_at\n" + String(repeating: "p,vk_main,2026-03-01T00:00:00Z\n", count: 20))
            let r = try await client.execute(uri: "/api/v1/import?file=posts.csv", method: .post, headers: bearer(f.analystToken), body: big)
            #expect(r.status == .contentTooLarge)
            #expect(r.errorMessage.contains("larger"))
        }
    }
}
