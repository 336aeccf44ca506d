import ArgumentParser
import EngageServer
import EngageStore
import Foundation

struct TokenRevokeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "revoke", abstract: "Revoke an API token by its id (see `engage token list`).")
    @OptionGroup var database: DatabaseOptions
    @Argument var id: Int

    func run() async throws {
        try await reportingErrors {
            try await Tokens(store: try await database.open()).delete(id: id)
            print("revoked token \(id)")
        }
    }
}
