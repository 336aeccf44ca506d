import ArgumentParser
import EngageServer
import EngageStore
import Foundation

struct TokenCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create an API token; prints it once (only its hash is stored). Send it as 'Authorization: Bearer TOKEN'.")

    @OptionGroup var database: DatabaseOptions
    @Option(help: "admin, analyst, viewer or advocate (an employee who shares: their own page and the content library).") var role: Role
    @Option(help: "What the token is for.") var name = "script"

    func run() async throws {
        try await reportingErrors {
            let store = try await database.open()
            let token = ServerSecurity.newAPIToken()
            try await Tokens(store: store).add(hash: ServerSecurity.tokenHash(token), name: name, role: role,
                                                     now: Int64(Date().timeIntervalSince1970))
            print(token)
        }
    }
}
