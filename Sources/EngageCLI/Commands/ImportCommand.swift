import ArgumentParser
import EngageCore
import EngageImport
import EngageReports
import EngageStore
import Foundation

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import folders, files or ZIPs: contract CSV files and the networks' own exports, each recognised by its content (docs/import.md). All or nothing: a bad file changes nothing.")

    @OptionGroup var database: DatabaseOptions
    @Option(help: "Stop listing errors after this many.") var maxErrors = 100
    @Flag(help: "Print no warnings.") var quiet = false
    @Option(help: "The account native exports belong to (created if missing).") var account: String?
    @Option(help: "The network of an account the import creates (default: the export's).") var network: String?
    @Option(help: "The IANA time zone of an account the import creates (default UTC); times without a zone are read in it.") var timezone: String?
    @Option(help: "A known follower total, N@YYYY-MM-DD (repeatable): the daily series is rebuilt from it and the export's new/lost followers.")
    var followers: [String] = []
    @Flag(help: "Show what each file was recognised as, its account, rows, period and columns; write nothing.") var dryRun = false
    @Argument(help: "Folders, files or ZIPs: accounts.csv, posts.csv, …, or native exports (VK, Telegram result.json, Meta, LinkedIn, X, YouTube, TikTok). None with --account and --followers: only the totals are stored and the series rebuilt.")
    var paths: [String] = []

    func validate() throws {
        if paths.isEmpty && followers.isEmpty { throw ValidationError("name at least one folder, file or ZIP to import") }
        for f in followers where ImportOptions.parseFollowers(f) == nil {
            throw ValidationError("--followers \(f): expected N@YYYY-MM-DD, e.g. 12500@2026-11-30")
        }
        if let tz = timezone, ZoneClock(identifier: tz) == nil { throw ValidationError("--timezone \(tz): not an IANA time zone (e.g. Europe/Moscow)") }
        if let a = account, a.isEmpty || a.count > 200 { throw ValidationError("--account: 1 to 200 characters") }
    }

    func run() async throws {
        try await reportingErrors {
            let store = try await database.open()
            let started = Date()
            let options = ImportOptions(account: account, network: network?.lowercased(), timezone: timezone,
                                        followers: followers.compactMap(ImportOptions.parseFollowers), dryRun: dryRun)
            // the history of imports the dashboard lists (by name only: never a server path)
            let names = paths.map { ($0 as NSString).lastPathComponent }
            let history = ImportHistory(store: store), now = Int64(Date().timeIntervalSince1970)
            do {
                let summary = try await Importer(store: store, maxErrors: maxErrors).importPaths(paths, options: options)
                _ = try? await history.record(at: now, by: "command line", files: names, rows: dryRun ? 0 : summary.rows,
                                              outcome: dryRun ? "dry-run" : "imported", summary: Self.historySummary(summary))
                if dryRun {
                    print(Self.describe(summary.reports), terminator: "")
                    if !quiet { for w in summary.warnings where w.line > 0 { printError("warning: \(w)") } }
                    print("dry run: nothing was written")
                    return
                }
                if !quiet { for w in summary.warnings { printError("warning: \(w)") } }
                for f in summary.files { print(String(format: "%@: %d rows in %.3f s", f.file, f.rows, f.seconds)) }
                print(String(format: "imported %d rows into %@ in %.2f s", summary.rows, store.displayTarget, Date().timeIntervalSince(started)))
            } catch let e as ImportFailed {
                _ = try? await history.record(at: now, by: "command line", files: names, rows: 0, outcome: "refused",
                                              summary: JSONValue.object([("errors", .array(e.errors.prefix(20).map { .string($0.description) }))]).serialized())
                if !quiet { for w in e.warnings { printError("warning: \(w)") } }
                printError(e.description)
                throw ExitCode(1)
            }
        }
    }

    /// What the import page shows of a command-line import: the files and the warnings.
    static func historySummary(_ s: ImportSummary) -> String {
        JSONValue.object([
            ("files", .array(s.reports.map { r in
                var f: [(String, JSONValue)] = [("file", .string(r.file)), ("rows", .int(r.rows)), ("format", .string(r.format))]
                if let a = r.account { f.append(("account", .string(a))) }
                if let p = r.period { f.append(("period", .string(p))) }
                return .object(f)
            })),
            ("warnings", .array(s.warnings.prefix(50).map { .string($0.description) })),
        ]).serialized()
    }

    /// The dry run's description of each file.
    static func describe(_ reports: [FileReport]) -> String {
        var out = ""
        for r in reports {
            out += "\(r.file): \(r.format)\n"
            if let e = r.encoding { out += "  encoding: \(e)\n" }
            if let a = r.account { out += "  account: \(a)\n" }
            out += "  rows: \(r.rows)" + (r.period.map { ", period \($0)" } ?? "") + "\n"
            for m in r.mapping { out += "  column \(m.column) → \(m.field)\n" }
            if !r.ignored.isEmpty { out += "  ignored: \(r.ignored.joined(separator: ", "))\n" }
            for n in r.notes { out += "  note: \(n)\n" }
        }
        return out
    }
}
