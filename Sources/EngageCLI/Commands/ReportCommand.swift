import ArgumentParser
import EngageCore
import EngageReports
import EngageStore
import Foundation

struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Print a report.", subcommands: [SocialReportCommand.self, AdvocacyReportCommand.self, ClickTablesCommand.self, SurveyReportCommand.self])
}

enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case json, md, csv, html
}

/// A date given on the command line.
struct DateArgument: ExpressibleByArgument {
    var date: LocalDate
    init?(argument: String) {
        guard let d = LocalDate(argument) else { return nil }
        date = d
    }
}

struct SocialReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "social",
        abstract: "Social-media report: every METRICS.md §1 metric per account, competitors, what works when, traffic (§2).",
        discussion: "Without --from/--to the report covers the last complete calendar month.")

    @OptionGroup var database: DatabaseOptions
    @Option(help: "First day of the period (YYYY-MM-DD).") var from: DateArgument?
    @Option(help: "Last day of the period, inclusive (YYYY-MM-DD).") var to: DateArgument?
    @Option(name: .customLong("account"), help: "Only this account (repeatable).") var accounts: [String] = []
    @Option(help: "json, md, csv or html.") var format: ReportFormat = .json
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
            case .md: text = MarkdownRenderer(lang: lang).render(report)
            case .csv: text = CSVRenderer().render(report)
            case .html: text = HTMLRenderer(lang: lang).render(report)
            }
            try write(text)
        }
    }

    func resolvedPeriod() -> Period {
        Period.resolve(from: from?.date, to: to?.date, today: LocalDate.utcToday)
    }

    func write(_ text: String) throws { try emit(text, to: output) }
}

extension Language: ExpressibleByArgument {}

struct AdvocacyReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "advocacy",
        abstract: "Employee advocacy report: every METRICS.md §3 metric (participation, contributors, stories, engagement, clicks, EMV, leads, SSI, recruiting).",
        discussion: "Without --from/--to the report covers the last complete calendar month. Days are cut in UTC.")

    @OptionGroup var database: DatabaseOptions
    @Option(help: "First day of the period (YYYY-MM-DD).") var from: DateArgument?
    @Option(help: "Last day of the period, inclusive (YYYY-MM-DD).") var to: DateArgument?
    @Option(help: "json, md, csv or html.") var format: ReportFormat = .json
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
            }
            try emit(text, to: output)
        }
    }
}

struct ClickTablesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clicks",
        abstract: "Click tables: human clicks and unique visitors per tracked link and day, and per advocate and day (bots left out).",
        discussion: "Days are cut in the organisation's time zone (engage config timezone; default UTC). Unique visitors are distinct visitor hashes within a day.")

    @OptionGroup var database: DatabaseOptions
    @Option(help: "First day of the period (YYYY-MM-DD).") var from: DateArgument?
    @Option(help: "Last day of the period, inclusive (YYYY-MM-DD).") var to: DateArgument?
    @Option(help: "json or csv.") var format: ClickFormat = .json
    @Option(help: "Write to this file instead of standard output.") var output: String?

    enum ClickFormat: String, ExpressibleByArgument { case json, csv }

    func run() async throws {
        try await reportingErrors {
            let store = try await database.open()
            let period = Period.resolve(from: from?.date, to: to?.date, today: LocalDate.utcToday)
            let tables = try await ClickTables.build(store: store, period: period)
            let text = format == .json ? tables.jsonText : tables.csv
            try emit(text, to: output)
        }
    }
}
