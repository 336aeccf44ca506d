import EngageCore
import EngageStore
import Foundation
import Hummingbird
import Crypto
import Metrics
import NIOCore
import NIOHTTPTypes
import HTTPTypes

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

    /// Where the connection is. Requests passed on to the router are counted separately
    /// (`passedOn`): a redirect is answered here only when none is outstanding, so answers
    /// keep the order of requests.
    enum State {
        /// Nothing of ours in progress: parts go on to the router.
        case passing
        /// A redirect's head was taken here; its body (if any) is skipped until its end.
        case reading(head: HTTPRequest, code: String, target: String)
        /// Its click waits for the group commit; parts of pipelined requests are held.
        case committing
    }

    let app: ServerState
    private var state = State.passing
    /// Requests passed on whose response has not ended yet.
    private var passedOn = 0
    /// Parts that arrived while a redirect waits for its commit: read once it is answered.
    private var held: [NIOAny] = []

    init(app: ServerState) { self.app = app }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch state {
        case .committing:
            held.append(data)
        case .reading(let head, let code, let target):
            if case .end = unwrapInboundIn(data) { answer(context: context, head: head, code: code, target: target) }
        case .passing:
            if case .head(let head) = unwrapInboundIn(data), passedOn == 0, head.method == .get,
               let code = head.path.flatMap(RedirectAnswer.code(fromPath:)),
               let hit = app.links.cached(code, now: app.config.now()), let target = hit {
                state = .reading(head: head, code: code, target: target)
                return
            }
            if case .head = unwrapInboundIn(data) { passedOn += 1 }
            context.fireChannelRead(data)
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { passedOn = max(0, passedOn - 1) }
        context.write(data, promise: promise)
    }

    /// The redirect's request has ended: its click joins the group commit, or — a new day,
    /// whose salt is not known here yet — the request goes on to the router.
    private func answer(context: ChannelHandlerContext, head: HTTPRequest, code: String, target: String) {
        let now = app.config.now()
        let address = app.config.trustedProxies.client(remote: context.channel.remoteAddress?.ipAddress,
                                                       forwardedFor: head.headerFields[.forwardedFor])
        guard let visitor = app.salt.cachedHash(address: address, userAgent: head.headerFields[.userAgent] ?? "", now: now) else {
            state = .passing
            passedOn += 1
            context.fireChannelRead(wrapInboundOut(.head(head)))
            context.fireChannelRead(wrapInboundOut(.end(nil)))
            replayHeld(context: context)
            return
        }
        state = .committing
        let close = head.headerFields[.connection]?.lowercased().contains("close") ?? false
        let loop = context.eventLoop
        let bound = NIOLoopBound((self, context), eventLoop: loop)
        app.clicks.enqueue(app.click(code: code, at: now, visitor: visitor, headers: head.headerFields), on: loop) { error in
            let (handler, context) = bound.value
            handler.respond(context: context, error == nil ? .redirect(target: target) : .notRecorded, close: close)
        }
    }

    private func respond(context: ChannelHandlerContext, _ answer: RedirectAnswer, close: Bool) {
        state = .passing
        var fields = answer.fields()
        if close { fields[.connection] = "close" }
        defer { replayHeld(context: context) }
        context.write(wrapOutboundOut(.head(HTTPResponse(status: answer.status, headerFields: fields))), promise: nil)
        if let page = answer.page { context.write(wrapOutboundOut(.body(context.channel.allocator.buffer(string: page))), promise: nil) }
        if close {
            let done = context.eventLoop.makePromise(of: Void.self)
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: done)
            done.futureResult.whenComplete { _ in channel.close(promise: nil) }
        } else {
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }

    private func replayHeld(context: ChannelHandlerContext) {
        let parts = held
        held = []
        for p in parts { channelRead(context: context, data: p) }
    }
}
