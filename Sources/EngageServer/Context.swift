import EngageReports
import EngageStore
import Hummingbird
import Logging

/// Who is asking: a signed-in user (cookie) or an API token (Bearer header).
public struct Principal: Sendable, Equatable {
    public var name: String
    public var role: Role
    /// The signed-in user's uid; nil for API tokens.
    public var userID: String?
    /// The session cookie's value (CSRF tokens are bound to it); nil for API tokens.
    public var session: String?
    /// The employee the user is, for advocates' pages.
    public var employeeID: String?
}

/// The request context of every route: the principal found by `AuthMiddleware`, the page
/// language, and the body limit.
public struct EngageContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var principal: Principal?
    public var lang: Language = .en
    public var bodyLimit = 64 * 1024 * 1024
    /// The connection's remote address (never stored: only a keyed hash of it is).
    public var remoteAddress: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress?.ipAddress
    }

    public var maxUploadSize: Int { bodyLimit }
}

extension EngageContext {
    /// This context without its principal (pages that must not show who is signed in).
    var anonymous: EngageContext {
        var c = self
        c.principal = nil
        return c
    }
}

extension EngageContext {
    /// A path parameter, percent-decoded (`/accounts/%D0%BA%D0%BE%D1%84%D0%B5_1` names
    /// `кофе_1`); empty when missing.
    func param(_ name: String) -> String {
        let raw = parameters.get(name) ?? ""
        return raw.removingPercentEncoding ?? raw
    }
}
