import EngageCore
import EngageImport
import EngageReports
import EngageStore
import EngageTestSupport
import Foundation
import Testing

/// No number in a file can trap the process: counts have a documented maximum, a day's
/// totals too, and every sum past 2^63 − 1 is an error, not a crash. Text that is not UTF-8,
/// NUL bytes, rows cut short and things that are not files are refused with their place.
@Suite(.tags(.medium)) struct LimitsTests {
    let base = ["accounts.csv": accountsCSV, "account_daily.csv": "account_id,date,followers\nvk_main,2026-03-01,100\n"]

    func refused(_ engine: Engine, _ files: [String: String], sourceLocation: SourceLocation = #_sourceLocation) async throws -> [String] {
        try await withStore(engine) { store, dir in
            guard case .success = try await importFiles(base, into: store, dir: dir) else { Issue.record("base refused"); return [] }
            let before = try await store.counts()
            guard case .failure(let f) = try await importFiles(files, into: store, dir: dir) else {
                Issue.record("accepted", sourceLocation: sourceLocation)
                return []
            }
            #expect(try await store.counts() == before, sourceLocation: sourceLocation)
            return f.errors.map(\.description)
        }
    }

    /// Before the fix: `likes=9223372036854775807` was stored, and its day's sum trapped.
    @Test(arguments: engines) func aCountPastTheLimitIsRefusedWithItsPlace(engine: Engine) async throws {
        let e = try await refused(engine, ["posts.csv": "post_id,account_id,published_at,likes,views\np1,vk_main,2026-03-01T10:00:00Z,9223372036854775807,1000000000001\n"])
        #expect(e == [
            "posts.csv:2:33: likes: must be at most 10^12 (Engage's limit for a count), got 9223372036854775807",
            "posts.csv:2:53: views: must be at most 10^12 (Engage's limit for a count), got 1000000000001",
        ])
    }

    @Test(arguments: engines) func moneyPastTheLimitIsRefused(engine: Engine) async throws {
        let e = try await refused(engine, ["costs.csv": "date,amount\n2026-03-01,1000000000000.01\n"])
        #expect(e == ["costs.csv:2:12: amount: must be at most 10^12 (Engage's limit for an amount), got '1000000000000.01'"])
    }

    /// A day of one account adds up to at most 10^15, across imports too.
    @Test(arguments: engines) func aDayPastItsTotalIsRefused(engine: Engine) async throws {
        try await withStore(engine) { store, dir in
            guard case .success = try await importFiles(base, into: store, dir: dir) else { Issue.record("base refused"); return }
            func posts(_ prefix: String, _ n: Int) -> String {
                "post_id,account_id,published_at,likes\n" + (1...n).map { "\(prefix)\($0),vk_main,2026-03-01T10:00:00+03:00,1000000000000\n" }.joined()
            }
            guard case .success = try await importFiles(["posts.csv": posts("a", 600)], into: store, dir: dir) else { Issue.record("600 refused"); return }
            let before = try await store.rollupSnapshot()
            guard case .failure(let f) = try await importFiles(["posts.csv": posts("b", 401)], into: store, dir: dir) else { Issue.record("accepted"); return }
            #expect(f.errors.map(\.description) == [
                "posts.csv:0:0: account 'vk_main', 2026-03-01: the day's engagements (likes + comments + shares) add up to more than 10^15, Engage's limit for one account's day",
            ])
            #expect(try await store.rollupSnapshot() == before)
            // exactly at the limit is fine
            guard case .success = try await importFiles(["posts.csv": posts("b", 400)], into: store, dir: dir) else { Issue.record("400 refused"); return }
        }
    }

    /// Data past the limits that is already stored (written before they were enforced):
    /// the report is refused with an error, the process does not trap. Before the fix the
    /// second day's likes overflowed `Int` in the report and crashed `engage serve`.
    @Test(arguments: engines) func storedTotalsPastIntMaxAreAnErrorNotATrap(engine: Engine) async throws {
        try await withStore(engine) { store, dir in
            guard case .success = try await importFiles(base.merging(["posts.csv": "post_id,account_id,published_at,likes\np1,vk_main,2026-03-01T10:00:00Z,1\np2,vk_main,2026-03-02T10:00:00Z,1\n"]) { a, _ in a },
                                                          into: store, dir: dir) else { Issue.record("base refused"); return }
            try await store.executeForTests("UPDATE post_rollup SET likes = 5000000000000000000")
            let march = Period(from: LocalDate(year: 2026, month: 3, day: 1), to: LocalDate(year: 2026, month: 3, day: 31))
            await #expect(throws: ArithmeticOverflow.self) { _ = try await SocialReportBuilder(store: store).build(period: march) }
            // the same through the database's own SUM
            try await store.executeForTests("UPDATE post_rollup SET likes = 1")
            try await store.executeForTests("INSERT INTO account_daily (account_id, day, followers, reach, import_id) VALUES ('vk_main', \(march.from.dayNumber + 1), 100, 5000000000000000000, 1), ('vk_main', \(march.from.dayNumber + 2), 100, 5000000000000000000, 1)")
            await #expect(throws: ArithmeticOverflow.self) { _ = try await SocialReportBuilder(store: store).build(period: march) }
        }
    }

    @Test func aPeriodPastTenYearsIsRefused() async throws {
        try await withStore { store, _ in
            let p = Period(from: LocalDate(year: 2000, month: 1, day: 1), to: LocalDate(year: 2026, month: 1, day: 1))
            await #expect(throws: PeriodTooLong.self) { _ = try await SocialReportBuilder(store: store).build(period: p) }
        }
    }

    // MARK: text

    /// Before #11 Windows-1251 text became U+FFFD and the import said nothing; since #13 a
    /// file in Windows-1251 (Excel's Russian "CSV") is detected and read as such, and a file
    /// that starts as UTF-8 and breaks later is refused at the broken field.
    @Test(arguments: engines) func windows1251IsReadAndBrokenUTF8IsRefused(engine: Engine) async throws {
        try await withStore(engine) { store, dir in
            guard case .success = try await importFiles(base, into: store, dir: dir) else { Issue.record("base refused"); return }
            let sub = dir + "/cp1251"
            try FileManager.default.createDirectory(atPath: sub, withIntermediateDirectories: true)
            var bytes = Array("post_id,account_id,published_at,text\np1,vk_main,2026-03-01T10:00:00Z,".utf8)
            bytes += [0xCF, 0xF0, 0xE8, 0xE2, 0xE5, 0xF2]  // «Привет» in Windows-1251
            bytes += Array("\n".utf8)
            try Data(bytes).write(to: URL(fileURLWithPath: sub + "/posts.csv"))
            var options = ImportOptions()
            options.dryRun = true
            let dry = try await Importer(store: store, now: testNow).importFolder(sub, options: options)
            #expect(dry.reports.first?.encoding == "Windows-1251")
            _ = try await Importer(store: store, now: testNow).importFolder(sub)
            #expect(try await store.execute("SELECT text FROM posts WHERE post_id = 'p1'").first?.first?.text == "Привет")

            let broken = dir + "/broken"
            try FileManager.default.createDirectory(atPath: broken, withIntermediateDirectories: true)
            var big = Array("post_id,account_id,published_at,text\n".utf8)
            for i in 0..<2000 { big += Array("q\(i),vk_main,2026-03-01T10:00:00Z,\(String(repeating: "ж", count: 20))\n".utf8) }
            big += Array("q9999,vk_main,2026-03-01T10:00:00Z,".utf8) + [0xCF, 0xF0] + Array("\n".utf8)
            try Data(big).write(to: URL(fileURLWithPath: broken + "/posts.csv"))
            await #expect {
                _ = try await Importer(store: store, now: testNow).importFolder(broken)
            } throws: { e in
                (e as? ImportFailed)?.errors.map(\.description) == [
                    "posts.csv:2002:36: the text is not UTF-8 (a file saved as Windows-1251 or another code page?): save it as CSV UTF-8 and import it again",
                ]
            }
            #expect(try await store.counts()["posts"] == 1)
        }
    }

    @Test func nulBytesShortRowsAndExtraValuesAreRefused() async throws {
        let e = try await refused(.sqlite, ["posts.csv": "post_id,account_id,published_at,text\np1,vk_main,2026-03-01T10:00:00Z,a\u{0}b\np2,vk_main\np3,vk_main,2026-03-01T10:00:00Z,t,extra\np4,vk_main,2026-03-01T10:00:00Z,t,,\n"])
        #expect(e == [
            "posts.csv:2:33: a NUL byte in the text: this is not a CSV text file (save it as CSV UTF-8)",
        ])
        let e2 = try await refused(.sqlite, ["posts.csv": "post_id,account_id,published_at,text\np2,vk_main\np3,vk_main,2026-03-01T10:00:00Z,t,extra\np4,vk_main,2026-03-01T10:00:00Z,t,,\n"])
        #expect(e2 == [
            "posts.csv:2:4: this row has 2 fields, the header 4: a value is missing (or a field needs quotes)",
            "posts.csv:3:35: this row has 5 fields, the header 4: an extra value (or a field needs quotes)",
        ])
    }

    @Test func anUnclosedQuoteStopsAtTheRecordLimit() throws {
        try withTempDirSync { dir in
            let path = dir + "/posts.csv"
            var text = "post_id,text\np1,\"" + String(repeating: "x", count: 5 << 20)
            text += "\n"
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            let r = try CSVReader(path: path)
            #expect(try r.next())
            #expect { try r.next() } throws: { ($0 as? CSVReader.CSVError)?.message == "a record longer than 4 MiB (a quote that is never closed?)" }
        }
    }

    /// Before the fix a folder named posts.csv crashed the import and a FIFO hung it.
    @Test func foldersAndPipesAreNotFiles() async throws {
        try await withStore { store, dir in
            let sub = dir + "/odd"
            try FileManager.default.createDirectory(atPath: sub + "/posts.csv", withIntermediateDirectories: true)
            #expect(mkfifo(sub + "/accounts.csv", 0o600) == 0)
            await #expect {
                _ = try await Importer(store: store, now: testNow).importFolder(sub)
            } throws: { e in
                (e as? ImportFailed)?.errors.map(\.description) == [
                    "accounts.csv:0:0: not a regular file (a folder, a pipe or a device?)",
                    "posts.csv:0:0: not a regular file (a folder, a pipe or a device?)",
                ]
            }
        }
    }
}

func withTempDirSync(_ body: (String) throws -> Void) throws {
    let dir = NSTemporaryDirectory() + "engage-test-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try body(dir)
}
