import EngageImport
import Foundation

/// Imports running on this instance that a browser follows: an id the page chose (random,
/// sent with the upload) → the import's progress, readable only by the user who started it.
/// In memory: an upload and the requests that follow it go to the same instance when
/// nginx balances by address (docs/deployment.md); elsewhere the page simply shows no count.
final class ImportProgressBoard: @unchecked Sendable {
    private let lock = NSLock()
    private var running: [String: (user: String, progress: ImportProgress)] = [:]
    /// At most this many followed at once (each upload holds one; uploads are limited too).
    static let limit = 64

    /// A well-formed id the page chose: 16–64 letters, digits, `-` or `_`.
    static func valid(_ id: String) -> Bool {
        (16...64).contains(id.utf8.count) && id.utf8.allSatisfy { c in
            (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 45 || c == 95
        }
    }

    /// Starts following an import under `id` (nil: not followed — a bad or taken id, or too
    /// many at once; the import itself runs all the same).
    func follow(_ id: String?, user: String) -> ImportProgress? {
        guard let id, Self.valid(id) else { return nil }
        return lock.withLock {
            guard running[id] == nil, running.count < Self.limit else { return nil }
            let p = ImportProgress()
            running[id] = (user, p)
            return p
        }
    }

    func snapshot(_ id: String, user: String) -> ImportProgress.Snapshot? {
        lock.withLock { running[id].flatMap { $0.user == user ? $0.progress.snapshot : nil } }
    }

    func done(_ id: String?) {
        guard let id else { return }
        lock.withLock { _ = running.removeValue(forKey: id) }
    }
}
