import EngageCore
import EngageStore
import EngageTestSupport
import Foundation
import Testing

/// Clicks for years of traffic: PostgreSQL keeps them in monthly partitions (migration 11),
/// made ahead of time and by the imports that bring them; `pruneClicks` drops whole months
/// there and deletes by range on SQLite.
@Suite(.tags(.medium)) struct ClickMonthsTests {
    static func at(_ y: Int, _ m: Int, _ d: Int, _ seconds: Int64 = 3600) -> Int64 { LocalDate(year: y, month: m, day: d).startUTC + seconds }

    static func click(_ at: Int64, _ n: Int, bot: Bool = false) -> ClickRow {
        ClickRow(code: "L1", at: at, visitor: "v\(n)", userAgent: bot ? "Googlebot/2.1" : "Mozilla/5.0", agentClass: bot ? "bot" : "desktop",
                 referrer: nil, isBot: bot, occurrence: 1)
    }

    /// The months of `clicks` on PostgreSQL (none on SQLite), and how many rows each holds.
    static func partitions(_ store: any StoreMaintenance) async throws -> [String: Int] {
        guard store.engine == "postgres" else { return [:] }
        var out: [String: Int] = [:]
        let names = try await store.execute("SELECT c.relname::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'clicks'::regclass")
        for n in names.compactMap({ $0.first?.text }) {
            out[n] = try await store.execute("SELECT count(*) FROM \(n)").first?.first?.int ?? -1
        }
        return out
    }

    static func total(_ store: any StoreMaintenance) async throws -> Int {
        try await store.execute("SELECT count(*) FROM clicks").first?.first?.int ?? -1
    }

    @Test(arguments: engines) func monthsAreMadeAheadAndPrunedWhole(engine: Engine) async throws {
        try await withStore(engine) { store, dir in
            guard case .success = try await importFiles([
                "links.csv": "link_code,target\nL1,https://example.com/a\n",
                // January 3, February 2 (one a bot), March 1
                "clicks.csv": "link_code,clicked_at,visitor_hash,user_agent\n"
                    + "L1,2026-01-05T10:00:00Z,a,Mozilla/5.0\nL1,2026-01-31T23:59:59Z,b,Mozilla/5.0\nL1,2026-01-20T08:00:00Z,c,Mozilla/5.0\n"
                    + "L1,2026-02-01T00:00:00Z,d,Mozilla/5.0\nL1,2026-02-14T12:00:00Z,e,Googlebot/2.1\n"
                    + "L1,2026-03-03T09:00:00Z,f,Mozilla/5.0\n"
                    // an old log's click: no partition of its own (one per month since year 1
                    // would be thousands of tables), it stays in the default partition
                    + "L1,1999-12-31T23:00:00Z,g,Mozilla/5.0\n",
            ], into: store, dir: dir) else { Issue.record("the clicks were refused"); return }
            if engine == .postgres {
                #expect(try await Self.partitions(store) == ["clicks_default": 1, "clicks_p202601": 3, "clicks_p202602": 2, "clicks_p202603": 1])
            }
            // ahead of time: this month and the next two; a click of a month without its
            // partition waits in the default one and moves in when the month is made
            try await store.recordClicks([Self.click(Self.at(2026, 5, 2), 1)])
            try await store.prepareClicks(now: Self.at(2026, 4, 30))
            if engine == .postgres {
                let p = try await Self.partitions(store)
                #expect(p["clicks_p202604"] == 0 && p["clicks_p202605"] == 1 && p["clicks_p202606"] == 0 && p["clicks_default"] == 1)
            }
            try await store.prepareClicks(now: Self.at(2026, 4, 30))  // again: nothing changes
            #expect(try await Self.total(store) == 8)

            // a dry run counts and removes nothing
            let cut = LocalDate(year: 2026, month: 2, day: 14).startUTC
            let dry = try await store.pruneClicks(before: cut, dryRun: true)
            #expect(dry.clicks == 5)
            #expect(try await Self.total(store) == 8)
            // January goes whole on PostgreSQL, February 1 by range
            let done = try await store.pruneClicks(before: cut, dryRun: false)
            #expect(done == ClickPrune(clicks: 5, partitions: engine == .postgres ? ["clicks_p202601"] : []))
            #expect(try await Self.total(store) == 3)
            #expect(try await store.execute("SELECT min(clicked_at) FROM clicks").first?.first?.int == Int(Self.at(2026, 2, 14, 43_200)))
            #expect(try await store.pruneClicks(before: cut, dryRun: false) == ClickPrune(clicks: 0, partitions: []))
            if engine == .postgres { #expect(try await Self.partitions(store)["clicks_p202601"] == nil) }
            // what is left still counts in the click tables
            let days = try await AdvocacyData(store: store).linkClickDays(from: LocalDate(year: 2026, month: 1, day: 1).startUTC,
                                                                          to: LocalDate(year: 2026, month: 4, day: 1).startUTC)
            #expect(days.map(\.clicks).reduce(0, +) == 1)  // March 3 (February 14's is a bot's)
        }
    }

    /// Migration 11 moves the clicks of version 10 into their months, none lost.
    @Test func postgresClicksMoveIntoMonths() async throws {
        guard engines.contains(.postgres) else { return }
        try await withTempDir { dir in
            let store = try openStore(target: try freshTarget(.postgres, dir: dir)) as! any StoreMaintenance
            try await store.migrate(upTo: 10)
            // as version 10 stored them (the agent as text)
            try await store.execute([Self.click(Self.at(2025, 12, 31, 86_399), 1), Self.click(Self.at(2026, 1, 1, 0), 2),
                                     Self.click(Self.at(2026, 3, 9), 3, bot: true), Self.click(Self.at(1998, 6, 1), 4)].map { c in
                SQLStatement("""
                    INSERT INTO clicks (link_code, clicked_at, visitor_hash, user_agent, agent_class, referrer, is_bot, occurrence, import_id, day)
                    VALUES (?1, ?2, ?3, ?4, ?5, NULL, ?6, ?7, 0, ?8)
                    """, [.text(c.code), .int(Int(c.at)), .text(c.visitor), c.userAgent.map { .text($0) } ?? .null, .text(c.agentClass),
                          .int(c.isBot ? 1 : 0), .int(c.occurrence), .int(LocalDate(utcInstant: c.at).dayNumber)])
            })
            try await store.migrate()
            // the months that have clicks (none for February), the 1998 click in the default
            #expect(try await Self.partitions(store) == ["clicks_default": 1, "clicks_p202512": 1, "clicks_p202601": 1, "clicks_p202603": 1])
            #expect(try await store.execute("SELECT count(*) FROM clicks WHERE is_bot = 1") == [[.int(1)]])
            #expect(ClickMonth(partition: "clicks_p202613") == nil && ClickMonth(partition: "clicks_default") == nil)
            #expect(ClickMonth(partition: "clicks_p202512") == ClickMonth(instant: Self.at(2025, 12, 31)))
            try await dropSchema(store)
        }
    }
}
