import ArgumentParser
import EngageCore
import EngageStore
import Foundation

struct ClicksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "clicks", abstract: "Tracked-link clicks.", subcommands: [ClicksPruneCommand.self])
}

struct ClicksPruneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Remove the clicks before a day (UTC): PostgreSQL drops whole months (partitions), SQLite deletes by range. Reports over those days then count no clicks.")

    @OptionGroup var database: DatabaseOptions
    @Option(help: "The first day to keep (YYYY-MM-DD, UTC): every click before it is removed.") var before: DateArgument
    @Flag(help: "Count what would be removed; remove nothing.") var dryRun = false

    func run() async throws {
        try await reportingErrors {
            let cut = before.date
            guard cut <= LocalDate.utcToday.adding(days: 1) else {
                throw StoreError.invalid("--before \(cut) is in the future: every click would be removed (nothing was)")
            }
            let store = try await database.open()
            let done = try await store.pruneClicks(before: cut.startUTC, dryRun: dryRun)
            let months = done.partitions.isEmpty ? "" : " (\(done.partitions.count) whole month\(done.partitions.count == 1 ? "" : "s") dropped: \(done.partitions.joined(separator: ", ")))"
            print("\(dryRun ? "would remove" : "removed") \(done.clicks) click\(done.clicks == 1 ? "" : "s") before \(cut)\(months)")
        }
    }
}
