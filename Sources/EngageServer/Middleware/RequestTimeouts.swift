import Foundation
import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Closes a connection that is too slow to be a client: no complete request head within
/// `header` of the connection opening (or of the last answer), or no complete body within
/// `body` of its head — a slow-loris client that trickles bytes would otherwise hold a
/// connection for ever. Between requests a kept-alive connection may stay silent `idle` at
/// most (and `header` at most). Redirects answered ahead of the HTTP/1 parser
/// (`RedirectFrontHandler`) tell it of their requests directly (`fastRequestBegan`,
/// `fastRequestAnswered`). The number of open connections is limited separately
/// (`ServerConfig.maxConnections`).
final class RequestTimeoutHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    let header: TimeAmount
    let body: TimeAmount
    /// The wait for the next request after an answer.
    let between: TimeAmount
    private var context: ChannelHandlerContext?
    /// When the connection is closed unless it gets on (nil: a request is being answered).
    private var deadline: NIODeadline?
    /// The one timer of the connection and when it fires. Requests only move `deadline`:
    /// the timer, when it fires, closes the connection or waits for the deadline then
    /// (scheduling and cancelling a timer per request was a tenth of a redirect's time).
    private var timer: Scheduled<Void>?
    private var timerAt: NIODeadline?

    init(header: TimeAmount, body: TimeAmount, idle: TimeAmount) {
        self.header = header
        self.body = body
        between = min(header, idle)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { expect(context, within: header) }
    }

    func channelActive(context: ChannelHandlerContext) {
        expect(context, within: header)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        timerAt = nil
        deadline = nil
        self.context = nil
    }

    /// A request taken whole by the fast path is being answered: no deadline meanwhile.
    func fastRequestBegan() { deadline = nil }

    /// The fast path has answered: the next request must come within the wait between.
    func fastRequestAnswered() {
        if let context { expect(context, within: between) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head: expect(context, within: body)
        case .body: break
        case .end: deadline = nil
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { expect(context, within: between) }
        context.write(data, promise: promise)
    }

    /// The next step (a request head, or its body) must come within `after` from now.
    private func expect(_ context: ChannelHandlerContext, within after: TimeAmount) {
        let d = NIODeadline.now() + after
        deadline = d
        // a timer firing no later than `d` looks again then; one firing later is moved up
        if let at = timerAt, at <= d { return }
        schedule(context, at: d)
    }

    private func schedule(_ context: ChannelHandlerContext, at: NIODeadline) {
        timer?.cancel()
        timerAt = at
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(deadline: at) {
            let (handler, context) = bound.value
            handler.fired(context)
        }
    }

    private func fired(_ context: ChannelHandlerContext) {
        timer = nil
        timerAt = nil
        guard let d = deadline else { return }  // a request is being answered: armed again by its answer
        if NIODeadline.now() >= d { context.channel.close(promise: nil) } else { schedule(context, at: d) }
    }
}

/// At most `limit` large request bodies (uploads) read at once; more are answered 429
/// before their bodies are read, so concurrent 64 MiB uploads cannot exhaust memory.
actor UploadGate {
    let limit: Int
    private var inFlight = 0
    init(limit: Int) { self.limit = limit }

    func enter() -> Bool {
        guard inFlight < limit else { return false }
        inFlight += 1
        return true
    }

    func leave() { inFlight = max(0, inFlight - 1) }
}

extension ServerState {
    /// Runs `body` holding one of the upload places, or answers 429.
    func withUploadPlace<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        guard await uploads.enter() else {
            throw APIError(.tooManyRequests, "other uploads are being read: try again in a moment")
        }
        do {
            let result = try await body()
            await uploads.leave()
            return result
        } catch {
            await uploads.leave()
            throw error
        }
    }
}
