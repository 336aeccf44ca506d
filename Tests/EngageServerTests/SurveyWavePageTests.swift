import EngageCore
import EngageImport
import EngageServer
import EngageStore
import EngageTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// A wave's life in the browser (admins): create from a shipped or uploaded questionnaire,
/// invite by department (the links once, as CSV), who has not answered, close.
@Suite struct SurveyWavePageTests {
    static let questionnaires = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("questionnaires").path

    func multipart(_ fields: [(String, String)], file: (name: String, text: String)? = nil) -> (HTTPFields, ByteBuffer) {
        let b = "----wave"
        var body = fields.map { "--\(b)\r\nContent-Disposition: form-data; name=\"\($0.0)\"\r\n\r\n\($0.1)\r\n" }.joined()
        if let file { body += "--\(b)\r\nContent-Disposition: form-data; name=\"questionnaire\"; filename=\"\(file.name)\"\r\nContent-Type: application/yaml\r\n\r\n\(file.text)\r\n" }
        body += "--\(b)--\r\n"
        return ([.contentType: "multipart/form-data; boundary=\(b)"], ByteBuffer(string: body))
    }

    @Test(arguments: engines) func aWaveIsRunFromTheBrowser(engine: Engine) async throws {
        try await withFixture(engine, { $0.questionnairesFolder = Self.questionnaires }) { f, client in
            guard case .success = try await importFiles(["employees.csv": advocacySampleFiles["employees.csv"]!], into: f.store, dir: NSTemporaryDirectory()) else {
                Issue.record("employees refused"); return
            }
            var admin = try await signedIn(client, "ada")
            let page = try await client.execute(uri: "/surveys", method: .get, headers: admin)
            #expect(page.text.contains("<option>express-12.yaml</option>") && page.text.contains("<option>three-component.yaml</option>"))
            let csrf = try csrfToken(page)
            let cookie = admin[.cookie] ?? ""
            func post(_ fields: [(String, String)], file: (name: String, text: String)? = nil) async throws -> TestResponse {
                var (headers, body) = multipart([("csrf", csrf)] + fields, file: file)
                headers[.cookie] = cookie
                return try await client.execute(uri: "/surveys", method: .post, headers: headers, body: body)
            }
            let made = try await post([("name", "Autumn"), ("shipped", "express-12.yaml"), ("id", "autumn"), ("closes", "2026-12-31")])
            #expect(made.status == .seeOther && made.headers[.location] == "/surveys?done=survey_created")
            #expect(try await SurveyData(store: f.store).survey(id: "autumn")?.closesOn == LocalDate(year: 2026, month: 12, day: 31))
            #expect(try await post([("name", "Twice"), ("shipped", "express-12.yaml"), ("id", "autumn")]).status == .conflict)
            #expect(try await post([("name", "Sneaky"), ("shipped", "../README.md")]).status == .unprocessableContent)
            let broken = try await post([("name", "Mine"), ("shipped", "")], file: ("mine.yaml", "id: x\nitems: nope\n"))
            #expect(broken.status == .unprocessableContent && broken.text.contains("mine.yaml"))
            // invite Sales: e1 and e3 (e2 left in February)
            admin[.contentType] = "application/x-www-form-urlencoded"
            let links = try await client.execute(uri: "/surveys/autumn/invite", method: .post, headers: admin, body: ByteBuffer(string: "csrf=\(csrf)&department=Sales"))
            #expect(links.status == .ok && links.headers[.contentDisposition] == "attachment; filename=\"invitations-autumn-Sales.csv\"")
            let rows = links.text.split(separator: "\n").dropFirst()
            #expect(rows.count == 2 && rows[rows.startIndex].hasPrefix("e1,Anna,anna@example.com,http://") && rows.allSatisfy { $0.contains("/s/") })
            let again = try await client.execute(uri: "/surveys/autumn/invite", method: .post, headers: admin, body: ByteBuffer(string: "csrf=\(csrf)&department=Sales"))
            #expect(again.text.split(separator: "\n").count == 1, "nobody is invited twice")
            let listed = try await client.execute(uri: "/surveys", method: .get, headers: admin)
            #expect(listed.text.contains("<td data-label=\"Invited\">2</td><td data-label=\"Answered\">0</td><td data-label=\"Response rate\">0 %</td>"))
            let remind = try await client.execute(uri: "/surveys/autumn/reminders.csv", method: .get, headers: admin)
            #expect(remind.text == "employee_id,name,email\ne1,Anna,anna@example.com\ne3,Vera,\n")
            // close: no more invitations, shown closed
            #expect(try await client.execute(uri: "/surveys/autumn/close", method: .post, headers: admin, body: ByteBuffer(string: "csrf=\(csrf)")).status == .seeOther)
            #expect(try await client.execute(uri: "/surveys/autumn/invite", method: .post, headers: admin, body: ByteBuffer(string: "csrf=\(csrf)")).status == .conflict)
            #expect(try await client.execute(uri: "/surveys", method: .get, headers: admin).text.contains("<td data-label=\"Status\">closed</td>"))
            // HR runs waves too; a viewer (social and advocacy reports) sees none of it
            let hr = try await signedIn(client, "hana")
            let seen = try await client.execute(uri: "/surveys", method: .get, headers: hr)
            #expect(seen.status == .ok && seen.text.contains("Autumn"))
            #expect(try await client.execute(uri: "/surveys/autumn/reminders.csv", method: .get, headers: hr).status == .ok)
            let viewer = try await signedIn(client, "vera")
            #expect(try await client.execute(uri: "/surveys", method: .get, headers: viewer).status == .forbidden)
            #expect(try await client.execute(uri: "/surveys/autumn/reminders.csv", method: .get, headers: viewer).status == .forbidden)
        }
    }
}

/// Invitations and reminders by e-mail, the parts that need no SMTP server (the exchange
/// itself, retries and the browser's view are scripts/mail_test.py's, against aiosmtpd).
@Suite struct SurveyMailTests {
    /// A reminder's link is a second key to the same invitation: both open the form, an
    /// answer through either is one answer, and the first link then says it was used.
    @Test(arguments: engines) func aReminderLinkIsASecondKeyToTheSameInvitation(engine: Engine) async throws {
        try await withStore(engine) { store, dir in
            guard case .success = try await importFiles(["employees.csv": advocacySampleFiles["employees.csv"]!], into: store, dir: dir) else {
                Issue.record("employees refused"); return
            }
            let data = SurveyData(store: store)
            try await data.create(id: "w", name: "W", questionnaire: try QuestionnaireFile.load(path: SurveyWavePageTests.questionnaires + "/express-12.yaml"),
                                  now: testNow, closesOn: nil)
            var n = 0
            let made = try await data.invite(surveyID: "w", department: nil, now: testNow, token: { n += 1; return "first-token-\(n)-padding" },
                                             hash: { "h-" + $0 }, onlyWithEmail: true)
            // only employees with an address are invited this way (the others by the links CSV)
            let contacts = try await Employees(store: store).contacts()
            #expect(!made.isEmpty && made.allSatisfy { !(contacts[$0.employeeID]?.email ?? "").isEmpty })
            #expect(made.count < contacts.count)
            let remindable = try await data.remindable(surveyID: "w", department: nil)
            #expect(remindable.map(\.employeeID) == made.map(\.employeeID))
            let (employee, key) = remindable[0]
            #expect(try await data.setReminderHash(key: key, hash: "h-reminder"))
            let viaReminder = try #require(try await data.invitation(tokenHash: "h-reminder"))
            let viaFirst = try #require(try await data.invitation(tokenHash: key))
            #expect(viaReminder.key == key && viaFirst.key == key && viaReminder.strata == viaFirst.strata)
            // an answer through the reminder is claimed under the invitation's own key: once
            let claimed = try await data.release(surveyID: "w", [SurveyBallot(tokenHash: viaReminder.key, vector: SurveyVector(answers: ["q01": "yes"]))])
            #expect(claimed == [key])
            #expect(try await data.invitation(tokenHash: "h-reminder")?.used == true)
            #expect(!(try await data.remindable(surveyID: "w", department: nil).contains { $0.employeeID == employee }))
            #expect(try await data.setReminderHash(key: key, hash: "h-late") == false, "no new link for an answered invitation")
        }
    }

    /// Without SMTP the buttons are not offered and the action says how to set it up;
    /// with it, messages are recorded as sending (never their links), and those a stopped
    /// process was still sending are shown failed at the next start.
    @Test(arguments: engines) func messagesAreRecordedNeverTheirLinks(engine: Engine) async throws {
        try await withFixture(engine, { $0.questionnairesFolder = SurveyWavePageTests.questionnaires }) { f, client in
            guard case .success = try await importFiles(["employees.csv": advocacySampleFiles["employees.csv"]!], into: f.store, dir: NSTemporaryDirectory()) else {
                Issue.record("employees refused"); return
            }
            try await SurveyData(store: f.store).create(id: "w", name: "W", questionnaire: try QuestionnaireFile.load(path: SurveyWavePageTests.questionnaires + "/express-12.yaml"),
                                                        now: testNow, closesOn: nil)
            var admin = try await signedIn(client, "hana")
            let page = try await client.execute(uri: "/surveys", method: .get, headers: admin)
            #expect(page.text.contains("start the server with an SMTP server") && !page.text.contains("/surveys/w/send"))
            admin[.contentType] = "application/x-www-form-urlencoded"
            let send = try await client.execute(uri: "/surveys/w/send", method: .post, headers: admin, body: ByteBuffer(string: "csrf=\(try csrfToken(page))"))
            #expect(send.status == .unprocessableContent)
            #expect(try await SurveyData(store: f.store).inviteCounts()["w"] == nil, "nobody invited")
            // the preview: the form, not sendable
            let preview = try await client.execute(uri: "/surveys/w/preview", method: .get, headers: admin)
            #expect(preview.status == .ok && preview.text.contains("disabled>") && preview.text.contains("I look forward"))
            #expect(try await client.execute(uri: "/surveys/w/preview", method: .get, headers: try await signedIn(client, "vera")).status == .forbidden)
        }
        // an SMTP server nobody answers on: the messages wait as "sending"
        try await withFixture(engine, { c in
            c.smtp = SMTPConfig(host: "127.0.0.1", from: "hr@example.com")
            c.smtp?.port = 9  // discard: refused
            c.smtp?.security = .none
            c.mailRetrySeconds = 3_600
        }) { f, client in
            guard case .success = try await importFiles(["employees.csv": advocacySampleFiles["employees.csv"]!], into: f.store, dir: NSTemporaryDirectory()) else {
                Issue.record("employees refused"); return
            }
            try await SurveyData(store: f.store).create(id: "w", name: "W", questionnaire: try QuestionnaireFile.load(path: SurveyWavePageTests.questionnaires + "/express-12.yaml"),
                                                        now: testNow, closesOn: nil)
            var admin = try await signedIn(client, "ada")
            let page = try await client.execute(uri: "/surveys", method: .get, headers: admin)
            #expect(page.text.contains("/surveys/w/send") && page.text.contains("/surveys/w/remind"))
            admin[.contentType] = "application/x-www-form-urlencoded"
            let send = try await client.execute(uri: "/surveys/w/send", method: .post, headers: admin, body: ByteBuffer(string: "csrf=\(try csrfToken(page))&lang=ru"))
            #expect(send.status == .seeOther && send.headers[.location] == "/surveys?done=invitations_queued")
            let invited = try await SurveyData(store: f.store).inviteCounts()["w"]?.invited ?? 0
            #expect(invited > 0)
            // once each first attempt has failed (the next is an hour away): this process's
            // sender then leaves the rows alone, as a stopped one would
            for _ in 0..<200 {
                if try await f.store.execute("SELECT COUNT(*) FROM survey_mail WHERE attempts = 0") == [[.int(0)]] { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            let status = try await SurveyMail(store: f.store).status()["w"]
            #expect((status?.sending ?? 0) + (status?.failed ?? 0) == invited)
            // nothing in the database holds a link: the stored state is the row of survey_mail
            #expect(Set(try await f.store.columns(of: "survey_mail")) == ["survey_id", "employee_id", "kind", "status", "attempts", "last_error", "updated_at"])
            // the next process: what was being sent is failed, and shown so
            let abandoned = try await SurveyMail(store: f.store).abandonSending(now: testNow + 60)
            #expect(abandoned == status?.sending ?? 0)
            #expect(try await SurveyMail(store: f.store).status()["w"]?.failed == invited)
        }
    }
}

/// Both tables of user-facing text are Swift dictionary literals: a key written twice traps
/// the process the first time a page is drawn. Caught here, from the sources, instead.
@Suite struct TextTableTests {
    @Test func noKeyIsWrittenTwice() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        for file in ["Sources/EngageServer/UIText.swift", "Sources/EngageReports/Render/Localization.swift"] {
            let text = try String(contentsOf: root.appendingPathComponent(file), encoding: .utf8)
            var seen: [String: Int] = [:]
            for m in text.matches(of: /"([A-Za-z0-9_\-]+)":\s*\(/) { seen[String(m.1), default: 0] += 1 }
            #expect(seen.count > 50 && seen.filter { $0.value > 1 }.isEmpty, "\(file): \(seen.filter { $0.value > 1 }.keys.sorted())")
        }
    }
}
