import EngageCore
import EngageReports
import EngageStore
import Foundation
import Hummingbird
import Mustache

/// What every route shares: the store, the instance's secret, configuration, templates.
/// Nothing here is per-instance state another instance would need: sessions are signed
/// cookies, login failures and tokens live in the database.
public final class ServerState: Sendable {
    public let store: any Store
    let settings: Settings
    let tokens: Tokens
    let signIns: SignInFailures
    let posts: Posts
    let users: Users
    /// A bcrypt hash of nothing anyone knows: a sign-in with an unknown name is checked
    /// against it, so it takes as long as one with a known name.
    let decoyHash: String
    let security: Security
    public let config: ServerConfig
    let templates: MustacheLibrary
    let reports = ReportCache()
    let advocacyReports = AdvocacyReportCache()
    let clicks: ClickWriter
    let links: LinkCache
    let salt: VisitorSalt
    let ballots: SurveyBallotBox
    let surveyMail: SurveyMailer
    let uploads: UploadGate
    let importProgress = ImportProgressBoard()
    private let occurrence = OccurrenceCounter()

    static let sessionCookie = "engage_session"
    static let langCookie = "engage_lang"
    /// The period a page last showed: pages opened without `from`/`to` show it again.
    static let periodCookie = "engage_period"
    static let preCookie = "engage_pre"

    public init(store: any Store, config: ServerConfig) async throws {
        self.store = store
        self.config = config
        settings = Settings(store: store)
        tokens = Tokens(store: store)
        signIns = SignInFailures(store: store)
        posts = Posts(store: store)
        users = Users(store: store)
        decoyHash = Security.hashPassword(Security.randomToken(), cost: config.bcryptCost)
        clicks = ClickWriter(store: store, log: try await (store as? SQLiteStore)?.openClickLog())
        links = LinkCache(store: store)
        salt = VisitorSalt(settings: settings)
        ballots = SurveyBallotBox(store: store)
        surveyMail = SurveyMailer(store: store, smtp: config.smtp, retrySeconds: config.mailRetrySeconds, now: config.now)
        // messages a stopped process was still sending: their links died with it
        try await SurveyMail(store: store).abandonSending(now: config.now())
        uploads = UploadGate(limit: config.maxConcurrentUploads)
        security = Security(secret: try await settings.value("session_secret", orInit: { Security.randomToken(bytes: 48) }))
        guard let dir = Bundle.module.path(forResource: "Templates", ofType: nil) else { throw StoreError("the page templates are missing") }
        templates = try await MustacheLibrary(directory: dir)
    }

    // MARK: sessions: "uid.session epoch.expiry" signed with the instance secret

    /// The uid is random and never given to another user; the epoch is raised by sign-out,
    /// a password change and a role change. So a cookie dies with its user, and with any of
    /// those changes.
    func sessionValue(for user: User) -> String {
        security.sign("\(user.uid).\(user.sessionEpoch).\(config.now() + config.sessionSeconds)")
    }

    func principal(fromSession value: String) async throws -> Principal? {
        guard let payload = security.verify(value) else { return nil }
        let parts = payload.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let epoch = Int(parts[1]), let expiry = Int64(parts[2]), expiry > config.now(),
              let user = try await users.user(uid: String(parts[0])), user.sessionEpoch == epoch else { return nil }
        return Principal(name: user.name, role: user.role, userID: user.uid, session: value, employeeID: user.employeeID)
    }

    /// A cookie with the house attributes: HttpOnly, SameSite=Lax, Path=/, Secure over HTTPS.
    func cookie(_ name: String, _ value: String, request: Request, maxAge: Int?) -> Cookie {
        let secure = config.secureCookies || request.headers[.forwardedProto]?.lowercased() == "https"
        return Cookie(name: name, value: value, maxAge: maxAge, path: "/", secure: secure, httpOnly: true, sameSite: .lax)
    }

    /// The client address for rate limiting and visitor hashes (only a keyed hash of it is
    /// ever stored): the connection's, or what a trusted proxy forwarded.
    func clientAddress(_ request: Request, _ context: EngageContext) -> String {
        config.trustedProxies.client(remote: context.remoteAddress, forwardedFor: request.headers[.forwardedFor])
    }

    /// Keeps server clicks of the same link, second and visitor apart (their key's last part).
    func nextOccurrence() -> Int { occurrence.next() }

    func today() -> LocalDate { LocalDate(utcInstant: config.now()) }
}

/// A process-wide counter starting at a random point (so instances do not collide).
final class OccurrenceCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = Int.random(in: 1_000_000...(1 << 52))

    func next() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value
    }
}

extension ServerState {
    /// Survey answers waiting in memory for a batch (counts only; tests and status).
    public func ballotsWaiting(_ surveyID: String) async -> (answers: Int, groups: [String: Int]) {
        await ballots.waitingCount(surveyID)
    }

    /// Releases what is due now (closed waves: all they can); what the release service
    /// does every half minute and, with `stopping`, when the server stops.
    public func releaseSurveys(stopping: Bool) async {
        await ballots.tick(today: today(), stopping: stopping)
    }
}
