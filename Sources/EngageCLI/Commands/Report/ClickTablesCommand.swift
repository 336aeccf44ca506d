import ArgumentParser
import EngageCore
import EngageReports
import EngageStore
import Foundation

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
