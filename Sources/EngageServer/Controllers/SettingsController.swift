import EngageCore
import EngageReports
import EngageStore
import Foundation
import Hummingbird

/// Settings (admins): the organisation's time zone, earned-media values, API tokens — the
/// same rules as `engage config timezone`, `emv_rates.csv` and `engage token`.
struct SettingsController: PageController {
    let app: ServerState
    /// A token just made, shown once on the page it redirects to, then forgotten.
    static let newTokenCookie = "engage_new_token"

    func register(on router: Router<EngageContext>) {
        router.get("settings") { request, context in
            if let r = signedIn(request, context) { return r }
            try context.require(.admin)
            _ = try QueryReader(request, allowed: ["done"])
            return try await settingsPage(request, context, message: doneMessage(request, context, allowed: Self.doneKeys), error: nil)
        }
        router.post("settings/timezone") { request, context in
            try await change(request, context, done: "timezone_saved") { form in
                try await Settings(store: app.store).setOrgTimeZone((form["timezone"] ?? "").trimmingCharacters(in: .whitespaces))
            }
        }
        router.post("settings/emv") { request, context in
            try await change(request, context, done: "emv_saved") { form in
                let network = (form["network"] ?? "").trimmingCharacters(in: .whitespaces).lowercased()
                guard (1...40).contains(network.count), network.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "*" || $0 == "_" }) else {
                    throw StoreError.invalid("network: a network name (vk, linkedin, …) or * for every network")
                }
                guard let action = EMVRates.Action(rawValue: form["action"] ?? "") else {
                    throw StoreError.invalid("action: one of \(EMVRates.Action.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                guard let value = Double((form["value"] ?? "").replacingOccurrences(of: ",", with: ".")), value.isFinite, value >= 0, value <= 1_000_000 else {
                    throw StoreError.invalid("value: a number from 0 to 1,000,000")
                }
                guard let from = LocalDate(form["from"] ?? "") else { throw StoreError.invalid("from: a date (YYYY-MM-DD)") }
                try await AccountEdits(store: app.store).setEMV(network: network, action: action.rawValue, from: from, value: value)
            }
        }
        router.post("settings/tokens") { request, context in
            if let r = signedIn(request, context) { return r }
            let (_, form) = try await checkedForm(request, context, role: .admin)
            let name = (form["name"] ?? "").trimmingCharacters(in: .whitespaces)
            guard (1...80).contains(name.count), let role = Role(rawValue: form["role"] ?? "") else {
                return try await settingsPage(request, context, message: nil, error: APIError(.unprocessableContent, "name (1 to 80 characters) and role are needed"),
                                              status: .unprocessableContent)
            }
            let token = ServerSecurity.newAPIToken()
            try await Tokens(store: app.store).add(hash: ServerSecurity.tokenHash(token), name: name, role: role, now: app.config.now())
            // shown once on the page after the redirect (only its hash is stored)
            var r = doneRedirect("/settings", done: "token_created")
            r.setCookie(app.cookie(Self.newTokenCookie, token, request: request, maxAge: 120))
            return r
        }
        router.post("settings/tokens/{id}/revoke") { request, context in
            if let r = signedIn(request, context) { return r }
            _ = try await checkedForm(request, context, role: .admin)
            guard let id = Int(context.param("id")) else { throw APIError(.notFound, "no such token") }
            try await Tokens(store: app.store).delete(id: id)
            return doneRedirect("/settings", done: "token_revoked")
        }
    }

    static let doneKeys: Set<String> = ["timezone_saved", "emv_saved", "token_created", "token_revoked"]

    func change(_ request: Request, _ context: EngageContext, done: String, _ body: @Sendable (Form) async throws -> Void) async throws -> Response {
        if let r = signedIn(request, context) { return r }
        let (_, form) = try await checkedForm(request, context, role: .admin)
        do {
            try await body(form)
            return doneRedirect("/settings", done: done)
        } catch let e as any UserFacingError {
            let a = APIError(e)
            return try await settingsPage(request, context, message: nil, error: a, status: a.status)
        }
    }

    func settingsPage(_ request: Request, _ context: EngageContext, message: String?, error: APIError?, status: HTTPResponse.Status = .ok) async throws -> Response {
        let p = try context.require(.admin)
        let csrf = p.session.map(app.security.csrf(for:)) ?? ""
        let l = Labels(context.lang)
        let imported = try await AdvocacyData(store: app.store).emvRates()
        let importedKeys = Set(imported.map { "\($0.network)|\($0.action.rawValue)|\($0.from.dayNumber)" })
        let rates = (EMVRates.defaults.rates.filter { !importedKeys.contains("\($0.network)|\($0.action.rawValue)|\($0.from.dayNumber)") } + imported)
            .sorted { ($0.network, $0.action.rawValue, $0.from) < ($1.network, $1.action.rawValue, $1.from) }
        var data: [String: Any] = [
            "csrf": csrf, "timezone": try await Settings(store: app.store).orgTimeZone(),
            "emv": rates.map { r in ["network": r.network, "action": r.action.rawValue, "value": l.num(r.value), "from": r.from.description,
                                     "custom": importedKeys.contains("\(r.network)|\(r.action.rawValue)|\(r.from.dayNumber)")] as [String: Any] },
            "actions": EMVRates.Action.allCases.map(\.rawValue),
            "tokens": try await Tokens(store: app.store).all().map { ["id": $0.id, "name": $0.name, "role": $0.role.rawValue, "csrf": csrf] as [String: Any] },
            "roles": Role.allCases.map(\.rawValue),
        ]
        var response: Response
        let fresh = request.cookies[Self.newTokenCookie]?.value
        if let fresh, fresh.hasPrefix("eng_") { data["newToken"] = fresh }
        response = try page(request, context, title: UIText(lang: context.lang)["settings"], current: "/settings",
                            content: try render("settings", data, context), message: message, error: error, status: status)
        if fresh != nil {
            response.setCookie(app.cookie(Self.newTokenCookie, "", request: request, maxAge: 0))
            response.headers[.cacheControl] = "no-store"
        }
        return response
    }
}
