import EngageCore
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
