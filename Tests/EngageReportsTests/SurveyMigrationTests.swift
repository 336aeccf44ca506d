import EngageCore
import EngageImport
import EngageReports
import EngageStore
import EngageTestSupport
import Foundation
import Testing

/// Migration 8 turns stored responses with a joint vector of strata into answers without
/// strata plus per-dimension tallies, on both engines, and the report stays the same.
@Suite struct SurveyMigrationTests {
    @Test(arguments: engines) func oldResponsesBecomeAnswersAndTallies(engine: Engine) async throws {
        try await withTempDir { dir in
            let target = try freshTarget(engine, dir: dir)
            let store = try openStore(target: target) as! any StoreMaintenance
            try await store.migrate(upTo: 7)
            let q = try SurveyReportTests.questionnaire("express-12.yaml")
            try await SurveyData(store: store).create(id: "old", name: "Old", questionnaire: q, now: testNow, closesOn: nil)
            // twelve people as version 7 stored them: strata with each response
            var statements: [SQLStatement] = []
            for i in 0..<12 {
                let id = "r\(i)"
                statements.append(SQLStatement("""
                    INSERT INTO survey_responses (response_id, survey_id, department, is_manager, age_band, gender, day, import_id)
                    VALUES (?1, 'old', ?2, ?3, '25-34', ?4, 20000, 1)
                    """, [.text(id), .text(i < 6 ? "Sales" : "Ops"), .int(i % 4 == 0 ? 1 : 0), .text(i % 2 == 0 ? "f" : "m")]))
                for item in q.items {
                    let yes = Int(item.id.dropFirst())! <= 6 + i % 4
                    statements.append(SQLStatement("INSERT INTO survey_answers (response_id, item_id, answer, points, import_id) VALUES (?1, ?2, ?3, ?4, 1)",
                                                   [.text(id), .text(item.id), .text(yes ? "yes" : "no"), .double(yes ? 1 : 0)]))
                }
                statements.append(SQLStatement("INSERT INTO survey_answers (response_id, item_id, answer, points, import_id) VALUES (?1, 'enps', ?2, ?3, 1)",
                                               [.text(id), .text(String(i % 11)), .double(Double(i % 11))]))
                if i < 10 {
                    statements.append(SQLStatement("INSERT INTO survey_answers (response_id, item_id, answer, points, import_id) VALUES (?1, 'comment', ?2, 0, 1)",
                                                   [.text(id), .text("note \(i)")]))
                }
            }
            try await store.execute(statements)
            try await store.migrate()
            let data = SurveyData(store: store)
            let vectors = try await data.vectors(surveyID: "old")
            #expect(vectors.count == 12 && vectors.filter { $0.comment != nil }.count == 10)
            #expect(vectors.allSatisfy { $0.answers.count == 13 })
            let tallies = try await data.tallies(surveyID: "old")
            #expect(tallies["department"]?["Sales"]?.n == 6 && tallies["role"]?["manager"]?.n == 3 && tallies["gender"]?["f"]?.n == 6)
            // Sales: people 0…5 say yes to 6 + i % 4 items: 6+7+8+9+6+7 = 43
            #expect(tallies["department"]?["Sales"]?.personSum == 43.0)
            #expect(tallies["department"]?["Sales"]?.personSquares == 315.0, "36 + 49 + 64 + 81 + 36 + 49")
            #expect(tallies["age_band"]?["25-34"]?.answerCounts["enps"]?.values.reduce(0, +) == 12)
            #expect(try await data.departmentComments(surveyID: "old")["Sales"]?.count == 6)
            #expect(!(try await store.counts().keys.contains("survey_responses")))
            let r = try await SurveyReportBuilder(store: store).build(surveyID: "old")
            #expect(r.respondents == 12)
            #expect(r.breakdowns.first { $0.0 == "department" }?.1.first { $0.key == "Sales" }?.engagementPct == 43.0 * 100 / (6 * 12))
            if let pg = store as? PostgresStore, let schema = pg.target.schema { try await pg.executeForTests("DROP SCHEMA \(schema) CASCADE") }
        }
    }
}
