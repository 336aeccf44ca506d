import Foundation

/// How far a running import has got, for a progress display: the file being read, its rows
/// so far and how many of its bytes have been read, then "finishing" (rollups, indexes,
/// commit). Written by the import, read by whoever shows it; nothing in it names a server
/// path (files are named as the user sent them).
public final class ImportProgress: @unchecked Sendable {
    public struct Snapshot: Sendable, Equatable {
        /// `reading` a file, or `finishing` after the last one.
        public var phase: String
        public var file: String
        public var rows: Int
        public var bytesRead: Int
        public var bytesTotal: Int
        /// Files read so far, of `filesTotal`.
        public var fileIndex: Int
        public var filesTotal: Int
    }

    private let lock = NSLock()
    private var state = Snapshot(phase: "reading", file: "", rows: 0, bytesRead: 0, bytesTotal: 0, fileIndex: 0, filesTotal: 0)

    public init() {}

    public var snapshot: Snapshot { lock.withLock { state } }

    func start(file: String, bytes: Int, index: Int, of total: Int) {
        lock.withLock { state = Snapshot(phase: "reading", file: file, rows: 0, bytesRead: 0, bytesTotal: bytes, fileIndex: index, filesTotal: total) }
    }

    func read(rows: Int, bytes: Int) {
        lock.withLock {
            state.rows = rows
            state.bytesRead = min(bytes, state.bytesTotal)
        }
    }

    func finishing() {
        lock.withLock {
            state.phase = "finishing"
            state.bytesRead = state.bytesTotal
            state.fileIndex = state.filesTotal
        }
    }
}
