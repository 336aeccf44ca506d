import EngageCore
import EngageStore
import Foundation
import Hummingbird
import Crypto
import Metrics
import NIOCore
import NIOHTTPTypes
import HTTPTypes

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
        // a link's target, never its clicks: no need to fold the click log first
        let target = try await SQLiteClickLog.withoutFolding { try await Links(store: self.store).target(code: code) }.flatMap { UTMBuilder.isWebURL($0) ? $0 : nil }
        lock.withLock {
            if entries.count > 100_000 { entries.removeAll() }
            entries[code] = (target, now + (target == nil ? 5 : 60))
        }
        return target
    }
}

