import ArgumentParser
import EngageServer
import EngageStore
import Foundation

struct UserRoleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "role", abstract: "Change a user's role (their sessions end).")
    @OptionGroup var database: DatabaseOptions
    @Option(help: "admin, analyst, viewer or advocate (an employee who shares: their own page and the content library).") var role: Role
    @Argument var name: String

    func run() async throws {
        try await reportingErrors {
            let users = Users(store: try await database.open())
            try await users.setRole(uid: try await namedUser(users, name).uid, role: role)
            print("\(name) is now \(role.rawValue)")
        }
    }
}
