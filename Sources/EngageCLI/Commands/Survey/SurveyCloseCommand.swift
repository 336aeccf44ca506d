import ArgumentParser
import EngageCore
import EngageImport
import EngageReports
import EngageServer
import EngageStore
import Foundation

struct SurveyCloseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "close", abstract: "Close a survey wave: its links take no more answers.")
    @OptionGroup var database: DatabaseOptions
    @Option(help: "The survey's id.") var survey: String

    func run() async throws {
        try await reportingErrors {
            try await SurveyData(store: try await database.open()).close(surveyID: survey, now: Int64(Date().timeIntervalSince1970))
            print("closed \(survey)")
        }
    }
}
