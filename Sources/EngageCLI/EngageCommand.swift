import ArgumentParser
import EngageCore
import EngageStore
import Foundation

/// `engage`: the one executable.
public struct EngageCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "engage",
        abstract: "Self-hosted engagement analytics: social media, employee advocacy, employee surveys.",
        subcommands: [ImportCommand.self, ExportCommand.self, ReportCommand.self, DemoCommand.self, MigrateCommand.self, ConfigCommand.self, SurveyCommand.self,
                      ServeCommand.self, UserCommand.self, TokenCommand.self, LinkCommand.self])

    public init() {}
}

/// `--db TARGET`, shared by every subcommand.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "SQLite file path or postgres:// URL (default: $ENGAGE_DATABASE_URL, else ./engage.sqlite).", valueName: "TARGET"))
    var db: String?

    var target: String { db ?? ProcessInfo.processInfo.environment["ENGAGE_DATABASE_URL"] ?? "engage.sqlite" }

    /// Opens the store and applies pending migrations.
    func open() async throws -> any Store {
        let store = try openStore(target: target)
        try await store.migrate()
        return store
    }
}

/// Writes a line to standard error.
func printError(_ s: String) {
    FileHandle.standardError.write(Data((s + "\n").utf8))
}

/// A report's text: into `output` when given (and a note on standard error), else to
/// standard output, with one final newline.
func emit(_ text: String, to output: String?) throws {
    if let output {
        do { try text.write(toFile: output, atomically: true, encoding: .utf8) } catch {
            throw StoreError("cannot write \(output): \(error.localizedDescription)")
        }
        printError("wrote \(output)")
    } else {
        print(text, terminator: text.hasSuffix("\n") ? "" : "\n")
    }
}

/// Runs `body`, turning the errors a user is meant to read (store, limits, user rules, …)
/// into a one-line message and exit code 1.
func reportingErrors<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let e as any UserFacingError {
        printError("engage: \(e.description)")
        throw ExitCode(1)
    }
}

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "migrate", abstract: "Apply pending schema migrations and print the schema version.")
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        try await reportingErrors {
            let store = try openStore(target: database.target)
            let v = try await store.migrate()
            print("schema version \(v) (\(store.engine): \(store.displayTarget))")
        }
    }
}
