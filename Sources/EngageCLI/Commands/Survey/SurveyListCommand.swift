import ArgumentParser
import EngageCore
import EngageImport
import EngageReports
import EngageServer
import EngageStore
import Foundation

struct SurveyListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List survey waves (id, questionnaire and version, name).")
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        try await reportingErrors {
            for s in try await SurveyData(store: try await database.open()).surveys() {
                let q = Questionnaire(jsonText: s.questionnaireJSON)
                print("\(s.id)\t\(q.map { "\($0.id) v\($0.version)" } ?? "?")\t\(s.name)")
            }
        }
    }
}
