import ArgumentParser
@testable import EngageCLI
import EngageStore
import EngageTestSupport
import Foundation
import Testing

/// The commands a new user runs first, through the real argument parser.
@Suite(.tags(.medium)) struct CommandLineTests {
    @Test(arguments: engines) func demoThenHTMLAndJSONReports(engine: Engine) async throws {
        try await withTempDir { dir in
            let db = try freshTarget(engine, dir: dir)
            try await run(["demo", "--db", db, "--out", dir + "/demo-data"])
            let store = try openStore(target: db)
            let counts = try await store.counts()
            // six contract accounts, and one native export per network beside them (#13)
            #expect(counts["accounts"] == 14)
            let native = try await store.accounts().map(\.accountID).filter { !["vk_zerno", "tg_zerno", "ig_zerno", "li_zerno", "vk_bodro", "tg_coffeechain"].contains($0) }
            #expect(native.sorted() == ["facebook:555", "instagram:556", "linkedin_zerno", "telegram:1777000001", "tiktok:zerno_coffee",
                                        "vk:club777", "x_zerno", "youtube_zerno"])
            #expect(FileManager.default.fileExists(atPath: dir + "/demo-data/native/telegram/result.json"))
            #expect(counts["posts"]! > 2000)
            #expect(counts["sessions"]! > 10_000)
            try await run(["report", "social", "--db", db, "--format", "html", "--output", dir + "/r.html"])
            let html = try String(contentsOfFile: dir + "/r.html", encoding: .utf8)
            #expect(html.contains("<svg"))
            #expect(html.contains("Кофейня «Бодро» (конкурент)"))
            try await run(["report", "social", "--db", db, "--format", "json", "--output", dir + "/r.json", "--account", "vk_zerno"])
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/r.json"))) as! [String: Any]
            let accounts = json["accounts"] as! [[String: Any]]
            #expect(accounts.count == 1)
            #expect((accounts[0]["posts"] as! Int) > 0)
            #expect(accounts[0]["reach_is_upper_bound"] as? Bool == false)  // the demo has VK's own monthly totals
            if engine == .postgres, let pg = try openStore(target: db) as? PostgresStore, let schema = pg.target.schema {
                try await pg.executeForTests("DROP SCHEMA \(schema) CASCADE")
            }
        }
    }

    /// `--format pdf` prints the HTML report through headless Chromium (scripts/test.sh
    /// installs it); without Chromium it is one line saying what to do, and no file.
    @Test func reportsPrintToPDFThroughChromium() async throws {
        try await withTempDir { dir in
            let db = dir + "/e.sqlite"
            let csv = dir + "/in"
            try FileManager.default.createDirectory(atPath: csv, withIntermediateDirectories: true)
            try "account_id,network,name\nvk_a,vk,A\n".write(toFile: csv + "/accounts.csv", atomically: true, encoding: .utf8)
            try "post_id,account_id,published_at,likes,comments,shares\np1,vk_a,2026-03-02T10:00:00Z,5,1,0\n".write(toFile: csv + "/posts.csv", atomically: true, encoding: .utf8)
            try await run(["import", "--db", db, csv])
            let args = ["report", "social", "--db", db, "--from", "2026-03-01", "--to", "2026-03-31", "--format", "pdf", "--output", dir + "/r.pdf"]
            let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].contains { FileManager.default.isExecutableFile(atPath: $0) }
            if chromium {
                let done = try engage(args)
                #expect(done.status == 0, "\(done.err)")
                let pdf = try Data(contentsOf: URL(fileURLWithPath: dir + "/r.pdf"))
                #expect(pdf.prefix(4) == Data("%PDF".utf8) && pdf.count > 5_000)
            }
            // no Chromium where ENGAGE_CHROMIUM points: one line, exit 1, no file
            let missing = try engage(args.map { $0 == dir + "/r.pdf" ? dir + "/none.pdf" : $0 }, environment: ["ENGAGE_CHROMIUM": dir + "/no-such-browser"])
            #expect(missing.status == 1 && missing.err.contains("--format pdf needs headless Chromium") && missing.err.split(separator: "\n").count == 1)
            #expect(!FileManager.default.fileExists(atPath: dir + "/none.pdf"))
            let noOutput = try engage(Array(args.dropLast(2)))
            #expect(noOutput.status == 1 && noOutput.err.contains("needs --output"))
        }
    }

    @Test func refusedImportExitsNonZero() async throws {
        try await withTempDir { dir in
            try write(["accounts.csv": "account_id,network\na1,\n"], to: dir)
            await #expect(throws: ExitCode.self) { try await run(["import", "--db", dir + "/x.sqlite", dir]) }
        }
    }

    func run(_ args: [String]) async throws {
        var command = try EngageCommand.parseAsRoot(args)
        if var c = command as? AsyncParsableCommand {
            try await c.run()
        } else {
            try command.run()
        }
    }
}
