import ArgumentParser
import EngageServer
import EngageStore
import Foundation

struct UserAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Add a user; the password is asked for (or read from standard input when it is not a terminal).")

    @OptionGroup var database: DatabaseOptions
    @Option(help: "admin, analyst, viewer or advocate (an employee who shares: their own page and the content library).") var role: Role
    @Option(help: "The employee this user is (an employee_id); advocates need one.") var employee: String?
    @Argument(help: "The user's login name.") var name: String

    func run() async throws {
        try await reportingErrors {
            let store = try await database.open()
            _ = try Users.normalized(name)
            let password = try readPassword(prompt: "Password for \(name): ")
            try Users.checkPassword(password)
            let u = try await Users(store: store).add(name: name, role: role, passwordHash: ServerSecurity.hashPassword(password),
                                                      employeeID: employee, now: Int64(Date().timeIntervalSince1970))
            print("added \(u.name) (\(role.rawValue)\(employee.map { ", employee " + $0 } ?? ""))")
        }
    }
}
