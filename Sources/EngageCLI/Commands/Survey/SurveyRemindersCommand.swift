import ArgumentParser
import EngageCore
import EngageImport
import EngageReports
import EngageServer
import EngageStore
import Foundation

struct SurveyRemindersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "reminders",
                                                    abstract: "Invited employees who have not answered yet (by their link's state only), as CSV: employee_id,name,email.")
    @OptionGroup var database: DatabaseOptions
    @Option(help: "The survey's id.") var survey: String

    func run() async throws {
        try await reportingErrors {
            let store = try await database.open()
            let who = try await employeeContacts(store)
            print("employee_id,name,email")
            for e in try await SurveyData(store: store).notAnswered(surveyID: survey) {
                print([e, who[e]?.0 ?? "", who[e]?.1 ?? ""].map(CSVText.cell).joined(separator: ","))
            }
        }
    }
}
