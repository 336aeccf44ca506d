import EngageCore
import EngageStore
import Foundation
import Hummingbird
import Crypto
import Metrics
import NIOCore
import NIOHTTPTypes
import HTTPTypes
import Logging
import Synchronization

/// `GET /r/{code}`: a 302 to the tracked link's stored target, after its click is durable.
///
/// On SQLite a redirect read in the channel pipeline is answered once its click is in the
/// click log (`SQLiteClickLog`): each event loop writes the clicks of its turn with one
/// append to its own file, with no hand-off to another thread, and the log is folded into
/// the database every 100 ms (and before any read, and when the server stops). Otherwise
/// clicks are written in batches (group commit): every request waiting for its click joins
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
    /// The click log of an SQLite store (nil on PostgreSQL, or when another process holds it).
    let log: SQLiteClickLog?
    /// Clicks of each event loop's turn, appended together (touched only on that loop).
    private final class LoopBatch: @unchecked Sendable {
        var items: [(ClickRow, Done)] = []
    }
    private let loopBatches = Mutex<[ObjectIdentifier: LoopBatch]>([:])

    init(store: any Store, log: SQLiteClickLog? = nil) {
        self.store = store
        self.log = log
        guard log != nil else { return }
        // folded every 100 ms while the server runs (the task ends with the writer)
        Task { [weak self] in
            while true {
                try? await Task.sleep(for: .milliseconds(100))
                guard let self else { return }
                await self.fold()
            }
        }
    }

    /// When a failed fold was last logged (nil: the last fold went through).
    private let foldFailureLogged = Mutex<ContinuousClock.Instant?>(nil)

    /// Writes the click log's clicks into the database. A failure (a full disk, say) is
    /// retried at the next tick and logged at most once a minute while it lasts: ten lines a
    /// second would fill the disk further.
    func fold() async {
        guard let log, log.unfolded > 0, let sqlite = store as? SQLiteStore else { return }
        do {
            try await sqlite.foldClickLog()
            foldFailureLogged.withLock { $0 = nil }
        } catch {
            let now = ContinuousClock.now
            let due = foldFailureLogged.withLock { last in
                guard last.map({ now - $0 >= .seconds(60) }) ?? true else { return false }
                last = now
                return true
            }
            if due { Logger(label: "engage.redirects").error("clicks not folded into the database yet (kept in the click log, retried every 100 ms): \(error)") }
        }
    }

    /// Calls `done` (on some thread) once `click` is committed, or with the error that kept
    /// it from being stored.
    func enqueue(_ click: ClickRow, done: @escaping Done) { enqueue(click, .anywhere(done)) }

    /// Runs `done` on `loop` once `click` is durable (or with the error that kept it from
    /// being stored); called on `loop`. With a click log the clicks of the loop's turn are
    /// appended together once the loop has read what it had to read, then answered there;
    /// without one they join the group commit.
    func enqueue(_ click: ClickRow, on loop: any EventLoop, done: @escaping Done) {
        guard let log else { return enqueue(click, .on(loop, done)) }
        let key = ObjectIdentifier(loop)
        let batch = loopBatches.withLock { batches in
            if let b = batches[key] { return b }
            let b = LoopBatch()
            batches[key] = b
            return b
        }
        batch.items.append((click, done))
        guard batch.items.count == 1 else { return }
        loop.execute {
            let items = batch.items
            batch.items = []
            var failure: (any Error)?
            do { try log.append(items.map(\.0), lane: key) } catch {
                Logger(label: "engage.redirects").error("click not recorded: \(error)")
                failure = error
            }
            for (_, done) in items { done(failure) }
        }
    }

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
        await fold()
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
