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
    let store: any Store
    private let lock = NSLock()
    private var pending: [(ClickRow, @Sendable ((any Error)?) -> Void)] = []
    private var flushing = false

    init(store: any Store) { self.store = store }

    /// Calls `done` (on some thread) once `click` is committed, or with the error that kept
    /// it from being stored.
    func enqueue(_ click: ClickRow, done: @escaping @Sendable ((any Error)?) -> Void) {
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
    func record(_ click: ClickRow) async throws {
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
            let batch = lock.withLock { () -> [(ClickRow, @Sendable ((any Error)?) -> Void)] in
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

    private func write(_ clicks: [ClickRow]) async throws {
        try await store.recordClicks(clicks)
    }
}
