import EngageCore
import EngageStore
import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTPTypes

/// Tracked-link redirects answered from the connection's bytes, first in the channel
/// pipeline, ahead of the HTTP/1 parser: a plain `GET /r/CODE HTTP/1.1`
/// (`RedirectRequest`) is read here, its click joins the group commit, and the 302 is
/// written as bytes once the click is committed — no HTTP part objects, no field lists, no
/// task per request, no trip through the router (these were most of a redirect's time).
///
/// The first request that is not such a redirect (another path, a query string, a body, an
/// unusual head) hands the connection over: the bytes not yet answered go to the HTTP/1
/// parser and this handler leaves the pipeline, so everything else is served exactly as
/// before. A request is answered before the next one is read, so answers keep the order of
/// requests; while one waits for its commit, reading stops once 16 KiB are held. Deadlines
/// are `RequestTimeoutHandler`'s, which is told of each request taken and answered. When the
/// server stops, a redirect waiting for its commit is still answered (then the connection
/// closes).
final class RedirectFrontHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let app: ServerState
    let timeouts: RequestTimeoutHandler
    /// Bytes received and not yet answered or handed over.
    private var held: ByteBuffer?
    /// A request taken here is waiting for its answer.
    private var answering = false
    /// A read was withheld while answering (too much held).
    private var readWithheld = false
    /// The server is stopping: close after the answer in progress.
    private var quiescing = false
    private var closed = false

    static let holdAtMost = 16 * 1024

    init(app: ServerState, timeouts: RequestTimeoutHandler) {
        self.app = app
        self.timeouts = timeouts
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        if held == nil {
            held = bytes
        } else {
            // what was answered goes before more is added (only a part of a head remains)
            held!.discardReadBytes()
            held!.writeBuffer(&bytes)
        }
        if !answering { next(context) }
    }

    func read(context: ChannelHandlerContext) {
        if answering, (held?.readableBytes ?? 0) >= Self.holdAtMost {
            readWithheld = true
            return
        }
        context.read()
    }

    func channelInactive(context: ChannelHandlerContext) {
        closed = true
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // answering: closed once answered (passed on, the connection would be closed at once)
        if event is ChannelShouldQuiesceEvent, answering {
            quiescing = true
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    /// Reads the next request held: answers a redirect, waits for the rest of one, or hands
    /// the connection over.
    private func next(_ context: ChannelHandlerContext) {
        guard var bytes = held, bytes.readableBytes > 0 else {
            held = nil
            return
        }
        switch bytes.withUnsafeReadableBytes(RedirectRequest.read) {
        case .incomplete:
            return
        case .decline:
            handOver(context)
        case .request(let r):
            bytes.moveReaderIndex(forwardBy: r.length)
            held = bytes.readableBytes > 0 ? bytes : nil
            take(context, r)
        }
    }

    /// The rest of the connection goes to the HTTP/1 parser.
    private func handOver(_ context: ChannelHandlerContext) {
        let rest = held
        held = nil
        if let rest {
            context.fireChannelRead(wrapInboundOut(rest))
            // outside a socket read (after an answer) nothing else would end this read: the
            // request stream hands on what it was given at the read's end
            context.fireChannelReadComplete()
        }
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        if readWithheld {
            readWithheld = false
            context.read()
        }
    }

    private func take(_ context: ChannelHandlerContext, _ r: RedirectRequest) {
        answering = true
        timeouts.fastRequestBegan()
        let now = app.config.now()
        let address = app.config.trustedProxies.client(remote: context.channel.remoteAddress?.ipAddress, forwardedFor: r.forwardedFor)
        let loop = context.eventLoop
        let bound = NIOLoopBound((self, context), eventLoop: loop)
        // link and today's salt known here (nearly always): no task, no database read
        if let hit = app.links.cached(r.code, now: now) {
            guard let target = hit else { return respond(context, .unknownCode, close: r.close) }
            if let visitor = app.salt.cachedHash(address: address, userAgent: r.userAgent ?? "", now: now) {
                app.clicks.enqueue(app.click(code: r.code, at: now, visitor: visitor, userAgent: r.userAgent, referrer: r.referrer), on: loop) { error in
                    let (handler, context) = bound.value
                    handler.respond(context, error == nil ? .redirect(target: target) : .notRecorded, close: r.close)
                }
                return
            }
        }
        // the first request for a link, or a new day's salt: read from the database
        let app = self.app
        Task {
            let answer: RedirectAnswer
            do {
                if let target = try await app.links.target(r.code, now: now) {
                    let visitor = try await app.salt.hash(address: address, userAgent: r.userAgent ?? "", now: now)
                    try await app.clicks.record(app.click(code: r.code, at: now, visitor: visitor, userAgent: r.userAgent, referrer: r.referrer))
                    answer = .redirect(target: target)
                } else {
                    answer = .unknownCode
                }
            } catch {
                Logger(label: "engage.redirects").error("click not recorded: \(error)")
                answer = .notRecorded
            }
            loop.execute {
                let (handler, context) = bound.value
                handler.respond(context, answer, close: r.close)
            }
        }
    }

    private func respond(_ context: ChannelHandlerContext, _ answer: RedirectAnswer, close: Bool) {
        answering = false
        guard !closed else { return }
        let close = close || quiescing
        var buffer = context.channel.allocator.buffer(capacity: 256)
        answer.wire(close: close, now: app.config.now(), into: &buffer)
        if close {
            held = nil
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(buffer)).whenComplete { _ in channel.close(promise: nil) }
            return
        }
        context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
        timeouts.fastRequestAnswered()
        if readWithheld {
            readWithheld = false
            context.read()
        }
        next(context)
    }
}

/// Hummingbird's HTTP/1 child channel with `RedirectFrontHandler` put first in each
/// connection's pipeline (beside the `RequestTimeoutHandler` the configuration adds).
struct EngageHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value
    let inner: HTTP1Channel
    let app: ServerState

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        inner.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let ops = channel.pipeline.syncOperations
            let timeouts = try ops.handler(type: RequestTimeoutHandler.self)
            try ops.addHandler(RedirectFrontHandler(app: app, timeouts: timeouts), position: .first)
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await inner.handle(value: value, logger: logger)
    }
}
