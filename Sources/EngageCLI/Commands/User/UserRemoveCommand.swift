import ArgumentParser
import EngageServer
import EngageStore
import Foundation

struct UserRemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove a user (their sessions end with them).")
    @OptionGroup var database: DatabaseOptions
    @Argument var name: String

    func run() async throws {
        try await reportingErrors {
            let users = Users(store: try await database.open())
            try await users.remove(uid: try await namedUser(users, name).uid)
            print("removed \(name)")
        }
    }
}
