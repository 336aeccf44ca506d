import Foundation
import NIOCore
import NIOExtras
import NIOPosix
import NIOSSL

/// Where mail goes: an SMTP server (`engage serve --smtp-host …`).
public struct SMTPConfig: Sendable, Equatable {
    /// `starttls` (port 587: plain, then TLS before anything else is said), `tls` (port 465:
    /// TLS from the start), or `none` (a relay on the same machine or network).
    public enum Security: String, Sendable, CaseIterable { case starttls, tls, none }
    public var host: String
    public var port = 587
    public var security = Security.starttls
    public var username: String?
    public var password: String?
    /// The sender address of every message.
    public var from: String
    /// Certificates to trust besides the system's (a private CA), PEM.
    public var caFile: String?
    public var timeoutSeconds: Int64 = 30

    public init(host: String, from: String) {
        self.host = host
        self.from = from
    }
}

/// Why a message was not sent; its description is safe to show an admin (no password).
public struct SMTPError: Error, CustomStringConvertible, Sendable {
    public var description: String
    init(_ d: String) { description = d }
}

/// A minimal SMTP client (RFC 5321): EHLO, STARTTLS, AUTH PLAIN, one message per session.
public struct SMTPClient: Sendable {
    public let config: SMTPConfig
    public init(config: SMTPConfig) { self.config = config }

    public func send(_ message: MailMessage) async throws {
        let timeout = config.timeoutSeconds
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.session(message) }
            group.addTask {
                try await Task.sleep(nanoseconds: UInt64(timeout) * 1_000_000_000)
                throw SMTPError("no answer from \(config.host):\(config.port) within \(timeout) s")
            }
            try await group.next()
            group.cancelAll()
        }
    }

    func tlsHandler() throws -> NIOSSLClientHandler {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let ca = config.caFile { tls.additionalTrustRoots = [.file(ca)] }
        let context = try NIOSSLContext(configuration: tls)
        // an address is verified against the certificate's IP entries, a name against its names
        let isAddress = config.host.allSatisfy { $0.isNumber || $0 == "." || $0 == ":" }
        return try NIOSSLClientHandler(context: context, serverHostname: isAddress ? nil : config.host)
    }

    private func session(_ message: MailMessage) async throws {
        let config = self.config
        let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        do {
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.seconds(10))
                .connect(host: config.host, port: config.port) { ch in
                    ch.eventLoop.makeCompletedFuture {
                        if config.security == .tls { try ch.pipeline.syncOperations.addHandler(try self.tlsHandler()) }
                        try ch.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineBasedFrameDecoder()))
                        return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: ch)
                    }
                }
        } catch {
            throw SMTPError("cannot connect to \(config.host):\(config.port): \(error)")
        }
        try await channel.executeThenClose { inbound, outbound in
            var lines = inbound.makeAsyncIterator()
            func reply() async throws -> (code: Int, text: String) {
                var text = ""
                while true {
                    guard var line = try await lines.next() else { throw SMTPError("\(config.host) closed the connection") }
                    let s = line.readString(length: line.readableBytes)?.trimmingCharacters(in: .newlines) ?? ""
                    text += (text.isEmpty ? "" : "\n") + s
                    let chars = Array(s)
                    guard chars.count >= 3, let code = Int(String(chars[0..<3])) else { throw SMTPError("not an SMTP answer: \(s.prefix(80))") }
                    if chars.count == 3 || chars[3] == " " { return (code, text) }
                }
            }
            func expect(_ codes: Set<Int>, after what: String) async throws -> String {
                let (code, text) = try await reply()
                guard codes.contains(code) else { throw SMTPError("\(what): the server answered \(text.prefix(200))") }
                return text
            }
            func say(_ line: String) async throws { try await outbound.write(ByteBuffer(string: line + "\r\n")) }

            _ = try await expect([220], after: "greeting")
            let me = config.from.split(separator: "@").last.map(String.init) ?? "localhost"
            try await say("EHLO \(me)")
            var features = try await expect([250], after: "EHLO")
            if config.security == .starttls {
                guard features.uppercased().contains("STARTTLS") else { throw SMTPError("\(config.host) does not offer STARTTLS (use --smtp-security none for a plain relay)") }
                try await say("STARTTLS")
                _ = try await expect([220], after: "STARTTLS")
                do {
                    try await channel.channel.pipeline.addHandler(try self.tlsHandler(), position: .first)
                } catch { throw SMTPError("TLS with \(config.host) failed: \(error)") }
                try await say("EHLO \(me)")
                features = try await expect([250], after: "EHLO after STARTTLS")
            }
            if let user = config.username {
                let token = Data(("\u{0}" + user + "\u{0}" + (config.password ?? "")).utf8).base64EncodedString()
                try await say("AUTH PLAIN \(token)")
                _ = try await expect([235], after: "sign-in (AUTH PLAIN as \(user))")
            }
            try await say("MAIL FROM:<\(config.from)>")
            _ = try await expect([250], after: "MAIL FROM")
            for r in message.to {
                try await say("RCPT TO:<\(r)>")
                _ = try await expect([250, 251], after: "RCPT TO \(r)")
            }
            try await say("DATA")
            _ = try await expect([354], after: "DATA")
            // dot-stuffing: a line that starts with a dot gets another one
            let body = message.encoded().replacingOccurrences(of: "\r\n.", with: "\r\n..")
            try await outbound.write(ByteBuffer(string: (body.hasPrefix(".") ? "." : "") + body + "\r\n.\r\n"))
            _ = try await expect([250], after: "the message")
            try? await say("QUIT")
            _ = try? await reply()
        }
    }
}
