import EngageCore
import EngageImport
import EngageReports
import EngageServer
import EngageStore
import EngageTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Anonymous answering at /s/{token}, on both engines.
@Suite struct SurveyPageTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The sample employees (e1 and e3 are employed on testNow's day; e2 left in February),
    /// an express survey, and their invitations: employee → token.
    func withInvitations(_ engine: Engine, _ body: @escaping @Sendable (Fixture, any TestClientProtocol, [String: String]) async throws -> Void) async throws {
        try await withFixture(engine) { f, client in
            guard case .success = try await importFiles(advocacySampleFiles, into: f.store, dir: NSTemporaryDirectory()) else {
                Issue.record("sample refused"); return
            }
            let data = SurveyData(store: f.store)
            let q = try QuestionnaireFile.load(path: Self.root.appendingPathComponent("questionnaires/express-12.yaml").path)
            try await data.create(id: "autumn", name: "Autumn", questionnaire: q, now: testNow, closesOn: nil)
            let made = try await data.invite(surveyID: "autumn", department: nil, now: testNow, token: ServerSecurity.newSurveyToken, hash: ServerSecurity.tokenHash)
            try await body(f, client, Dictionary(uniqueKeysWithValues: made.map { ($0.employeeID, $0.token) }))
        }
    }

    static func answers(yes: Int) -> String {
        (1...12).map { String(format: "q%02d=", $0) + ($0 <= yes ? "yes" : "no") }.joined(separator: "&")
    }

    static let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]

    /// An answer is taken and held: nothing of it is written (no row, no claimed link), a
    /// second Send is refused, and a wave that closes with fewer than the threshold waiting
    /// drops them — their links work again.
    @Test(arguments: engines) func anAnswerIsHeldAndKeepsNoTraceOfWho(engine: Engine) async throws {
        try await withInvitations(engine) { f, client, tokens in
            #expect(tokens.keys.sorted() == ["e1", "e3"], "e2 had left")
            let token = try #require(tokens["e1"])
            // invitations keep the strata of the day they were made, and only a token's hash
            let inv = try await f.store.execute("SELECT department, is_manager, age_band, gender, used FROM survey_invitations WHERE employee_id = 'e1'")
            #expect(inv == [[.text("Sales"), .int(0), .text("35-44"), .text("f"), .int(0)]])
            #expect(try await f.store.execute("SELECT COUNT(*) FROM survey_invitations WHERE token_hash = ?1", [.text(token)]) == [[.int(0)]])

            let page = try await client.execute(uri: "/s/\(token)", method: .get)
            #expect(page.status == .ok)
            #expect(page.text.components(separatedBy: "<fieldset").count - 1 == 14, "12 statements, the eNPS question, the comment")
            #expect(page.text.contains("I look forward to starting my working day."))
            #expect(page.text.contains("together with at least 4 other people"))
            let ru = try await client.execute(uri: "/s/\(token)", method: .get, headers: [.acceptLanguage: "ru"])
            #expect(ru.text.contains("Я с удовольствием начинаю рабочий день.") && ru.text.contains("> Да</label>"))

            // an incomplete form is shown again with what was chosen; nothing is taken
            let partial = try await client.execute(uri: "/s/\(token)", method: .post, headers: Self.form, body: ByteBuffer(string: "q01=yes&q02=no"))
            #expect(partial.status == .unprocessableContent)
            #expect(partial.text.contains(#"value="yes" required checked"#))

            let sent = try await client.execute(uri: "/s/\(token)", method: .post, headers: Self.form,
                                                body: ByteBuffer(string: Self.answers(yes: 9) + "&enps=10&comment=More+%3Cb%3Ecoffee%3C%2Fb%3E"))
            #expect(sent.status == .ok && sent.text.contains("your answers are taken") && sent.text.contains("at least 4 other"))
            // nothing written: no answer, no used link, no tally
            #expect(try await f.store.execute("SELECT COUNT(*) FROM survey_vectors") == [[.int(0)]])
            #expect(try await f.store.execute("SELECT COUNT(*) FROM survey_tallies") == [[.int(0)]])
            #expect(try await f.store.execute("SELECT COUNT(*) FROM survey_invitations WHERE used = 1") == [[.int(0)]])

            // the link is spent while its answer waits: a friendly page, and a second Send is not taken
            let again = try await client.execute(uri: "/s/\(token)", method: .post, headers: Self.form, body: ByteBuffer(string: Self.answers(yes: 0)))
            #expect(again.status == .ok && again.text.contains("already been used"))
            #expect(try await client.execute(uri: "/s/\(token)", method: .get).text.contains("already been used"))
            #expect(await f.state.ballotsWaiting("autumn").answers == 1)

            // closed with one answer waiting: it is dropped (one answer alone would be that person's)
            try await SurveyData(store: f.store).close(surveyID: "autumn", now: testNow)
            await f.state.releaseSurveys(stopping: false)
            #expect(await f.state.ballotsWaiting("autumn").answers == 0)
            #expect(try await f.store.execute("SELECT COUNT(*) FROM survey_vectors") == [[.int(0)]])

            let unknown = try await client.execute(uri: "/s/notarealtokenatall1234", method: .get)
            #expect(unknown.status == .notFound && unknown.text.contains("not valid"))
        }
    }

    @Test(arguments: engines) func aTokenAnsweredTwiceAtOnceIsTakenOnce(engine: Engine) async throws {
        try await withInvitations(engine) { f, client, tokens in
            let token = try #require(tokens["e3"])
            let body = Self.answers(yes: 12)
            async let a = client.execute(uri: "/s/\(token)", method: .post, headers: Self.form, body: ByteBuffer(string: body))
            async let b = client.execute(uri: "/s/\(token)", method: .post, headers: Self.form, body: ByteBuffer(string: body))
            async let c = client.execute(uri: "/s/\(token)", method: .post, headers: Self.form, body: ByteBuffer(string: body))
            let texts = try await [a.text, b.text, c.text]
            #expect(texts.filter { $0.contains("your answers are taken") }.count == 1)
            #expect(await f.state.ballotsWaiting("autumn").answers == 1)
            // two instances holding the same link's answer: releasing both stores one
            let data = SurveyData(store: f.store)
            let hash = ServerSecurity.tokenHash(token)
            let results = try await withThrowingTaskGroup(of: Set<String>.self) { group in
                for _ in 0..<8 {
                    group.addTask { try await data.release(surveyID: "autumn", [SurveyBallot(tokenHash: hash, vector: SurveyVector(answers: ["q01": "yes"]))]) }
                }
                return try await group.reduce(into: [Set<String>]()) { $0.append($1) }
            }
            #expect(results.filter { !$0.isEmpty }.count == 1)
            #expect(try await f.store.execute("SELECT COUNT(*) FROM survey_vectors") == [[.int(1)]])
        }
    }

    @Test(arguments: engines) func theSurveyPageShowsItsWorkingAndHidesSmallGroups(engine: Engine) async throws {
        try await withInvitations(engine) { f, client, _ in
            // the seed: 297 respondents, 2,743 yes; Legal (3) hidden, and Support with it
            var csv = "survey_id,response_id,department," + (1...12).map { String(format: "q%02d", $0) }.joined(separator: ",") + "\n"
            for i in 0..<297 {
                let yes = i < 227 ? 9 : 10
                csv += "autumn,r\(i),\(i < 150 ? "Sales" : (i < 294 ? "Support" : "Legal"))," + (0..<12).map { $0 < yes ? "yes" : "no" }.joined(separator: ",") + "\n"
            }
            guard case .success = try await importFiles(["responses.csv": csv], into: f.store, dir: NSTemporaryDirectory()) else { Issue.record("refused"); return }
            let api = try await client.execute(uri: "/api/v1/reports/survey?survey=autumn", method: .get, headers: bearer(f.hrToken))
            #expect(api.status == .ok)
            #expect(api.text == (try await SurveyReportBuilder(store: f.store).build(surveyID: "autumn").json.serialized()) + "\n")
            #expect(try await client.execute(uri: "/api/v1/reports/survey?survey=nope", method: .get, headers: bearer(f.hrToken)).status == .notFound)
            #expect(try await client.execute(uri: "/api/v1/reports/survey", method: .get, headers: bearer(f.hrToken)).status == .badRequest)
            // the page, signed in
            let login = try await client.execute(uri: "/login", method: .get)
            let csrf = try csrfToken(login)
            let signed = try await client.execute(uri: "/login", method: .post,
                                                  headers: [.cookie: "engage_pre=\(login.cookies["engage_pre"] ?? "")", .contentType: "application/x-www-form-urlencoded"],
                                                  body: ByteBuffer(string: "csrf=\(csrf)&name=hana&password=password-hana"))
            let jar: HTTPFields = [.cookie: "engage_session=\(signed.cookies["engage_session"] ?? "")"]
            let list = try await client.execute(uri: "/surveys", method: .get, headers: jar)
            #expect(list.status == .ok && list.text.contains("/surveys/autumn"))
            let page = try await client.execute(uri: "/surveys/autumn", method: .get, headers: jar)
            #expect(page.status == .ok)
            #expect(page.text.contains("2,743 × 100 / (297 × 12) = 77.0 %"))
            #expect(page.text.contains("Bands: ≥ 70 % high"))
            #expect(page.text.components(separatedBy: "hidden (fewer than 5)").count - 1 >= 2, "Legal and Support are hidden")
            let ru = try await client.execute(uri: "/surveys/autumn", method: .get, headers: [.cookie: jar[.cookie]!, .acceptLanguage: "ru"])
            #expect(ru.text.contains("2\u{00A0}743 × 100 / (297 × 12) = 77,0 %"))
        }
    }

    @Test(arguments: engines) func aClosedSurveyTakesNoAnswers(engine: Engine) async throws {
        try await withInvitations(engine) { f, client, tokens in
            try await SurveyData(store: f.store).close(surveyID: "autumn", now: testNow)
            let r = try await client.execute(uri: "/s/\(tokens["e1"]!)", method: .post, headers: Self.form, body: ByteBuffer(string: Self.answers(yes: 3)))
            #expect(r.status == .gone)
            #expect(await f.state.ballotsWaiting("autumn").answers == 0)
        }
    }
}
