import ArgumentParser
import EngageCore
import EngageImport
import EngageReports
import EngageServer
import EngageStore
import Foundation

struct SurveyReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "survey",
        abstract: "A survey wave's results: the index of its method, per department, role, age band and gender, with coverage checks.",
        discussion: "Groups with fewer respondents than the anonymity threshold are never shown, nor the next smallest group of the same breakdown when the hidden one could be worked out from the total.")

    @OptionGroup var database: DatabaseOptions
    @Option(help: "The survey's id (see engage survey list).") var survey: String
    @Option(help: "json, md, csv, html, or pdf (headless Chromium; needs --output).") var format: ReportFormat = .json
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
            case .pdf:
                try PDFPrinter.write(html: SurveyHTMLRenderer(lang: lang).render(report), to: output)
                return printError("wrote \(output ?? "")")
            }
            try emit(text, to: output)
        }
    }
}
