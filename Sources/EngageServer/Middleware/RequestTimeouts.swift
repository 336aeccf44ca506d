import Foundation
import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Closes a connection that is too slow to be a client: no complete request head within
/// `header` of the connection opening (or of the last answer), or no complete body within
/// `body` of its head — a slow-loris client that trickles bytes would otherwise hold a
/// connection for ever (the idle timeout only fires on silence). The number of open
/// connections is limited separately (`ServerConfig.maxConnections`).
final class RequestTimeoutHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    let header: TimeAmount
    let body: TimeAmount
    private var timer: Scheduled<Void>?

    init(header: TimeAmount, body: TimeAmount) {
        self.header = header
        self.body = body
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(context, header) }
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(context, header)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head: arm(context, body)
        case .body: break
        case .end:
            timer?.cancel()
            timer = nil
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { arm(context, header) }
        context.write(data, promise: promise)
    }

    private func arm(_ context: ChannelHandlerContext, _ after: TimeAmount) {
        timer?.cancel()
        let channel = context.channel
        timer = context.eventLoop.scheduleTask(in: after) { channel.close(promise: nil) }
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
