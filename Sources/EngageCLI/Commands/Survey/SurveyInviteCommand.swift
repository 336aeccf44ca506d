import ArgumentParser
import EngageCore
import EngageImport
import EngageReports
import EngageServer
import EngageStore
import Foundation

struct SurveyInviteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "invite",
        abstract: "Invite employees (all employed today, or one department) not yet invited: one single-use link each, printed as CSV (employee_id,name,email,link) for your mail merge.",
        discussion: "Only a hash of each token is stored: the links are shown this once. The answers given through a link are stored without it.")

    @OptionGroup var database: DatabaseOptions
    @Option(help: "The survey's id.") var survey: String
    @Option(help: "Only this department.") var department: String?
    @Option(help: "The address employees reach engage serve at (e.g. https://engage.example.com).") var baseURL = "http://127.0.0.1:8080"
    @Option(help: "Write the CSV here instead of standard output.") var output: String?

    func run() async throws {
        try await reportingErrors {
            let store = try await database.open()
            let made = try await SurveyData(store: store).invite(surveyID: survey, department: department, now: Int64(Date().timeIntervalSince1970),
                                                                 token: ServerSecurity.newSurveyToken, hash: ServerSecurity.tokenHash)
            let who = try await employeeContacts(store)
            let base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
            let cell = CSVText.cell
            var csv = "employee_id,name,email,link\n"
            for (e, token) in made { csv += [e, who[e]?.0 ?? "", who[e]?.1 ?? "", "\(base)/s/\(token)"].map(cell).joined(separator: ",") + "\n" }
            if let output {
                do { try csv.write(toFile: output, atomically: true, encoding: .utf8) } catch { throw StoreError("cannot write \(output): \(error.localizedDescription)") }
                printError("invited \(made.count); links in \(output)")
            } else {
                print(csv, terminator: "")
                printError("invited \(made.count)")
            }
        }
    }
}
