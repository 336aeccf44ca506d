import ArgumentParser
import EngageCore
import EngageImport
import EngageReports
import EngageServer
import EngageStore
import Foundation

struct SurveyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "survey", abstract: "Employee engagement survey waves.",
                                                    subcommands: [SurveyCreateCommand.self, SurveyListCommand.self, SurveyInviteCommand.self,
                                                                  SurveyRemindersCommand.self, SurveyCloseCommand.self])
}

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
            guard (1...64).contains(surveyID.count), surveyID.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
                throw StoreError("--id: 1 to 64 letters, digits, - or _")
            }
            try await SurveyData(store: try await database.open()).create(id: surveyID, name: name, questionnaire: q, now: now, closesOn: closes?.date)
            print(surveyID)
        }
    }
}

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

struct SurveyReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "survey",
        abstract: "A survey wave's results: the index of its method, per department, role, age band and gender, with coverage checks.",
        discussion: "Groups with fewer respondents than the anonymity threshold are never shown, nor the next smallest group of the same breakdown when the hidden one could be worked out from the total.")

    @OptionGroup var database: DatabaseOptions
    @Option(help: "The survey's id (see engage survey list).") var survey: String
    @Option(help: "json, md, csv or html.") var format: ReportFormat = .json
    @Option(help: "Raise the anonymity threshold for this report (smallest group shown); it cannot go below the configured one (engage config survey-threshold).") var threshold: Int?
    @Option(help: "Language of the html report: en or ru.") var lang: Language = .en
    @Option(help: "Write to this file instead of standard output.") var output: String?

    func run() async throws {
        try await reportingErrors {
            var builder = SurveyReportBuilder(store: try await database.open())
            builder.threshold = threshold
            let report = try await builder.build(surveyID: survey)
            let json = report.json
            let r = GenericRenderer(title: "Employee survey \(survey)")
            let text: String
            switch format {
            case .json: text = json.serialized(indent: 1)
            case .md: text = r.markdown(json)
            case .csv: text = r.csv(json)
            case .html: text = SurveyHTMLRenderer(lang: lang).render(report)
            }
            try emit(text, to: output)
        }
    }
}

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

/// employee_id → (name, email), for invitation and reminder lists.
func employeeContacts(_ store: any Store) async throws -> [String: (String, String)] {
    try await Employees(store: store).contacts().mapValues { ($0.name, $0.email) }
}
