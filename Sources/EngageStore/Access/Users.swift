import EngageCore
import Foundation

/// What a user may do. `advocate`: an employee sharing content (their own page and the
/// content library only); `viewer`: the social and advocacy reports; `hr`: those and the
/// employee surveys (results and running waves); `analyst`: the viewer's reports, imports,
/// links and accounts; `admin`: everything, users and content approval included.
/// Roles are ordered for the social and advocacy side (`hr` sits between viewer and
/// analyst); survey results are not in that order: only `hr` and `admin` see them
/// (`seesSurveys`), so an analyst, who outranks hr elsewhere, does not.
public enum Role: String, Sendable, CaseIterable, Comparable {
    case advocate, viewer, hr, analyst, admin

    var rank: Int { Role.allCases.firstIndex(of: self)! }
    public static func < (a: Role, b: Role) -> Bool { a.rank < b.rank }

    /// Survey results and waves: HR and admins only.
    public var seesSurveys: Bool { self == .hr || self == .admin }
}

public struct User: Sendable, Equatable {
    /// Random, never given to another user: what sessions and pages name the user by.
    public var uid: String
    public var name: String
    public var role: Role
    public var passwordHash: String
    /// Raised to end every session of the user (sign-out, password or role change).
    public var sessionEpoch: Int
    /// The employee this user is (advocates share as this employee).
    public var employeeID: String?
}

/// Why a user could not be added or changed (the CLI prints it, the page shows it).
public enum UserProblem: UserFacingError, Sendable, Equatable {
    case name(String)
    case password
    case nameTaken(String)
    case unknownEmployee(String)
    case noSuchUser
    case lastAdmin

    public var description: String {
        switch self {
        case .name(let why): return "name: \(why)"
        case .password: return "password: at least \(Users.minimumPasswordLength) characters"
        case .nameTaken(let n): return "a user named '\(n)' already exists (names are compared without case and look-alike letters)"
        case .unknownEmployee(let e): return "employee: no employee '\(e)' (import employees.csv first)"
        case .noSuchUser: return "no such user"
        case .lastAdmin: return "the last admin cannot be removed or demoted"
        }
    }

    public var kind: ErrorKind {
        switch self {
        case .nameTaken, .lastAdmin: return .conflict
        case .noSuchUser: return .notFound
        default: return .invalid
        }
    }
}

/// Dashboard users (the `users` table): the use cases of the CLI and the users page, with
/// their rules, in one place.
public struct Users: Sendable {
    public let store: any Store
    public init(store: any Store) { self.store = store }

    public static let minimumPasswordLength = 8

    // MARK: names

    /// The name as stored (NFKC) and its key for uniqueness and sign-in (case-folded).
    /// Allowed: letters and digits of one script (Latin, Cyrillic or Greek — not mixed, so
    /// a Cyrillic «а» cannot pass for a Latin «a»), and `.`, `_`, `-`, `@`; 1 to 64
    /// characters; no spaces, invisible or control characters.
    public static func normalized(_ raw: String) throws -> (name: String, key: String) {
        let name = raw.precomposedStringWithCompatibilityMapping
        guard (1...64).contains(name.count) else { throw UserProblem.name("1 to 64 characters") }
        var scripts: Set<String> = []
        for s in name.unicodeScalars {
            let p = s.properties
            if "._-@".unicodeScalars.contains(s) { continue }
            guard p.isAlphabetic || p.numericType == .decimal else {
                throw UserProblem.name("letters, digits and . _ - @ only (no spaces or invisible characters)")
            }
            switch s.value {
            case 0x30...0x39: break
            case 0x41...0x5A, 0x61...0x7A, 0xC0...0x24F: scripts.insert("Latin")
            case 0x400...0x52F: scripts.insert("Cyrillic")
            case 0x370...0x3FF: scripts.insert("Greek")
            default: throw UserProblem.name("letters of the Latin, Cyrillic or Greek alphabet only")
            }
        }
        guard scripts.count <= 1 else { throw UserProblem.name("letters of one alphabet only (no Latin and Cyrillic look-alikes mixed)") }
        return (name, name.lowercased())
    }

    public static func checkPassword(_ password: String) throws {
        guard password.count >= minimumPasswordLength else { throw UserProblem.password }
    }

    // MARK: reads

    static let columns = "uid, name, role, password_hash, session_epoch, employee_id"

    static func user(_ r: [StoreValue]) -> User? {
        guard let uid = r[0].text, let name = r[1].text, let role = r[2].text.flatMap(Role.init), let hash = r[3].text else { return nil }
        return User(uid: uid, name: name, role: role, passwordHash: hash, sessionEpoch: r[4].int ?? 0, employeeID: r[5].text)
    }

    /// The user a sign-in names (matched by the normalised, case-folded name).
    public func user(named name: String) async throws -> User? {
        guard let key = try? Self.normalized(name).key else { return nil }
        return try await store.execute("SELECT \(Self.columns) FROM users WHERE name_key = ?1", [.text(key)]).first.flatMap(Self.user)
    }

    public func user(uid: String) async throws -> User? {
        try await store.execute("SELECT \(Self.columns) FROM users WHERE uid = ?1", [.text(uid)]).first.flatMap(Self.user)
    }

    public func all() async throws -> [User] {
        try await store.execute("SELECT \(Self.columns) FROM users ORDER BY name_key COLLATE BINARY").compactMap(Self.user)
    }

    public func count() async throws -> Int {
        try await store.execute("SELECT COUNT(*) FROM users").first?.first?.int ?? 0
    }

    // MARK: changes

    /// Adds a user (the password already hashed, after `checkPassword`); returns it.
    @discardableResult
    public func add(name raw: String, role: Role, passwordHash: String, employeeID: String? = nil, now: Int64) async throws -> User {
        let (name, key) = try Self.normalized(raw)
        if try await user(named: name) != nil { throw UserProblem.nameTaken(name) }
        if let e = employeeID, try await !Employees(store: store).exists(e) { throw UserProblem.unknownEmployee(e) }
        let uid = Self.newUID()
        do {
            try await store.execute("""
                INSERT INTO users (uid, name, name_key, role, password_hash, created_at, employee_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                """, [.text(uid), .text(name), .text(key), .text(role.rawValue), .text(passwordHash), .int(Int(now)),
                      employeeID.map { .text($0) } ?? .null])
        } catch {
            // the same name added at the same moment elsewhere
            if try await user(named: name) != nil { throw UserProblem.nameTaken(name) }
            throw error
        }
        return User(uid: uid, name: name, role: role, passwordHash: passwordHash, sessionEpoch: 0, employeeID: employeeID)
    }

    /// 128 random bits, hex.
    static func newUID() -> String {
        var g = SystemRandomNumberGenerator()
        return (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &g)) }.joined()
    }

    /// A new role; the user's sessions end (the role applies from the next sign-in). The
    /// last admin keeps the role.
    public func setRole(uid: String, role: Role) async throws {
        guard let u = try await user(uid: uid) else { throw UserProblem.noSuchUser }
        if u.role == .admin, role != .admin, try await admins() <= 1 { throw UserProblem.lastAdmin }
        try await store.execute("UPDATE users SET role = ?1, session_epoch = session_epoch + 1 WHERE uid = ?2", [.text(role.rawValue), .text(uid)])
    }

    /// A new password (hashed); every session of the user ends.
    public func setPassword(uid: String, passwordHash: String) async throws {
        guard try await user(uid: uid) != nil else { throw UserProblem.noSuchUser }
        try await store.execute("UPDATE users SET password_hash = ?1, session_epoch = session_epoch + 1 WHERE uid = ?2",
                                [.text(passwordHash), .text(uid)])
    }

    /// Links the user to an employee (nil: no longer).
    public func setEmployee(uid: String, employeeID: String?) async throws {
        if let e = employeeID, try await !Employees(store: store).exists(e) { throw UserProblem.unknownEmployee(e) }
        try await store.execute("UPDATE users SET employee_id = ?1 WHERE uid = ?2", [employeeID.map { .text($0) } ?? .null, .text(uid)])
    }

    /// Ends every session of the user.
    public func endSessions(uid: String) async throws {
        try await store.execute("UPDATE users SET session_epoch = session_epoch + 1 WHERE uid = ?1", [.text(uid)])
    }

    /// Removes the user: their sessions die with them, and neither their uid nor (on
    /// SQLite, AUTOINCREMENT) their row id is ever given to anyone else.
    public func remove(uid: String) async throws {
        guard let u = try await user(uid: uid) else { throw UserProblem.noSuchUser }
        if u.role == .admin, try await admins() <= 1 { throw UserProblem.lastAdmin }
        try await store.execute("DELETE FROM users WHERE uid = ?1", [.text(uid)])
    }

    func admins() async throws -> Int {
        try await store.execute("SELECT COUNT(*) FROM users WHERE role = 'admin'").first?.first?.int ?? 0
    }
}
