import EngageCore
import EngageReports
import EngageStore
import Foundation
import Hummingbird

/// Accounts and competitors (analysts and admins): add, edit, archive — the same rules as
/// `accounts.csv`.
struct AccountsController: PageController {
    let app: ServerState

    func register(on router: Router<EngageContext>) {
        router.get("accounts") { request, context in
            if let r = signedIn(request, context) { return r }
            try context.require(.analyst)
            _ = try QueryReader(request, allowed: ["done"])
            return try await accountsPage(request, context, message: doneMessage(request, context, allowed: Self.doneKeys), error: nil)
        }
        router.post("accounts") { request, context in
            try await change(request, context, done: "account_added") { form in
                let id = (form["account_id"] ?? "").trimmingCharacters(in: .whitespaces)
                guard (1...200).contains(id.count), !id.contains(where: { $0.isWhitespace || $0.isNewline || $0 == "/" }) else {
                    throw StoreError.invalid("account id: 1 to 200 characters, no spaces or slashes")
                }
                let a = try Self.fields(form)
                if try await app.store.accounts().contains(where: { $0.accountID == id }) { throw StoreError.conflict("an account '\(id)' exists already") }
                try await AccountEdits(store: app.store).add(id: id, network: a.network, name: a.name, competitor: a.competitor, timezone: a.timezone)
            }
        }
        router.post("accounts/{id}/edit") { request, context in
            let id = context.param("id")
            return try await change(request, context, done: "account_saved") { form in
                guard let old = try await app.store.accounts().first(where: { $0.accountID == id }) else { throw StoreError.notFound("no account '\(id)'") }
                let a = try Self.fields(form)
                if a.timezone != old.timezone {
                    // the account's days were cut in its zone when its files were imported
                    let used = try await AccountEdits(store: app.store).dataRows(id: id)
                    if used > 0 {
                        throw StoreError.invalid("time zone: '\(id)' has data whose days were cut in \(old.timezone); keep it, or import its files again into a new account")
                    }
                }
                try await AccountEdits(store: app.store).update(id: id, network: a.network, name: a.name, competitor: a.competitor, timezone: a.timezone)
            }
        }
        router.post("accounts/{id}/archive") { request, context in
            let id = context.param("id")
            return try await change(request, context, done: "account_archived") { form in
                let archive = form["archive"] != "no"
                try await AccountEdits(store: app.store).setArchived(id: id, at: archive ? app.config.now() : nil)
            }
        }
    }

    static let doneKeys: Set<String> = ["account_added", "account_saved", "account_archived"]

    /// Network, name, competitor, zone from a form, checked as accounts.csv's are.
    static func fields(_ form: Form) throws -> (network: String, name: String?, competitor: Bool, timezone: String) {
        let network = (form["network"] ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        guard (1...40).contains(network.count), network.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) else {
            throw StoreError.invalid("network: vk, telegram, instagram, facebook, linkedin, x, youtube, tiktok … (letters and digits)")
        }
        let name = (form["name"] ?? "").trimmingCharacters(in: .whitespaces)
        guard name.count <= 200 else { throw StoreError.invalid("name: at most 200 characters") }
        let zone = (form["timezone"] ?? "UTC").trimmingCharacters(in: .whitespaces)
        guard ZoneClock(identifier: zone) != nil else { throw StoreError.invalid("time zone: '\(zone.prefix(60))' is not an IANA time zone (e.g. Europe/Moscow)") }
        return (network, name.isEmpty ? nil : name, form["competitor"] == "yes", zone)
    }

    func change(_ request: Request, _ context: EngageContext, done: String, _ body: @Sendable (Form) async throws -> Void) async throws -> Response {
        if let r = signedIn(request, context) { return r }
        let (_, form) = try await checkedForm(request, context, role: .analyst)
        do {
            try await body(form)
            // a change of accounts is a change of data: a row in `imports` moves the data
            // version, so every instance rebuilds its cached reports (ReportCache)
            try await AccountEdits(store: app.store).markChanged(source: "dashboard: accounts (\(context.principal?.name ?? ""))", now: app.config.now())
            return doneRedirect("/accounts", done: done)
        } catch let e as any UserFacingError {
            let a = APIError(e)
            return try await accountsPage(request, context, message: nil, error: a, status: a.status)
        }
    }

    func accountsPage(_ request: Request, _ context: EngageContext, message: String?, error: APIError?, status: HTTPResponse.Status = .ok) async throws -> Response {
        let p = try context.require(.analyst)
        let csrf = p.session.map(app.security.csrf(for:)) ?? ""
        let rows: [[String: Any]] = try await app.store.accounts().sorted { ($0.archived ? 1 : 0, $0.accountID) < ($1.archived ? 1 : 0, $1.accountID) }.map { a in
            ["id": a.accountID, "href": "/accounts/" + percentEncode(a.accountID), "action": "/accounts/" + percentEncode(a.accountID),
             "name": a.name ?? "", "network": a.network, "timezone": a.timezone, "competitor": a.competitor, "archived": a.archived, "csrf": csrf]
        }
        return try page(request, context, title: UIText(lang: context.lang)["accounts"], current: "/accounts",
                        content: try render("accounts", ["csrf": csrf, "accounts": rows], context), message: message, error: error, status: status)
    }
}
