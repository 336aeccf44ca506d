import ArgumentParser
import EngageServer
import EngageStore
import Foundation

struct UserListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List users and their roles.")
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        try await reportingErrors {
            for u in try await Users(store: try await database.open()).all() { print("\(u.name)\t\(u.role.rawValue)\t\(u.employeeID ?? "")") }
        }
    }
}
