import ArgumentParser
import EngageCore
import EngageReports
import EngageStore
import Foundation

struct AdvocacyReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "advocacy",
        abstract: "Employee advocacy report: every METRICS.md §3 metric (participation, contributors, stories, engagement, clicks, EMV, leads, SSI, recruiting).",
        discussion: "Without --from/--to the report covers the last complete calendar month. Days are cut in the organisation's time zone (engage config timezone; default UTC).")

    @OptionGroup var database: DatabaseOptions
    @Option(help: "First day of the period (YYYY-MM-DD).") var from: DateArgument?
    @Option(help: "Last day of the period, inclusive (YYYY-MM-DD).") var to: DateArgument?
    @Option(help: "json, md, csv, html, or pdf (headless Chromium; needs --output).") var format: ReportFormat = .json
    @Option(help: "Minimum shares in the period to rank by engagement per share.") var minShares = 3
    @Option(help: "Language of the html report: en or ru.") var lang: Language = .en
    @Option(help: "Write to this file instead of standard output.") var output: String?

    func validate() throws {
        if let f = from?.date, let t = to?.date, t < f { throw ValidationError("--to \(t) is before --from \(f)") }
    }

    func run() async throws {
        try await reportingErrors {
            let store = try await database.open()
            let period = Period.resolve(from: from?.date, to: to?.date, today: LocalDate.utcToday)
            var builder = AdvocacyReportBuilder(store: store)
            builder.minSharesForEngagers = minShares
            let report = try await builder.build(period: period)
            let json = report.json
            let r = GenericRenderer(title: "Employee advocacy \(period.from) — \(period.to)")
            let text: String
            switch format {
            case .json: text = json.serialized(indent: 1)
            case .md: text = r.markdown(json)
            case .csv: text = r.csv(json)
            case .html: text = AdvocacyHTMLRenderer(lang: lang).render(report)
            case .pdf:
                try PDFPrinter.write(html: AdvocacyHTMLRenderer(lang: lang).render(report), to: output)
                return printError("wrote \(output ?? "")")
            }
            try emit(text, to: output)
        }
    }
}
