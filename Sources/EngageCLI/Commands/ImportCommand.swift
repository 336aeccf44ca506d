import ArgumentParser
import EngageImport
import EngageStore
import Foundation

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a folder of CSV files (docs/import.md). All or nothing: a bad file changes nothing.")

    @OptionGroup var database: DatabaseOptions
    @Option(help: "Stop listing errors after this many.") var maxErrors = 100
    @Flag(help: "Print no warnings.") var quiet = false
    @Argument(help: "Folder with accounts.csv, account_daily.csv, posts.csv, …") var folder: String

    func run() async throws {
        try await reportingErrors {
            let store = try await database.open()
            let started = Date()
            do {
                let summary = try await Importer(store: store, maxErrors: maxErrors).importFolder(folder)
                if !quiet { for w in summary.warnings { printError("warning: \(w)") } }
                for f in summary.files { print(String(format: "%@: %d rows in %.3f s", f.file, f.rows, f.seconds)) }
                print(String(format: "imported %d rows into %@ in %.2f s", summary.rows, store.displayTarget, Date().timeIntervalSince(started)))
            } catch let e as ImportFailed {
                if !quiet { for w in e.warnings { printError("warning: \(w)") } }
                printError(e.description)
                throw ExitCode(1)
            }
        }
    }
}
