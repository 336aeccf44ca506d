import EngageCore
import EngageStore
import Foundation
import Hummingbird
import Crypto
import Metrics
import NIOCore
import NIOHTTPTypes
import HTTPTypes

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

    /// The hash when today's salt is already known here (no database needed), else nil:
    /// HMAC-SHA256 of `address`, a line feed and `userAgent`, its first 16 bytes in base64url.
    func cachedHash(address: String, userAgent: String, now: Int64) -> String? {
        guard var h = lock.withLock({ current?.day == LocalDate(utcInstant: now).dayNumber ? current?.hmac : nil }) else { return nil }
        var address = address, userAgent = userAgent
        address.withUTF8 { h.update(data: UnsafeRawBufferPointer($0)) }
        h.update(data: Self.lineFeed)
        userAgent.withUTF8 { h.update(data: UnsafeRawBufferPointer($0)) }
        return h.finalize().withUnsafeBytes { Security.base64url(bytes: $0.prefix(16)) }
    }

    private static let lineFeed: [UInt8] = [0x0A]
}
