import EngageCore
@testable import EngageImport
@testable import EngageStore
import EngageTestSupport
import Foundation
import Testing

/// A click log has no natural key: one link, second and visitor may click twice. Identical
/// rows are numbered by their order (`occurrence`) with memory bounded by the batch, exactly,
/// whatever the file's order; user agents are stored once (migration 17).
@Suite struct ClickLogImportTests {
    static let base = Int64(LocalDate(year: 2026, month: 3, day: 2).dayNumber) * 86_400

    /// 40 seconds of clicks on two links by three visitors, some keys up to four times,
    /// so that identical rows fall into different batches of 7.
    static func log() -> [(at: Int64, link: String, visitor: String, agent: String)] {
        var rows: [(Int64, String, String, String)] = []
        for s in 0..<40 {
            for v in 0..<3 where (s + v) % 2 == 0 {
                let times = 1 + (s / 2 + v) % 4
                for _ in 0..<times { rows.append((base + Int64(s), v == 2 ? "brand1" : "abc", "v\(v)", v == 1 ? "curl/8.0" : "Mozilla/5.0 (X11)")) }
            }
        }
        return rows
    }

    static func csv(_ rows: [(at: Int64, link: String, visitor: String, agent: String)]) -> String {
        "clicked_at,link_code,visitor_hash,user_agent,referrer\n" + rows.map { r in
            "\(ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(r.at)))),\(r.link),\(r.visitor),\(r.agent),\n"
        }.joined()
    }

    static func importClicks(_ csv: String, into store: any Store, dir: String) async throws -> ImportSummary {
        let sub = dir + "/" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: sub, withIntermediateDirectories: true)
        var files = ["clicks.csv": csv]
        for f in ["employees.csv", "content.csv", "links.csv"] { files[f] = advocacySampleFiles[f]! }
        try write(files, to: sub)
        return try await Importer(store: store, now: testNow, batchSize: 7).importFolder(sub)
    }

    /// (link, second, visitor) → the occurrences stored, sorted.
    static func stored(_ store: any Store) async throws -> [String: [Int]] {
        var out: [String: [Int]] = [:]
        for r in try await store.execute("SELECT link_code, clicked_at, visitor_hash, occurrence FROM clicks") {
            out["\(r[0].text!) \(r[1].int!) \(r[2].text!)", default: []].append(r[3].int!)
        }
        return out.mapValues { $0.sorted() }
    }

    enum Order: String, CaseIterable, CustomStringConvertible {
        case ascending, descending, shuffled
        var description: String { rawValue }
    }

    @Test(arguments: engines, Order.allCases)
    func identicalClicksAreNumberedOneToNInAnyOrder(engine: Engine, order: Order) async throws {
        try await withStore(engine) { store, dir in
            var rows = Self.log()
            switch order {
            case .ascending: break
            case .descending: rows.reverse()
            case .shuffled:
                var g = SplitMix64(state: 14)
                rows.shuffle(using: &g)
            }
            var expected: [String: [Int]] = [:]
            for r in rows {
                let k = "\(r.link) \(r.at) \(r.visitor)"
                expected[k, default: []].append((expected[k]?.count ?? 0) + 1)
            }
            #expect(expected.values.contains { $0.count == 4 }, "the log has keys repeated four times")
            let first = try await Self.importClicks(Self.csv(rows), into: store, dir: dir)
            #expect(first.files.first { $0.file == "clicks.csv" }?.rows == rows.count)
            #expect(try await Self.stored(store) == expected)
            // the same clicks again, in another order: replaced, not added
            let again = try await Self.importClicks(Self.csv(rows.reversed()), into: store, dir: dir)
            #expect(again.files.first { $0.file == "clicks.csv" }?.rows == rows.count)
            #expect(try await Self.stored(store) == expected)
            // each agent stored once, each click naming its own
            #expect(try await store.execute("SELECT COUNT(*) FROM user_agents") == [[.int(2)]])
            let agents = try await store.execute("""
                SELECT c.visitor_hash, a.user_agent, COUNT(*) FROM clicks c JOIN user_agents a ON a.agent_id = c.agent_id
                GROUP BY c.visitor_hash, a.user_agent ORDER BY c.visitor_hash COLLATE BINARY
                """)
            let per = Dictionary(grouping: rows, by: \.visitor).mapValues(\.count)
            #expect(agents == [[.text("v0"), .text("Mozilla/5.0 (X11)"), .int(per["v0"]!)], [.text("v1"), .text("curl/8.0"), .int(per["v1"]!)],
                               [.text("v2"), .text("Mozilla/5.0 (X11)"), .int(per["v2"]!)]])
        }
    }

    /// `link_days` (human clicks per link and day, what the links listing reads) equals a
    /// count of the clicks after an import, a re-import that replaces, server clicks (one a
    /// repeat, one a bot's) and a prune that cuts into a day.
    @Test(arguments: engines) func linkDaysCountTheClicks(engine: Engine) async throws {
        try await withStore(engine) { store, dir in
            func check(_ when: String) async throws {
                let counted = try await store.execute("""
                    SELECT link_code, day, COUNT(*) FROM clicks WHERE is_bot = 0 GROUP BY link_code, day ORDER BY link_code COLLATE BINARY, day
                    """)
                let kept = try await store.execute("SELECT link_code, day, clicks FROM link_days WHERE clicks > 0 ORDER BY link_code COLLATE BINARY, day")
                #expect(kept == counted, "\(when)")
                #expect(!counted.isEmpty, "\(when)")
            }
            let rows = Self.log()
            _ = try await Self.importClicks(Self.csv(rows), into: store, dir: dir)
            try await check("after the import")
            _ = try await Self.importClicks(Self.csv(rows.reversed()), into: store, dir: dir)
            try await check("after importing the same clicks again")
            let day2 = Self.base + 86_400
            let server = [ClickRow(code: "abc", at: day2, visitor: "s1", userAgent: "Mozilla/5.0", agentClass: "desktop", referrer: nil, isBot: false, occurrence: 1),
                          ClickRow(code: "abc", at: Self.base + 3, visitor: "s2", userAgent: "Mozilla/5.0", agentClass: "desktop", referrer: nil, isBot: false, occurrence: 1),
                          ClickRow(code: "brand1", at: day2, visitor: "", userAgent: "Googlebot/2.1", agentClass: "bot", referrer: nil, isBot: true, occurrence: 1),
                          // a batch's clicks of one link and day are counted together: three here
                          ClickRow(code: "abc", at: day2 + 7, visitor: "s3", userAgent: "Mozilla/5.0", agentClass: "desktop", referrer: nil, isBot: false, occurrence: 1),
                          ClickRow(code: "abc", at: day2 + 7, visitor: "s3", userAgent: "Mozilla/5.0", agentClass: "desktop", referrer: nil, isBot: false, occurrence: 2)]
            try await store.recordClicks(server)
            try await store.recordClicks([server[0]])  // stored already: not counted twice
            try await check("after server clicks")
            #expect(try await ContentData(store: store).linkRecord(code: "abc")?.clicks
                    == rows.filter { $0.link == "abc" && $0.visitor != "v1" }.count + 4)
            _ = try await store.pruneClicks(before: Self.base + 20, dryRun: false)
            try await check("after a prune")
        }
    }

    /// The click tables' groups (`Store.clickDays`: per link, per advocate, per kind of link,
    /// each with its distinct visitors) equal a count of the clicks after an import, a
    /// re-import, server clicks (their days dirty, then settled) and a prune — on SQLite,
    /// which keeps them per day, as on PostgreSQL, which counts them from the clicks.
    @Test(arguments: engines) func clickDaysEqualACountOfTheClicks(engine: Engine) async throws {
        try await withStore(engine) { store, dir in
            let first = LocalDate(utcInstant: Self.base).dayNumber, days = (first - 1)...(first + 3)
            func check(_ when: String) async throws {
                for kind in [ClickDayKind.link, .employee, .linkKind] {
                    let key = kind == .link ? "link_code" : kind == .employee ? "employee_id" : "CASE WHEN employee_id IS NULL THEN '0' ELSE '1' END"
                    let counted = try await store.execute("""
                        SELECT day, \(key), COUNT(*), COUNT(DISTINCT NULLIF(visitor_hash, '')) FROM clicks
                        WHERE is_bot = 0\(kind == .employee ? " AND employee_id IS NOT NULL" : "")
                        GROUP BY day, \(key) ORDER BY day, \(key) COLLATE BINARY
                        """).map { DailyDistinct(day: $0[0].int!, key: $0[1].text!, rows: $0[2].int!, distinct: $0[3].int!) }
                    #expect(try await store.clickDays(kind, days: days) == counted, "\(when), \(kind)")
                    #expect(!counted.isEmpty, "\(when), \(kind)")
                }
                let abc = try await store.execute("""
                    SELECT day, link_code, COUNT(*), COUNT(DISTINCT NULLIF(visitor_hash, '')) FROM clicks
                    WHERE is_bot = 0 AND link_code = 'abc' GROUP BY day, link_code ORDER BY day
                    """).map { DailyDistinct(day: $0[0].int!, key: $0[1].text!, rows: $0[2].int!, distinct: $0[3].int!) }
                #expect(try await store.clickDays(.link, days: days, link: "abc") == abc, "\(when), one link")
            }
            let rows = Self.log()
            _ = try await Self.importClicks(Self.csv(rows), into: store, dir: dir)
            try await check("after the import")
            // by hand: on the first day 'abc' was clicked by v0 (v1's agent is a bot's), 'brand1' by v2
            let byHand = try await store.clickDays(.link, days: first...first)
            #expect(byHand.map(\.key) == ["abc", "brand1"] && byHand.map(\.distinct) == [1, 1])
            #expect(byHand.map(\.rows) == ["abc", "brand1"].map { l in rows.filter { $0.link == l && $0.visitor != "v1" }.count })
            _ = try await Self.importClicks(Self.csv(rows.reversed()), into: store, dir: dir)
            try await check("after importing the same clicks again")
            let day2 = Self.base + 86_400
            func click(_ code: String, _ at: Int64, _ visitor: String, bot: Bool = false) -> ClickRow {
                ClickRow(code: code, at: at, visitor: visitor, userAgent: bot ? "Googlebot/2.1" : "Mozilla/5.0", agentClass: bot ? "bot" : "desktop",
                         referrer: nil, isBot: bot, occurrence: 1)
            }
            try await store.recordClicks([click("abc", day2, "s1"), click("abc", day2 + 5, "s1"), click("abc", Self.base + 3, "s2"),
                                          click("brand1", day2, "", bot: true), click("brand1", day2 + 9, ""), click("abc", day2 + 60, "v0")])
            try await store.recordClicks([click("abc", day2, "s1")])  // stored already
            if engine == .sqlite {
                #expect(try await store.execute("SELECT day FROM click_dirty_days ORDER BY day") == [[.int(first)], [.int(first + 1)]])
            }
            try await check("after server clicks, their days dirty")
            // by hand: the new day has 'abc' (three clicks, visitors s1 and v0) and 'brand1' (one click, no visitor)
            #expect(try await store.clickDays(.link, days: (first + 1)...(first + 1)) == [
                DailyDistinct(day: first + 1, key: "abc", rows: 3, distinct: 2), DailyDistinct(day: first + 1, key: "brand1", rows: 1, distinct: 0)])
            // settled: today (the second day) stays dirty, the day before is recounted
            try await store.prepareClicks(now: day2 + 100)
            if engine == .sqlite { #expect(try await store.execute("SELECT day FROM click_dirty_days") == [[.int(first + 1)]]) }
            try await check("after the past day was settled")
            try await store.prepareClicks(now: day2 + 86_400)
            if engine == .sqlite { #expect(try await store.execute("SELECT COUNT(*) FROM click_dirty_days") == [[.int(0)]]) }
            try await check("after every day was settled")
            _ = try await store.pruneClicks(before: Self.base + 20, dryRun: false)
            try await check("after a prune")
            // a log in time order over three days (SQLite recounts the days behind it while it
            // is read, batches of 7), then the same with one more click on its first day at the
            // end (that day recounted again)
            var spread: [(at: Int64, link: String, visitor: String, agent: String)] = []
            for d in 0..<3 {
                for s in 0..<12 { spread.append((Self.base + 86_400 * Int64(d) + 3_600 + Int64(s), s % 3 == 0 ? "brand1" : "abc", "w\(s % 5)", "Mozilla/5.0 (X11)")) }
            }
            _ = try await Self.importClicks(Self.csv(spread), into: store, dir: dir)
            try await check("after a log in time order over three days")
            _ = try await Self.importClicks(Self.csv(spread + [(Self.base + 3_600, "abc", "w9", "Mozilla/5.0 (X11)")]), into: store, dir: dir)
            try await check("after a log that goes back to its first day")
            // by hand: v0 of the first log (after the prune), w0–w4 and w9 of these
            #expect(try await store.clickDays(.link, days: first...first, link: "abc").first?.distinct == 7)
            if engine == .sqlite {
                // days with more clicks than a fold copies out are recounted where they lie
                SQLiteImportSession.foldLimit.store(1, ordering: .relaxed)
                defer { SQLiteImportSession.foldLimit.store(1_000_000, ordering: .relaxed) }
                let others = spread.map { (at: $0.at + 1, link: $0.link, visitor: "x" + $0.visitor, agent: $0.agent) }
                _ = try await Self.importClicks(Self.csv(others), into: store, dir: dir)
                try await check("after a log whose days have too many clicks to copy out")
            }
        }
    }

    /// Day numbers beyond any clock in the per-day tables (a damaged or hand-edited file) are
    /// read and settled without trapping the arithmetic that turns days into instants.
    @Test func damagedDayNumbersDoNotTrap() async throws {
        try await withStore(.sqlite) { store, dir in
            _ = try await Self.importClicks(Self.csv(Self.log()), into: store, dir: dir)
            try await store.execute([SQLStatement("INSERT INTO click_dirty_days (day) VALUES (?1), (?2), (?3)",
                                                  [.int(Int.max), .int(Int.min), .int(Int.max - 1)])])
            #expect(try await store.clickDays(.link, days: (Int.max - 5)...Int.max).isEmpty)
            #expect(try await store.clickDays(.employee, days: Int.min...(Int.min + 5)).isEmpty)
            try await store.prepareClicks(now: Self.base + 86_400)
            #expect(try await store.execute("SELECT day FROM click_dirty_days ORDER BY day") == [[.int(Int.max - 1)], [.int(Int.max)]])
        }
    }

    /// Every stored column of imported clicks, by hand: the link's owner as of the import,
    /// the agent's class and bot flag, the UTC day, a missing visitor as '', the referrer;
    /// one key written in two time zones is one key numbered 1, 2.
    @Test(arguments: engines) func everyColumnOfAnImportedClick(engine: Engine) async throws {
        try await withStore(engine) { store, dir in
            let iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X)"
            let csv = "clicked_at,link_code,visitor_hash,user_agent,referrer\n"
                + "2026-03-02T01:00:00Z,abc,v1,\"\(iphone)\",https://t.co/\n"
                + "2026-03-02T04:00:00+03:00,abc,v1,Googlebot/2.1,\n"
                + "2026-03-02T23:59:59Z,brand1,,\"\(iphone)\",https://t.co/\n"
                + "2026-03-02T02:00:00Z,abc,v3,,\n"
            _ = try await Self.importClicks(csv, into: store, dir: dir)
            let rows = try await store.execute("""
                SELECT c.link_code, c.clicked_at, c.visitor_hash, c.occurrence, a.user_agent, c.referrer, c.agent_class, c.is_bot, c.day, c.employee_id
                FROM clicks c LEFT JOIN user_agents a ON a.agent_id = c.agent_id ORDER BY c.clicked_at, c.occurrence
                """)
            let b = Int(Self.base), day = StoreValue.int(Int(Self.base / 86_400))
            #expect(rows == [
                [.text("abc"), .int(b + 3_600), .text("v1"), .int(1), .text(iphone), .text("https://t.co/"), .text("mobile"), .int(0), day, .text("e1")],
                [.text("abc"), .int(b + 3_600), .text("v1"), .int(2), .text("Googlebot/2.1"), .null, .text("bot"), .int(1), day, .text("e1")],
                [.text("abc"), .int(b + 7_200), .text("v3"), .int(1), .null, .null, .text("unknown"), .int(0), day, .text("e1")],
                [.text("brand1"), .int(b + 86_399), .text(""), .int(1), .text(iphone), .text("https://t.co/"), .text("mobile"), .int(0), day, .null],
            ])
            #expect(try await store.execute("SELECT COUNT(*) FROM user_agents") == [[.int(2)]])
        }
    }

    /// SQLite writes a batch's clicks 64 to a statement and the rest one by one: the same log
    /// in one batch (whole statements and a rest), in batches of 7 (one by one) and in
    /// batches cut by their bytes (a few hundred: rows of large fields do not make a batch of
    /// thousands) stores the same rows.
    @Test func clicksWrittenManyToAStatementEqualClicksWrittenOneByOne() async throws {
        let rows = Self.log()
        #expect(rows.count > 2 * SQLiteImportSession.clickChunk && rows.count % SQLiteImportSession.clickChunk != 0)
        var stored: [[[StoreValue]]] = []
        for (batch, bytes) in [(16_384, 16 << 20), (7, 16 << 20), (16_384, 400)] {
            try await withStore(.sqlite) { store, dir in
                var files = ["clicks.csv": Self.csv(rows)]
                for f in ["employees.csv", "content.csv", "links.csv"] { files[f] = advocacySampleFiles[f]! }
                try FileManager.default.createDirectory(atPath: dir + "/in", withIntermediateDirectories: true)
                try write(files, to: dir + "/in")
                _ = try await Importer(store: store, now: testNow, batchSize: batch, batchBytes: bytes).importFolder(dir + "/in")
                stored.append(try await store.execute("""
                    SELECT c.link_code, c.clicked_at, c.visitor_hash, c.occurrence, a.user_agent, c.referrer, c.agent_class, c.is_bot, c.day, c.employee_id
                    FROM clicks c LEFT JOIN user_agents a ON a.agent_id = c.agent_id ORDER BY c.clicked_at, c.link_code, c.visitor_hash, c.occurrence
                    """))
            }
        }
        #expect(stored[0].count == rows.count)
        #expect(stored[0] == stored[1] && stored[0] == stored[2])
    }

    /// Link codes are recognised by their bytes (`ByteMemo`), their errors are not: each row
    /// naming an unknown link is refused at its place.
    @Test func everyRowWithAnUnknownLinkIsRefused() async throws {
        try await withStore(.sqlite) { store, dir in
            let csv = "clicked_at,link_code\n2026-03-02T01:00:00Z,nope\n2026-03-02T01:00:01Z,abc\n2026-03-02T01:00:02Z,nope\n"
            do {
                _ = try await Self.importClicks(csv, into: store, dir: dir)
                Issue.record("accepted")
            } catch let f as ImportFailed {
                #expect(f.errors.map(\.description) == [2, 4].map {
                    "clicks.csv:\($0):22: link_code: no tracked link 'nope' (in links.csv of this import or an earlier one)"
                })
            }
        }
    }

    /// A memo of values by their bytes gives each value for its own bytes, also after it
    /// starts over at its limit (memory bounded however many distinct values a file has).
    @Test func byteMemoStartsOverAtItsLimit() {
        var memo = ByteMemo<String>(limit: 2)
        var made: [String] = []
        for word in ["a", "b", "a", "c", "a", "c", "b"] {
            let v = memo.value(ArraySlice(word.utf8)) { made.append(word); return word.uppercased() }
            #expect(v == word.uppercased())
        }
        #expect(made == ["a", "b", "c", "a", "b"], "made once until the memo starts over at two values")
        // and at its bytes: long values (a field may hold 1 MiB) are not kept by the hundred thousand
        var long = ByteMemo<Int>(byteLimit: 10)
        var makes = 0
        for (i, word) in ["aaaaaa", "bbbbbb", "aaaaaa", "cc", "cc"].enumerated() {
            #expect(long.value(ArraySlice(word.utf8)) { makes += 1; return word.count } == word.count, "\(i)")
        }
        #expect(makes == 4, "aaaaaa again after bbbbbb took the memo past 10 bytes: made anew; cc once")
    }

    /// A user agent of any length is stored cut to 512 Unicode scalars, from a file and from
    /// the server alike: PostgreSQL's unique index on `user_agents` refuses entries over
    /// ~2.7 KB, and one character may hold thousands of combining marks.
    @Test(arguments: engines) func longUserAgentsAreCut(engine: Engine) async throws {
        try await withStore(engine) { store, dir in
            let long = "Mozilla/5.0 a" + String(repeating: "\u{0301}", count: 3000)  // one character, 6 KB
            let at = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(Self.base)))
            _ = try await Self.importClicks("clicked_at,link_code,visitor_hash,user_agent\n\(at),abc,v1,\"\(long)\"\n", into: store, dir: dir)
            try await store.recordClicks([ClickRow(code: "abc", at: Self.base + 60, visitor: "v2", userAgent: long + "x", agentClass: "desktop",
                                                   referrer: nil, isBot: false, occurrence: 1)])
            let stored = try await store.execute("SELECT user_agent FROM user_agents").compactMap { $0[0].text }
            #expect(stored.count == 1, "both cut to the same 512 scalars")
            #expect(stored.allSatisfy { $0.unicodeScalars.count == 512 && $0.utf8.count <= 2048 && long.unicodeScalars.starts(with: $0.unicodeScalars) })
        }
    }

    /// The exported log reads back the agents' text and imports again as the same rows.
    @Test(arguments: engines) func exportedClicksCarryTheirAgents(engine: Engine) async throws {
        try await withStore(engine) { store, dir in
            _ = try await Self.importClicks(Self.csv(Self.log()), into: store, dir: dir)
            let out = dir + "/export"
            _ = try await Exporter(store: store).export(to: out)
            let text = try String(contentsOfFile: out + "/clicks.csv", encoding: .utf8)
            let lines = text.split(separator: "\n")
            #expect(lines.count == Self.log().count + 1)
            #expect(lines.dropFirst().filter { $0.contains("curl/8.0") }.count == Self.log().filter { $0.visitor == "v1" }.count)
            let before = try await Self.stored(store)
            _ = try await Self.importClicks(text, into: store, dir: dir)
            #expect(try await Self.stored(store) == before)
        }
    }

    /// Clicks stored before migration 17 (agent as text, SQLite's old key) keep every value.
    @Test(arguments: engines) func storedClicksMoveToTheNewLayout(engine: Engine) async throws {
        try await withTempDir { dir in
            let target = try freshTarget(engine, dir: dir)
            let store = try openStore(target: target) as! any StoreMaintenance
            try await store.migrate(upTo: 16)
            var statements: [SQLStatement] = []
            for (i, agent) in ["Mozilla/5.0", "Mozilla/5.0", nil, "Googlebot/2.1"].enumerated() {
                statements.append(SQLStatement("""
                    INSERT INTO clicks (link_code, clicked_at, visitor_hash, user_agent, agent_class, referrer, is_bot, occurrence, import_id, day, employee_id)
                    VALUES ('abc', ?1, 'v', ?2, 'desktop', NULL, ?3, 1, 0, ?4, 'e1')
                    """, [.int(Int(Self.base) + i), agent.map { .text($0) } ?? .null, .int(i == 3 ? 1 : 0), .int(Int(Self.base / 86_400))]))
            }
            try await store.execute(statements)
            try await store.migrate()
            let rows = try await store.execute("""
                SELECT c.clicked_at, a.user_agent, c.is_bot, c.employee_id FROM clicks c LEFT JOIN user_agents a ON a.agent_id = c.agent_id
                ORDER BY c.clicked_at
                """)
            let t = Int(Self.base)
            #expect(rows == [[.int(t), .text("Mozilla/5.0"), .int(0), .text("e1")], [.int(t + 1), .text("Mozilla/5.0"), .int(0), .text("e1")],
                             [.int(t + 2), .null, .int(0), .text("e1")], [.int(t + 3), .text("Googlebot/2.1"), .int(1), .text("e1")]])
            #expect(try await store.execute("SELECT COUNT(*) FROM user_agents") == [[.int(2)]])
            // the click tables of the stored clicks (SQLite: counted into `click_days` by migration 18)
            let day = Int(Self.base / 86_400)
            for kind in [ClickDayKind.link, .employee, .linkKind] {
                let key = kind == .link ? "abc" : kind == .employee ? "e1" : "1"
                #expect(try await store.clickDays(kind, days: day...day) == [DailyDistinct(day: day, key: key, rows: 3, distinct: 1)])
            }
            if let pg = store as? PostgresStore, let schema = pg.target.schema { try await pg.executeForTests("DROP SCHEMA \(schema) CASCADE") }
        }
    }
}

