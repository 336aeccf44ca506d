import EngageCore
import EngageImport
import EngageReports
import EngageStore
import EngageTestSupport
import Foundation
import Testing

/// Survey waves end to end on both engines: questionnaire → survey → responses.csv →
/// report, on the seeds' worked examples, with anonymity rules checked on the schema and
/// on stored rows.
@Suite struct SurveyReportTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func questionnaire(_ name: String) throws -> Questionnaire {
        try QuestionnaireFile.load(path: root.appendingPathComponent("questionnaires/\(name)").path)
    }

    /// The seed's express example: 297 respondents, 2,743 Yes (227 people with 9, 70 with 10).
    static var expressResponses: String {
        var csv = "survey_id,response_id,department,is_manager,age_band,gender," + (1...12).map { String(format: "q%02d", $0) }.joined(separator: ",") + "\n"
        for i in 0..<297 {
            let yes = i < 227 ? 9 : 10
            let dept = i < 150 ? "Sales" : (i < 294 ? "Support" : "Legal")
            let answers = (0..<12).map { $0 < yes ? (i % 2 == 0 ? "yes" : "да") : (i % 3 == 0 ? "0" : "no") }
            csv += "autumn,r\(i),\(dept),\(i % 10 == 0 ? "yes" : "no"),25-34,\(i % 2 == 0 ? "f" : "m")," + answers.joined(separator: ",") + "\n"
        }
        return csv
    }

    @Test(arguments: engines) func theSeedsExpressExampleEndToEnd(engine: Engine) async throws {
        try await withStore(engine) { store, dir in
            try await SurveyData(store: store).create(id: "autumn", name: "Autumn", questionnaire: try Self.questionnaire("express-12.yaml"),
                                                      now: testNow, closesOn: nil)
            guard case .success(let s) = try await importFiles(["responses.csv": Self.expressResponses], into: store, dir: dir) else {
                Issue.record("refused"); return
            }
            #expect(s.rows == 297)
            let r = try await SurveyReportBuilder(store: store).build(surveyID: "autumn")
            let json = r.json
            #expect(json["respondents"] == .int(297))
            // 2,743 × 100 / (297 × 12)
            #expect(json["engagement_pct"] == .double(Survey.engagementPct(yes: 2_743, respondents: 297)!))
            #expect(abs(r.overall.engagementPct! - 76.964) < 0.001)
            #expect(json["band"] == .string("high"))
            // no eNPS given in this file: null; comments asked but none given: an empty list (297 ≥ 10)
            #expect(json["enps"] == .null && json["comments"] == .array([]))
            // Legal (3) is below the threshold; Support (144), the next smallest, goes with it
            guard case .array(let depts) = json["departments"] else { Issue.record("no departments"); return }
            let shown = depts.compactMap { d -> String? in d["suppressed"] == .bool(false) ? d["department"]?.stringValue : nil }
            #expect(shown == ["Sales"])
            #expect(depts.first { $0["department"] == .string("Legal") }?["respondents"] == .null)
            #expect(depts.first { $0["department"] == .string("Legal") }?["engagement_pct"] == nil)
            // suppressed in every format: no figure of Legal or Support anywhere
            let md = GenericRenderer(title: "t").markdown(json), csv = GenericRenderer(title: "t").csv(json)
            let html = SurveyHTMLRenderer().render(r)
            for text in [md, csv] {
                let legal = text.split(separator: "\n").filter { $0.contains("Legal") || $0.contains("Support") }
                #expect(!legal.isEmpty && legal.allSatisfy { !$0.contains("66.6") && !$0.contains(",3,") && !$0.contains("144") })
            }
            #expect(html.contains("hidden (fewer than 5)") && !html.contains(">144<") && !html.contains(">3<"))
            // the interval is per person (297 observations), around the mean
            if case .object(let ci) = json["engagement_ci95"] ?? .null, case .double(let low) = ci.first { $0.0 == "low" }?.1 ?? .null {
                #expect(low < 2_743.0 * 100 / 3_564 && low > 76)
            } else { Issue.record("no interval") }
        }
    }

    @Test(arguments: engines) func threeComponentIndexAndBand(engine: Engine) async throws {
        try await withStore(engine) { store, dir in
            let q = try Self.questionnaire("three-component.yaml")
            try await SurveyData(store: store).create(id: "tc", name: "TC", questionnaire: q, now: testNow, closesOn: nil)
            // five people; work 25 each (5+5+5+5+5+0), management 13 (5+5+3+0+0+0), events 11 (5+3+3+0+0+0)
            let work = ["often", "often", "agree", "agree", "often", "disagree"]
            let mgmt = ["often", "often", "sometimes", "never", "disagree", "never"]
            let events = ["often", "rather_agree", "sometimes", "never", "disagree", "never"]
            var csv = "survey_id,response_id,department," + q.items.map(\.id).joined(separator: ",") + "\n"
            for i in 0..<5 { csv += "tc,t\(i),Ops," + (work + mgmt + events).joined(separator: ",") + "\n" }
            guard case .success = try await importFiles(["responses.csv": csv], into: store, dir: dir) else { Issue.record("refused"); return }
            let json = try await SurveyReportBuilder(store: store).build(surveyID: "tc").json
            #expect(json["index"] == .double(49))
            #expect(json["band"] == .string("medium"))
            #expect(json["index_rescaled_0_90"] == .double(49))
        }
    }

    @Test(arguments: engines) func badResponsesAreRefusedWithTheirPlace(engine: Engine) async throws {
        try await withStore(engine) { store, dir in
            try await SurveyData(store: store).create(id: "s1", name: "S1", questionnaire: try Self.questionnaire("express-12.yaml"), now: testNow, closesOn: nil)
            let header = "survey_id,response_id," + (1...12).map { String(format: "q%02d", $0) }.joined(separator: ",") + "\n"
            let all = Array(repeating: "yes", count: 12)
            var csv = header + "s1,a," + all.joined(separator: ",") + "\n"
            csv += "nope,b," + all.joined(separator: ",") + "\n"
            csv += "s1,c," + (["maybe"] + all.dropFirst()).joined(separator: ",") + "\n"
            csv += "s1,d," + (all.dropLast() + [""]).joined(separator: ",") + "\n"
            guard case .failure(let f) = try await importFiles(["responses.csv": csv], into: store, dir: dir) else { Issue.record("accepted"); return }
            #expect(f.errors.map(\.description) == [
                "responses.csv:3:1: survey_id: no survey 'nope' (create it with engage survey create)",
                "responses.csv:4:6: q01: expected true/false, 1/0, yes/no or да/нет, got 'maybe'",
                "responses.csv:5:50: q12: an answer is required (yes or no)",
            ])
            #expect(try await store.execute("SELECT COUNT(*) FROM survey_vectors") == [[.int(0)]])
        }
    }

    @Test(arguments: engines) func wavesEventsAndOutcomes(engine: Engine) async throws {
        try await withStore(engine) { store, dir in
            let q = try Self.questionnaire("express-12.yaml")
            let data = SurveyData(store: store)
            try await data.create(id: "w1", name: "Last year", questionnaire: q, now: testNow - 365 * 86_400, closesOn: nil)
            try await data.create(id: "w2", name: "This year", questionnaire: q, now: testNow, closesOn: nil)
            var csv = "survey_id,response_id,department," + (1...12).map { String(format: "q%02d", $0) }.joined(separator: ",") + "\n"
            for i in 0..<10 {
                // last year everyone said yes 6 times (50 %); this year Sales 9 (75 %), Ops 12 (100 %)
                csv += "w1,a\(i),\(i < 5 ? "Sales" : "Ops")," + (0..<12).map { $0 < 6 ? "yes" : "no" }.joined(separator: ",") + "\n"
                let yes = i < 5 ? 9 : 12
                csv += "w2,b\(i),\(i < 5 ? "Sales" : "Ops")," + (0..<12).map { $0 < yes ? "yes" : "no" }.joined(separator: ",") + "\n"
            }
            let files = ["responses.csv": csv,
                         "events.csv": "event_id,date,invited,attended,name\nev1,2026-06-01,10,4,Picnic\nev2,2026-09-01,10,5,Run\n",
                         "hr_metrics.csv": "department,period,turnover_pct,absenteeism_pct,productivity\nSales,2025,20,5,100\nSales,2026,12,4,110\nOps,2026,6,3,130\n"]
            guard case .success = try await importFiles(files, into: store, dir: dir) else { Issue.record("refused"); return }
            let json = try await SurveyReportBuilder(store: store).build(surveyID: "w2").json
            guard case .array(let trend) = json["trend"], trend.count == 2 else { Issue.record("trend"); return }
            #expect(trend[0]["value"] == .double(50) && trend[1]["value"] == .double(87.5))
            // everyone alike within a wave: no spread, the change is exact
            #expect(trend[1]["change"]?["difference"] == .double(37.5))
            #expect(trend[1]["comparable"] == .bool(true))
            guard case .array(let events) = json["events"] else { Issue.record("events"); return }
            #expect(events.map { $0["failed"] } == [.bool(true), .bool(false)], "4 of 10 failed; 5 of 10 is not below half")
            guard case .array(let outcomes) = json["outcomes"], let turnover = outcomes.first(where: { $0["metric"] == .string("turnover_pct") }) else {
                Issue.record("outcomes"); return
            }
            // the latest period per department: Sales 12 %, Ops 6 %; two departments say nothing yet
            #expect(turnover["n"] == .int(2) && turnover["conclusive"] == .bool(false))
            #expect(turnover["departments"]?.serialized() == #"[{"department":"Ops","value":100,"outcome":6},{"department":"Sales","value":75,"outcome":12}]"#)
        }
    }

    /// export → import moves surveys, their invitations (links keep working) and responses.
    @Test(arguments: engines.flatMap { a in engines.map { b in (a, b) } })
    func surveysMoveWithExport(from: Engine, to: Engine) async throws {
        try await withStore(from) { source, dir in
            guard case .success = try await importFiles(advocacySampleFiles, into: source, dir: dir) else { Issue.record("sample"); return }
            let data = SurveyData(store: source)
            try await data.create(id: "autumn", name: "Autumn, 2026", questionnaire: try Self.questionnaire("express-12.yaml"), now: testNow, closesOn: nil)
            let made = try await data.invite(surveyID: "autumn", department: nil, now: testNow, token: { UUID().uuidString }, hash: { "h-" + $0 })
            guard case .success = try await importFiles(["responses.csv": Self.expressResponses], into: source, dir: dir + "/r") else { Issue.record("responses"); return }
            let before = try await SurveyReportBuilder(store: source).build(surveyID: "autumn").json.serialized()
            let files = try await Exporter(store: source).export(to: dir + "/out")
            let rows = Dictionary(uniqueKeysWithValues: files.map { ($0.file, $0.rows) })
            #expect(rows["surveys.csv"] == 1 && rows["survey_invitations.csv"] == 2 && rows["responses.csv"] == 297)
            try await withStore(to) { target, _ in
                _ = try await Importer(store: target, now: testNow).importFolder(dir + "/out")
                let after = try await SurveyReportBuilder(store: target).build(surveyID: "autumn").json.serialized()
                #expect(after == before)
                #expect(try await SurveyData(store: target).invitation(tokenHash: "h-" + made[0].token)?.surveyID == "autumn")
            }
        }
    }

    @Test func commentsOnlyForGroupsOfTen() async throws {
        try await withStore(.sqlite) { store, dir in
            try await SurveyData(store: store).create(id: "c", name: "C", questionnaire: try Self.questionnaire("express-12.yaml"), now: testNow, closesOn: nil)
            try await SurveyData(store: store).create(id: "d", name: "D", questionnaire: try Self.questionnaire("express-12.yaml"), now: testNow, closesOn: nil)
            var csv = "survey_id,response_id,department,gender,enps,comment," + (1...12).map { String(format: "q%02d", $0) }.joined(separator: ",") + "\n"
            for i in 0..<17 {
                csv += "c,x\(i),\(i < 12 ? "A" : "B"),\(i < 12 ? "f" : "m"),\(i % 3 == 0 ? 10 : 5),note \(i)," + Array(repeating: "yes", count: 12).joined(separator: ",") + "\n"
            }
            // wave d: A 12, B 10, both at the comment minimum
            for i in 0..<22 {
                csv += "d,y\(i),\(i < 12 ? "A" : "B"),\(i < 12 ? "f" : "m"),5,note \(i)," + Array(repeating: "yes", count: 12).joined(separator: ",") + "\n"
            }
            guard case .success = try await importFiles(["responses.csv": csv], into: store, dir: dir) else { Issue.record("refused"); return }
            let json = try await SurveyReportBuilder(store: store).build(surveyID: "c").json
            // 6 of 17 promoters (10), 11 detractors (5): (6 − 11) / 17 × 100
            #expect(json["enps"] == .double(Double(6 - 11) / 17 * 100))
            guard case .array(let depts) = json["departments"] else { Issue.record("departments"); return }
            let a = depts.first { $0["department"] == .string("A") }, b = depts.first { $0["department"] == .string("B") }
            #expect(json["comments"]?.serialized().contains("note 16") == true, "17 in all: shown")
            // before: A's 12 were shown, and the whole list minus A's list was B's five
            #expect(a?["comments"] == .null, "12 in A, but the rest (B) would be 5: hidden with B")
            #expect(b?["comments"] == .null, "5 in B: shown as a group, but not its comments")
            #expect(b?["engagement_pct"] == .double(100))
            // never by a second breakdown: women (12) and department A (12) both hold "note 11";
            // two lists of one comment could be intersected to narrow its writer (4 of 45 before)
            guard case .array(let genders) = json["genders"] else { Issue.record("genders"); return }
            let women = genders.first { $0["gender"] == .string("f") }
            #expect(women?["suppressed"] == .bool(false) && women?["comments"] == .null)
            // both departments of ten or more: each shows its own
            guard case .array(let dDepts) = try await SurveyReportBuilder(store: store).build(surveyID: "d").json["departments"] else { Issue.record("d"); return }
            #expect(dDepts.allSatisfy { $0["comments"] != .null })
            #expect(dDepts.first { $0["department"] == .string("B") }?["comments"]?.serialized().contains("note 21") == true)
        }
    }

    /// What is stored of a response cannot name a person, a token, a time, an order or a
    /// joint vector of strata (the strata join found 25 of 45 before: each response kept
    /// department, manager, age band and gender together).
    @Test(arguments: engines) func responsesCannotBeTracedToAPerson(engine: Engine) async throws {
        try await withStore(engine) { store, dir in
            try await SurveyData(store: store).create(id: "autumn", name: "Autumn", questionnaire: try Self.questionnaire("express-12.yaml"),
                                                      now: testNow, closesOn: nil)
            guard case .success = try await importFiles(["responses.csv": Self.expressResponses], into: store, dir: dir) else { Issue.record("refused"); return }
            #expect(Set(try await store.columns(of: "survey_vectors")) == ["vector_key", "survey_id", "answers", "comment", "import_id"])
            #expect(Set(try await store.columns(of: "survey_tallies")) == ["survey_id", "dimension", "grp", "measure", "value", "import_id"])
            for table in ["survey_vectors", "survey_tallies", "survey_comments"] {
                let columns = try await store.columns(of: table)
                for forbidden in ["token", "token_hash", "employee_id", "email", "name", "day", "date", "department", "is_manager", "age_band", "gender"]
                    where !(table == "survey_comments" && forbidden == "department") {
                    #expect(!columns.contains(forbidden), "\(table).\(forbidden)")
                }
                #expect(columns.allSatisfy { !$0.hasSuffix("_at") }, "\(table): no instants")
            }
            if let sqlite = store as? SQLiteStore {
                // no insertion order either: the table has no rowid, its order is the random key's
                await #expect(throws: (any Error).self) { try await sqlite.executeForTests("SELECT rowid FROM survey_vectors") }
            }
            // a group's tally is sums: Sales has 150 people, 75 managers among all, …
            let tallies = try await SurveyData(store: store).tallies(surveyID: "autumn")
            #expect(tallies["department"]?["Sales"]?.n == 150 && tallies["role"]?["manager"]?.n == 30 && tallies["gender"]?["f"]?.n == 149)
            // importing the same file again stores nothing twice and changes no tally
            guard case .success(let again) = try await importFiles(["responses.csv": Self.expressResponses], into: store, dir: dir) else {
                Issue.record("refused"); return
            }
            #expect(again.rows == 0 && again.warnings.map(\.message) == ["297 responses were imported before and skipped (answers already counted are not changed)"])
            #expect(try await store.execute("SELECT COUNT(*) FROM survey_vectors") == [[.int(297)]])
            #expect(try await SurveyData(store: store).tallies(surveyID: "autumn") == tallies)
        }
    }
}

extension JSONValue {
    var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }
}
