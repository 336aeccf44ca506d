import EngageCore
import EngageStore
import Foundation
import Hummingbird
import Crypto
import Metrics
import NIOCore
import NIOHTTPTypes
import HTTPTypes

/// `GET /r/{code}`: a 302 to the tracked link's stored target, after its click is durable.
///
/// Clicks are written in batches (group commit): every request waiting for its click joins
/// the batch being formed while the previous one commits, and is answered when its batch has
/// committed — so an answered click survives a crash, and throughput grows with load. The
/// visitor is an HMAC of address and user agent with a random salt per UTC day, kept in the
/// database only for that day: no address is stored, and days cannot be joined.
final class ClickWriter: @unchecked Sendable {
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
    private let lock = NSLock()
    private var pending: [(Click, @Sendable ((any Error)?) -> Void)] = []
    private var flushing = false

    init(store: any Store) { self.store = store }

    /// Calls `done` (on some thread) once `click` is committed, or with the error that kept
    /// it from being stored.
    func enqueue(_ click: Click, done: @escaping @Sendable ((any Error)?) -> Void) {
        let start = lock.withLock { () -> Bool in
            pending.append((click, done))
            if flushing { return false }
            flushing = true
            return true
        }
        if start { Task { await self.flushLoop() } }
    }

    /// Waits until every click handed over has been written (or failed): on a graceful
    /// shutdown, after the server has stopped taking requests. At most `seconds`.
    func drain(seconds: Double = 10) async {
        let until = Date().addingTimeInterval(seconds)
        while lock.withLock({ flushing || !pending.isEmpty }), Date() < until {
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Returns once `click` is committed.
    func record(_ click: Click) async throws {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
            enqueue(click) { error in
                if let error { c.resume(throwing: error) } else { c.resume() }
            }
        }
    }

    /// Writes what is pending, batch after batch, until nothing is: requests arriving while a
    /// batch commits form the next one.
    private func flushLoop() async {
        while true {
            let batch = lock.withLock { () -> [(Click, @Sendable ((any Error)?) -> Void)] in
                let b = pending
                pending = []
                if b.isEmpty { flushing = false }
                return b
            }
            if batch.isEmpty { return }
            do {
                try await write(batch.map(\.0))
                for (_, done) in batch { done(nil) }
            } catch {
                for (_, done) in batch { done(error) }
            }
        }
    }

    private func write(_ clicks: [Click]) async throws {
        try await store.recordClicks(clicks.map { c in
            ClickRow(code: c.code, at: c.at, visitor: c.visitor, userAgent: c.userAgent, agentClass: c.agent.rawValue,
                     referrer: c.referrer, isBot: c.agent.isBot, occurrence: c.occurrence)
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

    /// The cached answer for `code`: `.some(target)` (nil target: unknown code), or nil when
    /// the cache does not know (the database must be asked).
    func cached(_ code: String, now: Int64) -> String?? {
        guard let e = lock.withLock({ entries[code] }), e.until > now else { return nil }
        return .some(e.target)
    }

    func target(_ code: String, now: Int64) async throws -> String? {
        if let e = lock.withLock({ entries[code] }), e.until > now { return e.target }
        let target = try await Links(store: store).target(code: code).flatMap { UTMBuilder.isWebURL($0) ? $0 : nil }
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
    let settings: Settings
    private let lock = NSLock()
    /// Today's HMAC, keyed once (copied per use: keying is two SHA-256 blocks).
    private var current: (day: Int, hmac: HMAC<SHA256>)?
    init(settings: Settings) { self.settings = settings }

    func hash(address: String, userAgent: String, now: Int64) async throws -> String {
        if let h = cachedHash(address: address, userAgent: userAgent, now: now) { return h }
        let today = LocalDate(utcInstant: now).dayNumber
        let salt = try await settings.visitorSalt(day: today) { Security.randomToken(bytes: 32) }
        let key = SymmetricKey(data: SHA256.hash(data: Data(salt.utf8)))
        lock.withLock { current = (today, HMAC<SHA256>(key: key)) }
        return cachedHash(address: address, userAgent: userAgent, now: now)!
    }

    /// The hash when today's salt is already known here (no database needed), else nil.
    func cachedHash(address: String, userAgent: String, now: Int64) -> String? {
        guard var h = lock.withLock({ current?.day == LocalDate(utcInstant: now).dayNumber ? current?.hmac : nil }) else { return nil }
        h.update(data: Data((address + "\n" + userAgent).utf8))
        return Security.base64url(Data(h.finalize()).prefix(16))
    }
}

struct Redirects {
    let app: ServerState
    static let redirects = Metrics.Counter(label: "engage_redirects_total")

    func register(on router: Router<EngageContext>) {
        // a link checker's HEAD sees the redirect; it is not a click
        router.head("r/{code}") { _, context in
            let code = context.param("code")
            guard code.count <= 64, let target = try await app.links.target(code, now: app.config.now()) else {
                return Response(status: .notFound)
            }
            var headers = HTTPFields()
            headers[.location] = target
            headers[.cacheControl] = "no-store"
            return Response(status: .found, headers: headers)
        }
        router.get("r/{code}") { request, context in
            let code = context.param("code")
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

/// Tracked-link redirects answered on the event loop, in the channel pipeline ahead of the
/// router: for `GET /r/CODE` with its link and today's visitor salt already known (in
/// memory), the click joins the group commit and the 302 is written when it is committed —
/// with no task per request and no trip through the async request stream, which is most of
/// a redirect's cost. Anything else (other paths, a link or salt not yet cached, a request
/// while another is in progress on the connection) goes on to the router, whose `/r/{code}`
/// route does the same work (and fills the caches).
final class RedirectHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    let app: ServerState
    /// Requests passed on whose response has not ended yet (answers must keep their order).
    private var passedOn = 0
    /// The redirect being answered here, from its head to its response.
    private var answering: (head: HTTPRequest, target: String, code: String)?
    private var swallowing = false
    /// Parts of pipelined requests that arrived while a redirect here waits for its commit:
    /// read once it is answered, so answers keep the order of requests.
    private var held: [NIOAny] = []

    init(app: ServerState) { self.app = app }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if answering != nil && !swallowing {
            held.append(data)
            return
        }
        let part = unwrapInboundIn(data)
        switch part {
        case .head(let head):
            if passedOn == 0, answering == nil, head.method == .get, let path = head.path, path.hasPrefix("/r/"),
               let (code, target) = cachedTarget(path) {
                answering = (head, target, code)
                swallowing = true
                return
            }
            passedOn += 1
            context.fireChannelRead(data)
        case .body:
            if swallowing { return }
            context.fireChannelRead(data)
        case .end:
            if swallowing {
                swallowing = false
                answer(context: context)
                return
            }
            context.fireChannelRead(data)
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { passedOn = max(0, passedOn - 1) }
        context.write(data, promise: promise)
    }

    /// The link's target when the code is well formed and its link cached; nil otherwise.
    private func cachedTarget(_ path: String) -> (String, String)? {
        let code = String(path.dropFirst(3))
        guard (1...64).contains(code.count), !code.contains(where: { $0 == "/" || $0 == "?" || $0 == "%" }),
              let hit = app.links.cached(code, now: app.config.now()), let target = hit else { return nil }
        return (code, target)
    }

    private func answer(context: ChannelHandlerContext) {
        guard let (head, target, code) = answering else { return }
        let now = app.config.now()
        let ua = head.headerFields[.userAgent]
        let address = app.config.trustedProxies.client(remote: context.channel.remoteAddress?.ipAddress,
                                                       forwardedFor: head.headerFields[.forwardedFor])
        guard let visitor = app.salt.cachedHash(address: address, userAgent: ua ?? "", now: now) else {
            // a new day: the router's route makes the salt
            answering = nil
            passedOn += 1
            context.fireChannelRead(wrapInboundOut(.head(head)))
            context.fireChannelRead(wrapInboundOut(.end(nil)))
            let parts = held
            held = []
            for p in parts { channelRead(context: context, data: p) }
            return
        }
        let click = ClickWriter.Click(code: code, at: now, visitor: visitor, userAgent: ua, agent: AgentClass.of(ua),
                                      referrer: head.headerFields[.referer], occurrence: app.nextOccurrence())
        let close = head.headerFields[.connection]?.lowercased().contains("close") ?? false
        let loop = context.eventLoop
        let bound = NIOLoopBound((self, context), eventLoop: loop)
        app.clicks.enqueue(click) { error in
            loop.execute {
                let (handler, context) = bound.value
                handler.respond(context: context, target: error == nil ? target : nil, close: close)
            }
        }
    }

    private func respond(context: ChannelHandlerContext, target: String?, close: Bool) {
        answering = nil
        var fields = HTTPFields()
        let status: HTTPResponse.Status
        var body: ByteBuffer?
        if let target {
            status = .found
            fields[.location] = target
            fields[.cacheControl] = "no-store"
            fields[.contentLength] = "0"
            Redirects.redirects.increment()
        } else {
            // not recorded: not redirected either (a click answered is a click stored)
            status = .serviceUnavailable
            let text = "<!doctype html><meta charset=\"utf-8\"><title>Unavailable</title><p>Please try again in a moment. · Попробуйте ещё раз чуть позже.</p>\n"
            fields[.contentType] = "text/html; charset=utf-8"
            fields[.contentLength] = String(text.utf8.count)
            body = context.channel.allocator.buffer(string: text)
        }
        if close { fields[.connection] = "close" }
        defer {
            let parts = held
            held = []
            for p in parts { channelRead(context: context, data: p) }
        }
        context.write(wrapOutboundOut(.head(HTTPResponse(status: status, headerFields: fields))), promise: nil)
        if let body { context.write(wrapOutboundOut(.body(body)), promise: nil) }
        if close {
            let done = context.eventLoop.makePromise(of: Void.self)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: done)
            done.futureResult.whenComplete { _ in context.close(promise: nil) }
        } else {
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }
}
