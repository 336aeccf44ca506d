import ArgumentParser
import EngageServer
import EngageStore
import Foundation

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "user", abstract: "Manage dashboard users.",
                                                    subcommands: [UserAddCommand.self, UserListCommand.self, UserRoleCommand.self,
                                                                  UserPasswordCommand.self, UserRemoveCommand.self])
}

/// The user named `name`, or the error the CLI prints.
func namedUser(_ users: Users, _ name: String) async throws -> User {
    guard let u = try await users.user(named: name) else { throw StoreError.notFound("no user named '\(name)'") }
    return u
}
