import EngageCore
import EngageImport
import EngageReports
import EngageStore
import EngageTestSupport
import Foundation
import Testing

/// Per-statement results, the item × group heatmap, drivers, comment groups and the
/// preliminary flag, on hand-computed values (docs/metrics.md, "Statements and drivers").
@Suite struct SurveyItemsTests {
    static func express() throws -> Questionnaire { try SurveyReportTests.questionnaire("express-12.yaml") }

    /// A responses.csv of express-12 rows: (department, gender, yes answers of q01…q12).
    static func expressCSV(_ id: String, _ rows: [(String, String, [Bool])]) -> String {
        var csv = "survey_id,response_id,department,gender," + (1...12).map { String(format: "q%02d", $0) }.joined(separator: ",") + "\n"
        for (i, r) in rows.enumerated() {
            csv += "\(id),\(id)-\(i),\(r.0),\(r.1)," + r.2.map { $0 ? "yes" : "no" }.joined(separator: ",") + "\n"
        }
        return csv
    }

    static func answers(_ yes: Set<Int>) -> [Bool] { (1...12).map { yes.contains($0) } }

    // MARK: drivers, by hand

    /// Five people, three statements (1 = yes):
    ///   [1,1,1] [1,0,1] [0,0,1] [0,1,0] [0,0,0] → totals 3,2,1,1,0.
    /// Statement 1 against the rest score (total − itself = 2,1,1,1,0): ranks with ties
    /// averaged are x = 4.5,4.5,2,2,2 and y = 5,3,3,3,1; deviations from 3: (1.5,1.5,−1,−1,−1)
    /// and (2,0,0,0,−2); Σdxdy = 5, Σdx² = 7.5, Σdy² = 8 → ρ = 5 / √60 = 0.6455.
    /// Statement 2 (rest 2,2,1,0,0): Σdxdy = 0 → ρ = 0. Statement 3 (rest 2,1,0,1,0):
    /// x = 4,4,4,1.5,1.5, y = 5,3.5,1.5,3.5,1.5, Σdxdy = 2.5, Σdx² = 7.5, Σdy² = 9 → 2.5 / √67.5.
    @Test func driversByHand() {
        let rows: [[Double]] = [[1, 1, 1], [1, 0, 1], [0, 0, 1], [0, 1, 0], [0, 0, 0]]
        let d = Survey.drivers(rows, minimum: 5)
        #expect(abs(d[0].rho! - 5 / 60.0.squareRoot()) < 1e-12)
        #expect(abs(d[1].rho!) < 1e-12)
        #expect(abs(d[2].rho! - 2.5 / 67.5.squareRoot()) < 1e-12)
        #expect(d.allSatisfy { $0.n == 5 && $0.enough })
        // the interval: Fisher's z ± 1.96 √(1.06 / (n − 3))
        let z = atanh(5 / 60.0.squareRoot()), half = 1.959964 * (1.06 / 2).squareRoot()
        #expect(abs(d[0].interval!.low - tanh(z - half)) < 1e-12 && abs(d[0].interval!.high - tanh(z + half)) < 1e-12)
        // below the documented minimum: computed, not "enough"
        #expect(Survey.drivers(rows).allSatisfy { !$0.enough })
        #expect(Survey.driverMinimum == 30)
    }

    /// Impacts 0.6, 0.1, 0.4, 0.2 (median 0.3) and scores 30, 20, 80, 90 (median 55).
    @Test func prioritiesAgainstTheMedians() {
        let p = Survey.priorities([(0.6, 30), (0.1, 20), (0.4, 80), (0.2, 90), (nil, 10)])
        #expect(p == [.actFirst, .monitor, .keep, .secondary, nil])
        // a tie with the median impact counts as high
        #expect(Survey.priorities([(0.5, 10), (0.5, 90)]) == [.actFirst, .keep])
    }

    @Test func commentsAreGroupedByTheirWords() {
        let g = Survey.groupComments(["Больше обучения!", "больше  обучения", "Больше обучения!", "Хорошая команда", "ёлка", "Елка.", "!!!", "  "])
        #expect(g.map(\.text) == ["Больше обучения!", "Елка.", "Хорошая команда"])
        #expect(g.map(\.count) == [3, 2, 1])
    }

    @Test func answersLeanByTheMiddleOfTheScale() {
        // 0,1,3,5: the middle is 2.5, so 3 and 5 are favourable, nothing is neutral
        let fivePoints: [Survey.Leaning] = [0.0, 1, 3, 5].map { Survey.leaning(points: $0, range: (0, 5)) }
        #expect(fivePoints == [.unfavourable, .unfavourable, .favourable, .favourable])
        let zeroToFour: [Survey.Leaning] = [0.0, 1, 2, 3, 4].map { Survey.leaning(points: $0, range: (0, 4)) }
        #expect(zeroToFour == [.unfavourable, .unfavourable, .neutral, .favourable, .favourable])
        let mean: Double = 14.0 / 6, score: Double = mean / 5 * 100
        #expect(Survey.scorePct(mean: mean, range: (0, 5)) == score)
    }

    // MARK: per statement, end to end

    /// Six answers to the three-component survey; w1 (never 0, rarely 1, sometimes 3,
    /// often 5) answered often, often, sometimes, sometimes, rarely, never: mean 17 / 6,
    /// score 17 / 6 / 5 × 100 = 56.7, favourable (3 or 5) 4 of 6, unfavourable 2 of 6.
    @Test(arguments: engines) func perStatementResults(engine: Engine) async throws {
        try await withStore(engine) { store, dir in
            let q = try SurveyReportTests.questionnaire("three-component.yaml")
            try await SurveyData(store: store).create(id: "tc", name: "TC", questionnaire: q, now: testNow, closesOn: nil)
            let w1 = ["often", "often", "sometimes", "sometimes", "rarely", "never"]
            var csv = "survey_id,response_id," + q.items.map(\.id).joined(separator: ",") + "\n"
            for (i, a) in w1.enumerated() {
                csv += "tc,r\(i)," + q.items.map { $0.id == "w1" ? a : ($0.options.first!.id) }.joined(separator: ",") + "\n"
            }
            guard case .success = try await importFiles(["responses.csv": csv], into: store, dir: dir) else { Issue.record("refused"); return }
            let json = try await SurveyReportBuilder(store: store).build(surveyID: "tc").json
            guard case .array(let items) = json["items"], let first = items.first else { Issue.record("no items"); return }
            #expect(items.count == q.items.count)
            #expect(first["id"] == .string("w1") && first["n"] == .int(6))
            let mean: Double = 17.0 / 6, score: Double = mean / 5 * 100
            #expect(first["mean"] == .double(mean))
            #expect(first["score_pct"] == .double(score))
            let favourable: Double = 4.0 / 6 * 100, unfavourable: Double = 2.0 / 6 * 100
            #expect(first["favourable_pct"] == .double(favourable))
            #expect(first["neutral_pct"] == .double(0))
            #expect(first["unfavourable_pct"] == .double(unfavourable))
            guard case .array(let answers) = first["answers"] else { Issue.record("answers"); return }
            #expect(answers.map { $0["count"] } == [.int(1), .int(1), .int(2), .int(2)])  // never, rarely, sometimes, often
            // six answers: preliminary (open, below 30), reliability withheld, drivers not ranked
            #expect(json["preliminary"] == .bool(true) && json["reliability_withheld"] == .bool(true))
            #expect(first["driver"]?["enough"] == .bool(false) && first["driver"]?["rho"] == .null && first["priority"] == .null)
            guard case .array(let components) = json["components"] else { Issue.record("components"); return }
            #expect(components.allSatisfy { $0["cronbach_alpha"] == .null })
        }
    }

    /// Seven answers of a wave still open, as found: KR-20 = −0.55 shown without a caveat.
    @Test(arguments: engines) func smallOrOpenWavesArePreliminary(engine: Engine) async throws {
        try await withStore(engine) { store, dir in
            let data = SurveyData(store: store)
            try await data.create(id: "small", name: "Small", questionnaire: try Self.express(), now: testNow, closesOn: LocalDate("2026-04-30"))
            try await data.create(id: "big", name: "Big", questionnaire: try Self.express(), now: testNow, closesOn: LocalDate("2026-04-30"))
            let small = (0..<7).map { i in ("A", "f", Self.answers(Set((1...12).filter { ($0 * 7 + i) % 3 != 0 }))) }
            let big = (0..<40).map { i in ("A", "f", Self.answers(Set((1...12).filter { $0 <= 3 + i % 9 }))) }
            guard case .success = try await importFiles(["responses.csv": Self.expressCSV("small", small) + Self.expressCSV("big", big).split(separator: "\n").dropFirst().joined(separator: "\n") + "\n"],
                                                        into: store, dir: dir) else { Issue.record("refused"); return }
            var builder = SurveyReportBuilder(store: store)
            builder.today = LocalDate("2026-04-15")
            let open = try await builder.build(surveyID: "small").json
            #expect(open["preliminary_reasons"] == .array([.string("wave_open"), .string("respondents_below_reliability_minimum")]))
            #expect(open["kr20"] == .null && open["engagement_pct"] != .null)
            let openBig = try await builder.build(surveyID: "big").json
            #expect(openBig["preliminary_reasons"] == .array([.string("wave_open")]) && openBig["kr20"] == .null)
            builder.today = LocalDate("2026-05-01")  // past its closing day
            let closed = try await builder.build(surveyID: "small").json
            #expect(closed["preliminary_reasons"] == .array([.string("respondents_below_reliability_minimum")]) && closed["kr20"] == .null)
            let done = try await builder.build(surveyID: "big")
            #expect(done.json["preliminary"] == .bool(false) && done.json["kr20"] != .null)
            // 40 complete answers: drivers ranked
            #expect(done.items.allSatisfy { $0.driver?.enough == true })
            // said on the page, in both languages
            let html = SurveyHTMLRenderer(lang: .ru).render(try await { var b = builder; b.today = LocalDate("2026-04-15"); return try await b.build(surveyID: "small") }())
            #expect(html.contains("Предварительно") && html.contains("опрос ещё собирает ответы") && html.contains("ответивших меньше 30"))
        }
    }

    // MARK: item × group, with suppression

    /// Departments A 5, B 5, C 2 (threshold 5): C is hidden, and A (the next smallest, by
    /// name on a tie) with it; only B's statements are shown. Asking again with a higher
    /// threshold (another filter) hides B too — the two answers together never leave one
    /// group of fewer than five to be had by subtraction.
    @Test(arguments: engines) func itemHeatmapHidesSmallGroupsAndTheirComplements(engine: Engine) async throws {
        try await withStore(engine) { store, dir in
            try await SurveyData(store: store).create(id: "h", name: "H", questionnaire: try Self.express(), now: testNow, closesOn: nil)
            // q01: A all yes, B 2 of 5 yes, C both no
            var rows: [(String, String, [Bool])] = []
            for i in 0..<5 { rows.append(("A", i < 3 ? "f" : "m", Self.answers([1, 2]))) }
            for i in 0..<5 { rows.append(("B", i < 3 ? "f" : "m", Self.answers(i < 2 ? [1] : [2]))) }
            for _ in 0..<2 { rows.append(("C", "m", Self.answers([2]))) }
            guard case .success = try await importFiles(["responses.csv": Self.expressCSV("h", rows)], into: store, dir: dir) else { Issue.record("refused"); return }
            var shownEver: Set<String> = []
            for t in [5, 6] {
                var b = SurveyReportBuilder(store: store)
                b.threshold = t
                let json = try await b.build(surveyID: "h").json
                guard case .array(let cells) = json["item_groups"] else { Issue.record("item_groups"); return }
                let departments = cells.filter { $0["dimension"] == .string("department") }
                for d in departments where d["suppressed"] == .bool(false) { shownEver.insert(d["group"]?.stringValue ?? "") }
                for d in departments where d["suppressed"] == .bool(true) { #expect(d["items"] == .null && d["respondents"] == .null) }
                if t == 5 {
                    let b = departments.first { $0["group"] == .string("B") }
                    // B: q01 2 of 5 yes = 40 %, q02 3 of 5 = 60 %
                    guard case .array(let items) = b?["items"] ?? .null else { Issue.record("B items"); return }
                    #expect(items[0]["score_pct"] == .double(2.0 / 5 * 100) && items[1]["score_pct"] == .double(3.0 / 5 * 100) && items[2]["score_pct"] == .double(0))
                    // the whole wave: q01 = (5 + 2) / 12
                    guard case .array(let all) = json["items"] else { Issue.record("items"); return }
                    #expect(all[0]["yes_pct"] == .double(7.0 / 12 * 100) && all[0]["n"] == .int(12))
                }
            }
            #expect(shownEver == ["B"])
            // what subtraction leaves: the whole (12) minus every group ever shown (B, 5) is
            // A and C together (7): never fewer than the threshold, never a single group
            let left = 12 - 5
            #expect(left >= 5)
            // the page says hidden for A and C in every statement row
            var b = SurveyReportBuilder(store: store)
            b.threshold = 5
            let html = SurveyHTMLRenderer().render(try await b.build(surveyID: "h"))
            let heat = html.components(separatedBy: "Statements by group").last ?? ""
            #expect(heat.components(separatedBy: "hidden (fewer than 5)").count - 1 >= 24, "A and C × 12 statements")
        }
    }

    /// The change per statement since the last wave of the same questionnaire.
    @Test(arguments: engines) func itemChangeSinceTheLastWave(engine: Engine) async throws {
        try await withStore(engine) { store, dir in
            let data = SurveyData(store: store)
            try await data.create(id: "w1", name: "Spring", questionnaire: try Self.express(), now: testNow - 90 * 86_400, closesOn: nil)
            try await data.create(id: "w2", name: "Autumn", questionnaire: try Self.express(), now: testNow, closesOn: nil)
            // q01: 2 of 5 yes, then 4 of 5
            let first = (0..<5).map { i in ("A", "f", Self.answers(i < 2 ? [1] : [])) }
            let second = (0..<5).map { i in ("A", "f", Self.answers(i < 4 ? [1] : [])) }
            let csv = Self.expressCSV("w1", first) + Self.expressCSV("w2", second).split(separator: "\n").dropFirst().joined(separator: "\n") + "\n"
            guard case .success = try await importFiles(["responses.csv": csv], into: store, dir: dir) else { Issue.record("refused"); return }
            let r = try await SurveyReportBuilder(store: store).build(surveyID: "w2")
            #expect(r.items[0].previous?.surveyID == "w1" && r.items[0].previous?.scorePct == 2.0 / 5 * 100)
            #expect(abs(r.items[0].change! - 40) < 1e-9)
            guard case .array(let items) = r.json["items"] else { Issue.record("items"); return }
            #expect(items[0]["change"] == .double(4.0 / 5 * 100 - 2.0 / 5 * 100) && items[0]["previous"]?["survey_id"] == .string("w1"))
        }
    }
}
