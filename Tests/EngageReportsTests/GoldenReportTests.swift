import EngageCore
import EngageImport
import EngageReports
import EngageStore
import EngageTestSupport
import Foundation
import Testing

/// End to end: the hand-made data set in Fixtures/golden, imported and reported, against
/// values computed by hand (see docs/metrics.md for the formulas).
@Suite(.tags(.medium)) struct GoldenReportTests {
    let march = Period(from: LocalDate(year: 2026, month: 3, day: 1), to: LocalDate(year: 2026, month: 3, day: 3))

    func report(_ engine: Engine = .sqlite) async throws -> SocialReport {
        try await withStore(engine) { store, dir in
            let folder = try fixtureFolder(Bundle.module, "golden", into: dir)
            _ = try await Importer(store: store, now: testNow).importFolder(folder)
            return try await SocialReportBuilder(store: store).build(period: march)
        }
    }

    @Test(arguments: engines) func handComputedAccountMetrics(engine: Engine) async throws {
        let r = try await report(engine)
        let json = r.json
        guard case .array(let accounts)? = json["accounts"] else { Issue.record("no accounts"); return }
        let vk = accounts[0]
        func num(_ k: String) -> Double? {
            switch vk[k] {
            case .int(let i)?: return Double(i)
            case .double(let d)?: return d
            default: return nil
            }
        }
        #expect(vk["account_id"] == .string("vk_main"))
        #expect(num("followers_end") == 1010)            // as-of 3 March
        #expect(num("new_followers") == 30)
        #expect(num("unfollows") == 5)
        #expect(num("follower_growth_gross_pct") == 30.0 / 1010 * 100)
        #expect(num("follower_growth_net_pct") == 25.0 / 1010 * 100)
        #expect(num("views_total") == 400)               // p3 is 4 March in Moscow: outside
        #expect(num("reach_total") == 800)
        #expect(vk["reach_is_upper_bound"] == .bool(true))
        #expect(num("reach_organic") == 700)
        #expect(num("unique_visitors") == 150)
        #expect(num("posts") == 2)
        #expect(num("posts_per_day") == 2.0 / 3)
        #expect(num("engagements") == 50)
        #expect(num("love_rate_pct") == 40.0 / 1010 * 100)
        #expect(num("talk_rate_pct") == 5.0 / 1010 * 100)
        #expect(num("amplification_rate_pct") == 250)
        #expect(num("er_followers_pct") == 50.0 / 1010 * 100)
        #expect(vk["er_unique_pct"] == .null)
        #expect(num("err_pct") == 6.25)
        #expect(abs(num("er_day_avg_pct")! - 5.0 / 3) < 1e-12)   // 4 %, 1 %, 0 %
        #expect(num("er_post_avg_pct") == 2.5)            // 4 % and 1 %
        #expect(num("er_view_avg_pct") == 10)             // p2 has no views
        #expect(abs(num("avg_post_er_visitors_pct")! - 50.0 / 2 / 150 * 100) < 1e-12)
        #expect(abs(num("community_er_visitors_pct")! - 50.0 / 150 * 100) < 1e-12)
        #expect(num("clicks") == 10)
        #expect(num("ctr_pct") == 2.5)
        #expect(num("spend") == 150)                       // 100.50 post + 49.50 cost
        #expect(num("cpc") == 15)
        #expect(num("cpe") == 3)
        #expect(num("response_rate_pct") == 50)
        #expect(num("response_time_avg") == 1800)
        #expect(num("response_time_change_pct") == 100)    // 3600 s before, 1800 s now
        #expect(vk["growth_without_engagement"] == .bool(false))
        guard case .array(let top)? = vk["top_posts"] else { Issue.record("no top posts"); return }
        #expect(top.map { $0["post_id"] } == [.string("p1"), .string("p2")])
        #expect(top[1]["date"] == .string("2026-03-02"))    // 00:30 Moscow = 21:30 UTC the day before

        let tg = accounts[1]
        #expect(tg["competitor"] == .bool(true))
        #expect(tg["followers_end"] == .int(200))
        #expect(tg["er_followers_pct"] == .double(5))
        #expect(tg["err_pct"] == .null)
        #expect(tg["spend"] == .null)
        #expect(tg["follower_growth_net_pct"] == .null)
    }

    @Test(arguments: engines) func handComputedTraffic(engine: Engine) async throws {
        let t = try await report(engine).traffic
        #expect(t.sessions == 4)
        #expect(t.socialSessions == 2)        // s1 (utm vk), s2 (t.me referrer)
        #expect(t.newVisits == 1)
        #expect(t.returningVisits == 1)
        #expect(t.leads == 1)
        #expect(t.cpl == 350)                 // 150 own spend + 200 agency fee, 1 lead
        let byName = Dictionary(uniqueKeysWithValues: t.channels.map { ($0.channel, $0) })
        #expect(byName["telegram"]?.lastClickConversions == 1)
        #expect(byName["vk"]?.assistedConversions == 1)
        #expect(byName["vk"]?.assistedToLastClickRatio == nil)
        #expect(byName["direct"]?.lastClickConversions == 1)
        #expect(byName["newsletter"]?.lastClickConversions == 1)
        #expect(byName["google"]?.assistedConversions == 1)   // 11 days before, inside the 30-day window
    }

    @Test(arguments: engines) func wholeJSONMatchesTheGoldenFile(engine: Engine) async throws {
        let text = try await report(engine).json.serialized(indent: 1) + "\n"
        let golden = try #require(Bundle.module.url(forResource: "Fixtures/golden-report", withExtension: "json"))
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
            try text.write(toFile: #filePath.replacingOccurrences(of: "GoldenReportTests.swift", with: "Fixtures/golden-report.json"), atomically: true, encoding: .utf8)
        }
        #expect(text == (try String(contentsOf: golden, encoding: .utf8)))
    }

    @Test func htmlIsSelfContainedAndExplainsItsNumbers() async throws {
        let r = try await report()
        let html = SocialHTMLRenderer(lang: .en).render(r)
        #expect(!html.contains("<script"))
        #expect(!html.contains("<link"))
        #expect(!html.contains("src="))
        #expect(html.contains("ER = engagements / followers_end × 100 = 50 / 1,010 × 100 = 4.95 %"))
        // the trend has one point per day with a known follower count (3 days)
        let trend = try #require(html.range(of: "aria-label=\"Daily ER by followers\""))
        let svg = html[trend.lowerBound...]
        let firstChart = svg[..<svg.range(of: "</svg>")!.lowerBound]
        #expect(firstChart.components(separatedBy: "<circle").count - 1 == 3)
        let ru = SocialHTMLRenderer(lang: .ru).render(r)
        #expect(ru.contains("Отчёт по социальным сетям"))
        #expect(ru.contains("1\u{00A0}010"))
        // the formulas in the reader's language (before: English on Russian pages)
        #expect(ru.contains("ER = вовлечения / подписчики_на_конец × 100 = 50 / 1\u{00A0}010 × 100 = 4,95 %"))
        #expect(!ru.contains("followers_end ×") && !ru.contains("likes + comments"))
    }

    @Test func markdownAndCSV() async throws {
        let r = try await report()
        let md = SocialMarkdownRenderer().render(r)
        #expect(md.contains("| Members at report date | 1,010 | 1,000 |"))
        #expect(md.contains("### Top 5 posts by reach"))
        let csv = SocialCSVRenderer().render(r).split(separator: "\n")
        #expect(csv.count == 3)
        #expect(csv[0].hasPrefix("period_from,period_to,account_id,network,name,competitor,timezone,followers_end,"))
        #expect(csv[2].contains("\"Competitor, TG\""))
    }
}
