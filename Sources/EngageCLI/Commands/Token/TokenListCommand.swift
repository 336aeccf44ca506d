import ArgumentParser
import EngageServer
import EngageStore
import Foundation

struct TokenListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List API tokens (id, role, name; never the token).")
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        try await reportingErrors {
            for t in try await Tokens(store: try await database.open()).all() { print("\(t.id)\t\(t.role.rawValue)\t\(t.name)") }
        }
    }
}
