import EngageCore
import EngageStore
import Foundation
import Hummingbird
import Crypto
import Metrics

/// `GET /r/{code}`: a 302 to the tracked link's stored target, after its click is durable.
///
/// Clicks are written in batches (group commit): every request waiting for its click joins
/// the batch being formed while the previous one commits, and is answered when its batch has
/// committed — so an answered click survives a crash, and throughput grows with load. The
/// visitor is an HMAC of address and user agent with a random salt per UTC day, kept in the
/// database only for that day: no address is stored, and days cannot be joined.
actor ClickWriter {
    struct Click: Sendable {
        var code: String
        var at: Int64
        var visitor: String
        var userAgent: String?
        var agent: AgentClass
        var referrer: String?
        var occurrence: Int
    }

    let store: any Store
    private var pending: [(Click, CheckedContinuation<Void, Error>)] = []
    private var flushing = false

    init(store: any Store) { self.store = store }

    /// Returns once `click` is committed.
    func record(_ click: Click) async throws {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, Error>) in
            pending.append((click, c))
            if !flushing {
                flushing = true
                Task { await self.flushLoop() }
            }
        }
    }

    private func flushLoop() async {
        while !pending.isEmpty {
            let batch = pending
            pending = []
            do {
                try await write(batch.map(\.0))
                for (_, c) in batch { c.resume() }
            } catch {
                for (_, c) in batch { c.resume(throwing: error) }
            }
        }
        flushing = false
    }

    private func write(_ clicks: [Click]) async throws {
        try await store.executeBatch("""
            INSERT INTO clicks (link_code, clicked_at, visitor_hash, user_agent, agent_class, referrer, is_bot, occurrence, import_id, day, employee_id)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0, ?9, (SELECT l.employee_id FROM links l WHERE l.link_code = ?1))
            """, rows: clicks.map { c in
            [.text(c.code), .int(Int(c.at)), .text(c.visitor), c.userAgent.map { .text(String($0.prefix(512))) } ?? .null,
             .text(c.agent.rawValue), c.referrer.map { .text(String($0.prefix(1024))) } ?? .null, .int(c.agent.isBot ? 1 : 0),
             .int(c.occurrence), .int(Int(c.at / 86_400))]
        })
    }
}

/// Tracked links by code, kept for a minute (a link created or re-imported elsewhere is seen
/// within that time); unknown codes are remembered for a few seconds.
final class LinkCache: @unchecked Sendable {
    let store: any Store
    private let lock = NSLock()
    private var entries: [String: (target: String?, until: Int64)] = [:]
    init(store: any Store) { self.store = store }

    func target(_ code: String, now: Int64) async throws -> String? {
        if let e = lock.withLock({ entries[code] }), e.until > now { return e.target }
        let row = try await store.execute("SELECT target FROM links WHERE link_code = ?1", [.text(code)]).first
        let target = row?.first?.text.flatMap { UTMBuilder.isWebURL($0) ? $0 : nil }
        lock.withLock {
            if entries.count > 100_000 { entries.removeAll() }
            entries[code] = (target, now + (target == nil ? 5 : 60))
        }
        return target
    }
}

/// The random salt of each UTC day (shared by every instance through `settings`; earlier
/// days' salts are deleted, so old visitor hashes can never be recomputed).
final class VisitorSalt: @unchecked Sendable {
    let web: WebData
    private let lock = NSLock()
    private var current: (day: Int, key: SymmetricKey)?
    init(web: WebData) { self.web = web }

    func hash(address: String, userAgent: String, now: Int64) async throws -> String {
        let today = Int(now / 86_400)
        var key = lock.withLock { current?.day == today ? current?.key : nil }
        if key == nil {
            let salt = try await web.setting("visitor_salt_\(today)", orInit: { Security.randomToken(bytes: 32) })
            try await web.store.execute("DELETE FROM settings WHERE name LIKE 'visitor_salt_%' AND name <> ?1", [.text("visitor_salt_\(today)")])
            let k = SymmetricKey(data: SHA256.hash(data: Data(salt.utf8)))
            lock.withLock { current = (today, k) }
            key = k
        }
        let mac = HMAC<SHA256>.authenticationCode(for: Data((address + "\n" + userAgent).utf8), using: key!)
        return Security.base64url(Data(mac).prefix(16))
    }
}

struct Redirects {
    let app: ServerState
    static let redirects = Metrics.Counter(label: "engage_redirects_total")

    func register(on router: Router<EngageContext>) {
        router.get("r/{code}") { request, context in
            let code = context.parameters.get("code") ?? ""
            let now = app.config.now()
            guard code.count <= 64, let target = try await app.links.target(code, now: now) else {
                return Pages.html("<!doctype html><meta charset=\"utf-8\"><title>Not found</title><p>This link does not exist. · Такой ссылки нет.</p>\n",
                                  status: .notFound)
            }
            let ua = request.headers[.userAgent]
            let visitor = try await app.salt.hash(address: app.clientAddress(request, context), userAgent: ua ?? "", now: now)
            let click = ClickWriter.Click(code: code, at: now, visitor: visitor, userAgent: ua, agent: AgentClass.of(ua),
                                          referrer: request.headers[.referer], occurrence: app.nextOccurrence())
            do {
                try await app.clicks.record(click)
            } catch {
                // not recorded: not redirected either (a click answered is a click stored)
                context.logger.error("click not recorded: \(error)")
                return Pages.html("<!doctype html><meta charset=\"utf-8\"><title>Unavailable</title><p>Please try again in a moment. · Попробуйте ещё раз чуть позже.</p>\n",
                                  status: .serviceUnavailable)
            }
            Self.redirects.increment()
            var headers = HTTPFields()
            headers[.location] = target
            headers[.cacheControl] = "no-store"
            return Response(status: .found, headers: headers)
        }
    }
}
