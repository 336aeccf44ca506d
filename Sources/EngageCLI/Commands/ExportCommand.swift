import ArgumentParser
import EngageImport
import Foundation

struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the whole database out as CSV files that `engage import` reads (e.g. to move SQLite → PostgreSQL).")

    @OptionGroup var database: DatabaseOptions
    @Argument(help: "Folder to write accounts.csv, account_daily.csv, posts.csv, … into.") var folder: String

    func run() async throws {
        try await reportingErrors {
            let store = try await database.open()
            for f in try await Exporter(store: store).export(to: folder) { print("\(f.file): \(f.rows) rows") }
            print("exported \(store.displayTarget) to \(folder)")
        }
    }
}
