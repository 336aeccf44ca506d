import ArgumentParser
import EngageCore
import EngageReports
import EngageStore
import Foundation

struct SocialReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "social",
        abstract: "Social-media report: every METRICS.md §1 metric per account, competitors, what works when, traffic (§2).",
        discussion: "Without --from/--to the report covers the last complete calendar month.")

    @OptionGroup var database: DatabaseOptions
    @Option(help: "First day of the period (YYYY-MM-DD).") var from: DateArgument?
    @Option(help: "Last day of the period, inclusive (YYYY-MM-DD).") var to: DateArgument?
    @Option(name: .customLong("account"), help: "Only this account (repeatable).") var accounts: [String] = []
    @Option(help: "json, md, csv, html, or pdf (headless Chromium; needs --output).") var format: ReportFormat = .json
    @Option(help: "Language of md and html reports: en or ru.") var lang: Language = .en
    @Option(help: "Write to this file instead of standard output.") var output: String?

    func validate() throws {
        if let f = from?.date, let t = to?.date, t < f { throw ValidationError("--to \(t) is before --from \(f)") }
    }

    func run() async throws {
        try await reportingErrors {
            let store = try await database.open()
            let period = resolvedPeriod()
            let report = try await SocialReportBuilder(store: store).build(period: period, accountIDs: accounts.isEmpty ? nil : accounts)
            let text: String
            switch format {
            case .json: text = report.json.serialized(indent: 1)
            case .md: text = SocialMarkdownRenderer(lang: lang).render(report)
            case .csv: text = SocialCSVRenderer().render(report)
            case .html: text = SocialHTMLRenderer(lang: lang).render(report)
            case .pdf:
                try PDFPrinter.write(html: SocialHTMLRenderer(lang: lang).render(report), to: output)
                return printError("wrote \(output ?? "")")
            }
            try write(text)
        }
    }

    func resolvedPeriod() -> Period {
        Period.resolve(from: from?.date, to: to?.date, today: LocalDate.utcToday)
    }

    func write(_ text: String) throws { try emit(text, to: output) }
}
