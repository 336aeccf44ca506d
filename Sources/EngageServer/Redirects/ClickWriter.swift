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
    typealias Done = @Sendable ((any Error)?) -> Void
    /// Who hears of a click: a closure called on some thread, or one run on an event loop
    /// (a batch's answers on one loop go there as one task, not a task and a wake-up each).
    private enum Waiter {
        case anywhere(Done)
        case on(any EventLoop, Done)
    }
    private var pending: [(ClickRow, Waiter)] = []
    private var flushing = false

    init(store: any Store) { self.store = store }

    /// Calls `done` (on some thread) once `click` is committed, or with the error that kept
    /// it from being stored.
    func enqueue(_ click: ClickRow, done: @escaping Done) { enqueue(click, .anywhere(done)) }

    /// Runs `done` on `loop` once `click` is committed (or with the error that kept it from
    /// being stored).
    func enqueue(_ click: ClickRow, on loop: any EventLoop, done: @escaping Done) { enqueue(click, .on(loop, done)) }

    private func enqueue(_ click: ClickRow, _ waiter: Waiter) {
        let start = lock.withLock { () -> Bool in
            pending.append((click, waiter))
            if flushing { return false }
            flushing = true
            return true
        }
        if start { Task { await self.flushLoop() } }
    }

    /// Tells a batch's waiters how it went: those of one event loop in one task there.
    private static func tell(_ batch: [(ClickRow, Waiter)], _ error: (any Error)?) {
        var loops: [ObjectIdentifier: (loop: any EventLoop, done: [Done])] = [:]
        for (_, w) in batch {
            switch w {
            case .anywhere(let done): done(error)
            case .on(let loop, let done): loops[ObjectIdentifier(loop), default: (loop, [])].done.append(done)
            }
        }
        for (_, l) in loops {
            let done = l.done
            l.loop.execute { for d in done { d(error) } }
        }
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
            let batch = lock.withLock { () -> [(ClickRow, Waiter)] in
                let b = pending
                pending = []
                if b.isEmpty { flushing = false }
                return b
            }
            if batch.isEmpty { return }
            do {
                try await write(batch.map(\.0))
                Self.tell(batch, nil)
            } catch {
                Self.tell(batch, error)
            }
        }
    }

    private func write(_ clicks: [ClickRow]) async throws {
        try await store.recordClicks(clicks)
    }
}
