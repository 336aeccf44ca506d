import ArgumentParser
import EngageCore
import EngageServer
import EngageStore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

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

/// A password from the terminal (not echoed) or one line of standard input.
func readPassword(prompt: String) throws -> String {
    if isatty(STDIN_FILENO) != 0 {
        guard let p = getpass(prompt) else { throw StoreError("no password given") }
        return String(cString: p)
    }
    guard let line = readLine(strippingNewline: true) else { throw StoreError("no password on standard input") }
    return line
}
