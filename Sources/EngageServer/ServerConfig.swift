import EngageCore
import Foundation

/// How `engage serve` runs.
public struct ServerConfig: Sendable {
    public var host = "127.0.0.1"
    public var port = 8080
    /// Set the Secure flag on cookies (when Engage is served over HTTPS, directly or behind
    /// a TLS-terminating proxy). `X-Forwarded-Proto: https` also turns it on per request.
    public var secureCookies = false
    /// The address short links are shown with (`https://go.example.com`); nil: the
    /// request's own scheme and host.
    public var publicURL: String?
    /// Largest request body accepted (CSV uploads included), in bytes.
    public var maxBodyBytes = 64 * 1024 * 1024
    /// Uploads read at once (more are answered 429).
    public var maxConcurrentUploads = 2
    /// Open connections at most; past it, new ones wait in the listen queue.
    public var maxConnections = 1_000
    /// A kept-alive connection silent this long after an answer is closed (and never later
    /// than `headerTimeoutSeconds`: `RequestTimeoutHandler` keeps both).
    public var idleTimeoutSeconds: Int64 = 75
    /// A request head must arrive this soon after the connection opens (or the last answer).
    public var headerTimeoutSeconds: Int64 = 30
    /// A request body must arrive this soon after its head.
    public var bodyTimeoutSeconds: Int64 = 300
    /// Largest JSON/form body, in bytes.
    public var maxFormBytes = 64 * 1024
    /// bcrypt cost for new passwords.
    public var bcryptCost: UInt8 = 12
    /// Session lifetime, seconds.
    public var sessionSeconds: Int64 = 14 * LocalDate.secondsPerDay
    /// Login attempts: at most this many failures per account, and per address, in the window.
    /// (Per account means: per account from one address.)
    public var loginFailuresPerAccount = 5
    public var loginFailuresPerAddress = 20
    /// Failures per account from all addresses together (a distributed guesser).
    public var loginFailuresPerAccountEverywhere = 100
    public var loginWindowSeconds: Int64 = 15 * 60
    /// Proxies whose X-Forwarded-For is believed (none by default).
    public var trustedProxies = TrustedProxies.none
    /// The shipped questionnaire templates (`questionnaires/`), offered when a wave is created.
    public var questionnairesFolder: String?
    /// Where mail goes (scheduled reports); nil: no mail is sent (schedules wait).
    public var smtp: SMTPConfig?
    /// The first wait before a message not sent is tried again, in seconds (then doubled,
    /// at most an hour); also how often due schedules are looked for (at most every 30 s).
    public var mailRetrySeconds: Int64 = 60
    /// How long a built advocacy report serves its pages (funnel, leaderboards, content,
    /// …) and the API before it is built again: clicks arrive all the time, and a year of a
    /// big program's clicks takes seconds to add up. 0: built for every request.
    public var advocacyCacheSeconds: Double = 60
    /// The clock (tests pin it).
    public var now: @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }

    public init() {}
}
