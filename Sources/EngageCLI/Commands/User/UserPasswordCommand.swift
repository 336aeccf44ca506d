import ArgumentParser
import EngageServer
import EngageStore
import Foundation

struct UserPasswordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "passwd",
        abstract: "Set a user's password (asked for, or read from standard input); every session of the user ends.")
    @OptionGroup var database: DatabaseOptions
    @Argument var name: String

    func run() async throws {
        try await reportingErrors {
            let users = Users(store: try await database.open())
            let u = try await namedUser(users, name)
            let password = try readPassword(prompt: "New password for \(u.name): ")
            try Users.checkPassword(password)
            try await users.setPassword(uid: u.uid, passwordHash: ServerSecurity.hashPassword(password))
            print("password of \(u.name) changed; their sessions have ended")
        }
    }
}
