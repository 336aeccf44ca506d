import ArgumentParser
import EngageCore
import EngageImport
import EngageReports
import EngageServer
import EngageStore
import Foundation

struct SurveyCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create a survey wave from a questionnaire file (YAML or JSON); prints its id. `engage import` then takes responses.csv rows for it.",
        discussion: "Shipped templates: questionnaires/express-12.yaml (12 yes/no statements) and questionnaires/three-component.yaml (3 components × 30 points).")

    @OptionGroup var database: DatabaseOptions
    @Option(help: "The questionnaire file.") var questionnaire: String
    @Option(help: "A name for the wave, e.g. \"Autumn 2026\".") var name: String
    @Option(help: "Its id (letters, digits, - or _); default: made from the date.") var id: String?
    @Option(help: "The last day answers are taken (YYYY-MM-DD).") var closes: DateArgument?

    func run() async throws {
        try await reportingErrors {
            let q: Questionnaire
            do { q = try QuestionnaireFile.load(path: questionnaire) } catch let e as QuestionnaireFile.Refused { throw StoreError(e.description) }
            let now = Int64(Date().timeIntervalSince1970)
            let surveyID = id ?? "\(q.id)-\(LocalDate(utcInstant: now))"
            try await SurveyData(store: try await database.open()).create(id: surveyID, name: name, questionnaire: q, now: now, closesOn: closes?.date)
            print(surveyID)
        }
    }
}
