import ArgumentParser
import EngageServer
import EngageStore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the dashboard and the HTTP API (/api/v1, /healthz, /metrics, /openapi.yaml).",
        discussion: "Create a first user with `engage user add NAME --role admin`. SIGTERM or Ctrl-C stops the server after in-flight requests finish.")

    @OptionGroup var database: DatabaseOptions
    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on.") var port = 8080
    @Flag(help: "Mark cookies Secure (when served over HTTPS or behind a TLS proxy).") var secureCookies = false
    @Option(help: "Largest upload accepted, in MiB.") var maxUploadMb = 64
    @Option(help: "The public address short links are shown with (e.g. https://go.example.com); default: the request's own host.") var publicURL: String?
    @Option(name: .customLong("trusted-proxy"), help: "A reverse proxy (address or CIDR range) whose X-Forwarded-For is believed; repeatable. Default: none.")
    var trustedProxies: [String] = []

    func run() async throws {
        try await reportingErrors {
            let store = try await database.open()
            var config = ServerConfig()
            config.host = host
            config.port = port
            config.secureCookies = secureCookies
            config.maxBodyBytes = maxUploadMb * 1024 * 1024
            config.publicURL = publicURL
            config.trustedProxies = try TrustedProxies(trustedProxies)
            if try await Users(store: store).count() == 0 {
                printError("engage: no users yet; create one with `engage user add NAME --role admin --db \(store.displayTarget)`")
            }
            try await EngageServerApp.serve(store: store, config: config)
        }
    }
}

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "user", abstract: "Manage dashboard users.",
                                                    subcommands: [UserAddCommand.self, UserListCommand.self, UserRoleCommand.self,
                                                                  UserPasswordCommand.self, UserRemoveCommand.self])
}

extension Role: ExpressibleByArgument {}

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

struct UserListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List users and their roles.")
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        try await reportingErrors {
            for u in try await Users(store: try await database.open()).all() { print("\(u.name)\t\(u.role.rawValue)\t\(u.employeeID ?? "")") }
        }
    }
}

/// The user named `name`, or the error the CLI prints.
func namedUser(_ users: Users, _ name: String) async throws -> User {
    guard let u = try await users.user(named: name) else { throw StoreError("no user named '\(name)'") }
    return u
}

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

struct TokenListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List API tokens (id, role, name; never the token).")
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        try await reportingErrors {
            for t in try await Tokens(store: try await database.open()).all() { print("\(t.id)\t\(t.role.rawValue)\t\(t.name)") }
        }
    }
}

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

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "token", abstract: "API tokens for scripts.",
                                                    subcommands: [TokenCreateCommand.self, TokenListCommand.self, TokenRevokeCommand.self])
}

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

/// A password from the terminal (not echoed) or one line of standard input.
func readPassword(prompt: String) throws -> String {
    if isatty(STDIN_FILENO) != 0 {
        guard let p = getpass(prompt) else { throw StoreError("no password given") }
        return String(cString: p)
    }
    guard let line = readLine(strippingNewline: true) else { throw StoreError("no password on standard input") }
    return line
}
