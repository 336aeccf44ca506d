import Foundation
import Logging
import PostgresNIO

/// postgres-nio loses a query written to a connection the server has already closed: the
/// channel's handlers are gone, so the query's promise is never completed and the caller
/// waits forever (seen when the server ends a backend between two statements of an
/// import). Every statement on a leased connection goes through these wrappers, which fail
/// at once on a closed connection and otherwise race the statement against the
/// connection's close.
extension PostgresConnection {
    /// `query(_:logger:)` that throws instead of hanging when the connection closes.
    func liveQuery(_ query: PostgresQuery, logger: Logger) async throws -> PostgresRowSequence {
        try await whileOpen { try await self.query(query, logger: logger) }
    }

    /// `copyFrom` of one buffer that throws instead of hanging when the connection closes.
    func liveCopy(table: String, columns: [String], payload: ByteBuffer, logger: Logger) async throws {
        try await whileOpen {
            try await self.copyFrom(table: table, columns: columns, logger: logger) { writer in
                try await writer.write(payload)
            }
        }
    }

    /// Statements between BEGIN and COMMIT; ROLLBACK when `body` throws (skipped on a closed
    /// connection, whose transaction the server has already rolled back).
    func liveTransaction<T>(logger: Logger, begin: String = "BEGIN", _ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await liveQuery(PostgresQuery(unsafeSQL: begin), logger: logger)
        do {
            let result = try await body(self)
            try await liveQuery("COMMIT", logger: logger)
            return result
        } catch {
            if !isClosed { _ = try? await liveQuery("ROLLBACK", logger: logger) }
            throw error
        }
    }

    private func whileOpen<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        if isClosed { throw ConnectionClosed(beforeSending: true) }
        let once = Once()
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, Error>) in
            Task {
                let result: Result<T, Error>
                do { result = .success(try await operation()) } catch { result = .failure(error) }
                if once.claim() { continuation.resume(with: result) }
            }
            closeFuture.whenComplete { _ in
                if once.claim() { continuation.resume(throwing: ConnectionClosed(beforeSending: false)) }
            }
        }
    }
}

/// The server closed the connection while a statement was pending or about to be sent.
struct ConnectionClosed: Error, CustomStringConvertible {
    /// Closed before the statement was sent: safe to retry on another connection.
    var beforeSending: Bool
    var description: String { "the server closed the connection" }
}

/// A flag that can be claimed once, from any thread.
private final class Once: @unchecked Sendable {
    private let lock = NSLock()
    private var claimed = false

    func claim() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if claimed { return false }
        claimed = true
        return true
    }
}
