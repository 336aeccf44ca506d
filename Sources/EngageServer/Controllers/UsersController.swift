import EngageCore
import EngageImport
import EngageReports
import EngageStore
import Foundation
import Hummingbird

/// Users and their roles, for admins.
struct UsersController: PageController {
    let app: ServerState

    func register(on router: Router<EngageContext>) {
        router.get("users") { request, context in
            try context.require(.admin)
            _ = try QueryReader(request, allowed: ["done"])
            return try await usersPage(request, context, message: doneMessage(request, context, allowed: Self.doneKeys), error: nil)
        }
        router.get("users/{id}/delete") { request, context in
            try context.require(.admin)
            return try await confirmRemoval(request, context)
        }
        router.post("users") { request, context in try await addUser(request, context) }
        router.post("users/{id}/role") { request, context in try await changeUser(request, context, action: "role") }
        router.post("users/{id}/password") { request, context in try await changeUser(request, context, action: "password") }
        router.post("users/{id}/delete") { request, context in try await changeUser(request, context, action: "delete") }
    }

    static let doneKeys: Set<String> = ["user_added", "user_changed", "password_changed", "user_removed"]

    /// "Remove NAME?" with the button that does it, and a way back: removing a user is asked
    /// twice (the users page links here; a POST without `confirm=yes` lands here too).
    func confirmRemoval(_ request: Request, _ context: EngageContext) async throws -> Response {
        let t = UIText(lang: context.lang)
        guard let user = try await app.users.all().first(where: { $0.uid == context.param("id") }) else {
            throw APIError(.notFound, "no such user")
        }
        let csrf = context.principal?.session.map(app.security.csrf(for:)) ?? ""
        let content = try render("user_remove", ["uid": user.uid, "name": user.name, "role": user.role.rawValue, "csrf": csrf], context)
        return try page(request, context, title: t["remove_user"], current: "/users", content: content)
    }

    func usersPage(_ request: Request, _ context: EngageContext, message: String?, error: APIError?, status: HTTPResponse.Status = .ok) async throws -> Response {
        let users = try await app.users.all()
        let csrf = context.principal?.session.map(app.security.csrf(for:)) ?? ""
        let content = try render("users", ["csrf": csrf, "minPassword": Users.minimumPasswordLength, "users": users.map { u in
            ["uid": u.uid, "name": u.name, "csrf": csrf, "me": u.uid == context.principal?.userID, "employee": u.employeeID ?? "",
             "roles": Role.allCases.map { ["role": $0.rawValue, "selected": $0 == u.role] }] as [String: Any]
        }], context)
        return try page(request, context, title: UIText(lang: context.lang)["users"], current: "/users", content: content,
                        message: message, error: error, status: status)
    }

    /// A form of the users page, checked (admin, CSRF), its change made by `change`; the
    /// page again with a message, or with the problem.
    func userForm(_ request: Request, _ context: EngageContext, done: String,
                  _ change: @Sendable (Form) async throws -> Void) async throws -> Response {
        let (_, form) = try await checkedForm(request, context, role: .admin)
        let t = UIText(lang: context.lang)
        do {
            try await change(form)
            return doneRedirect("/users", done: done)
        } catch let e as UserProblem {
            var a = APIError(e)
            if e == .lastAdmin { a.message = t["last_admin"] }
            return try await usersPage(request, context, message: nil, error: a, status: a.status)
        }
    }

    func addUser(_ request: Request, _ context: EngageContext) async throws -> Response {
        try await userForm(request, context, done: "user_added") { form in
            guard let role = Role(rawValue: form["role"] ?? "") else { throw UserProblem.name("role: one of advocate, viewer, hr, analyst, admin") }
            let password = form["password"] ?? ""
            try Users.checkPassword(password)
            let employee = (form["employee"] ?? "").trimmingCharacters(in: .whitespaces)
            try await app.users.add(name: (form["name"] ?? "").trimmingCharacters(in: .whitespaces), role: role,
                                    passwordHash: Security.hashPassword(password, cost: app.config.bcryptCost),
                                    employeeID: employee.isEmpty ? nil : employee, now: app.config.now())
        }
    }

    /// Changes a user's role, resets their password, or removes them; never leaves the
    /// instance without an admin. Each ends the user's sessions.
    func changeUser(_ request: Request, _ context: EngageContext, action: String) async throws -> Response {
        let uid = context.param("id")
        if action == "delete" {
            // the CSRF check first (a forged form is refused, not asked about)
            let (_, form) = try await checkedForm(request, context, role: .admin)
            guard form["confirm"] == "yes" else { return try await confirmRemoval(request, context) }
            do {
                try await app.users.remove(uid: uid)
                return doneRedirect("/users", done: "user_removed")
            } catch let e as UserProblem {
                var a = APIError(e)
                if e == .lastAdmin { a.message = UIText(lang: context.lang)["last_admin"] }
                return try await usersPage(request, context, message: nil, error: a, status: a.status)
            }
        }
        let done = ["role": "user_changed", "password": "password_changed", "delete": "user_removed"][action] ?? "user_changed"
        return try await userForm(request, context, done: done) { form in
            switch action {
            case "password":
                let password = form["password"] ?? ""
                try Users.checkPassword(password)
                try await app.users.setPassword(uid: uid, passwordHash: Security.hashPassword(password, cost: app.config.bcryptCost))
            default:
                guard let role = Role(rawValue: form["role"] ?? "") else { throw UserProblem.name("role: one of advocate, viewer, hr, analyst, admin") }
                try await app.users.setRole(uid: uid, role: role)
            }
        }
    }
}
