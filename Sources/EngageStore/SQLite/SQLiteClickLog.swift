import EngageCore
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Where a running server's tracked-link clicks go first on SQLite: files appended beside
/// the database (`<database>-clicklog/`), one open file per event loop ("lane").
///
/// A redirect is answered once its click is in the log: the event loop that read the
/// request writes the clicks of its whole turn with one `write(2)` and answers them — no
/// hand-off to another thread, no SQLite transaction per batch. That is the same promise as
/// a commit with `synchronous = NORMAL` (what the database uses): the click survives the
/// process being killed; the kernel has it. The clicks are then *folded* into the database
/// in large batches (`fold`) off the request path: every 100 ms by the server, before any
/// read of this store (so what a page shows includes every click answered before it was
/// asked for), when the server stops, and — for a server that died — when any `engage`
/// command next opens the database.
///
/// Files are numbered; a lane closes its file at `segmentBytes` and a fold closes every
/// lane's file first, so the fold reads only closed files, oldest first, and removes each
/// once its clicks are committed. Folding is idempotent (a click already stored — same key —
/// is skipped and not counted again), so a crash between the commit and the removal
/// doubles nothing. A frame is length-prefixed and checksummed: a torn last frame (power
/// loss mid-write; its clicks were never answered) is ignored.
///
/// One process owns the directory (`flock` on `lock`): a second server on the same file
/// writes its clicks straight to the database instead, and a command run beside a live
/// server leaves the server's files alone.
public final class SQLiteClickLog: Sendable {
    public let directory: String
    private let lockFD: Int32
    private let lanes = Mutex<[ObjectIdentifier: Lane]>([:])
    /// The next file number; files below a fold's watermark are closed.
    private let nextFile: Atomic<Int>
    /// Clicks appended, and clicks appended up to the last completed fold.
    private let appended = Atomic<Int>(0)
    private let folded = Atomic<Int>(0)
    private let folding = AsyncLock()
    private let isClosed = Atomic<Bool>(false)
    /// Set while a fold writes (reads it makes do not fold again), and by reads that never
    /// look at clicks (`withoutFolding`).
    @TaskLocal static var inFold = false

    /// Runs `body` without the fold that reads of a store with a click log make first: for
    /// reads that never look at clicks and that anyone may cause (a redirect's link lookup —
    /// otherwise every unknown code asked for would cost a fold).
    public static func withoutFolding<T: Sendable>(_ body: () async throws -> T) async rethrows -> T {
        try await $inFold.withValue(true) { try await body() }
    }

    /// A lane's file is closed (and left to the next fold) once it holds this much.
    static let segmentBytes = 1 << 20
    /// Clicks written to the database per transaction when folding.
    static let foldChunk = 8_192

    private final class Lane: Sendable {
        struct File { var fd: Int32; var bytes: Int }
        let file = Mutex<File?>(nil)
    }

    /// Opens (creating) the log directory of the database at `databasePath` and takes its
    /// lock; nil when another process holds it.
    static func open(databasePath: String) throws -> SQLiteClickLog? {
        let dir = databasePath + "-clicklog"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let fd = Glibc.open(dir + "/lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw StoreError("cannot open the click log's lock: \(String(cString: strerror(errno)))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            Glibc.close(fd)
            return nil
        }
        return SQLiteClickLog(directory: dir, lockFD: fd)
    }

    private init(directory: String, lockFD: Int32) {
        self.directory = directory
        self.lockFD = lockFD
        nextFile = Atomic((Self.segments(in: directory).last?.number ?? 0) + 1)
    }

    deinit { close() }

    /// Releases the directory (a process ending does the same); files left are folded by the
    /// next owner.
    package func close() {
        guard isClosed.compareExchange(expected: false, desired: true, ordering: .sequentiallyConsistent).exchanged else { return }
        closeLaneFiles()
        flock(lockFD, LOCK_UN)
        Glibc.close(lockFD)
    }

    /// Closes every lane's open file: the next append opens a new one.
    private func closeLaneFiles() {
        lanes.withLock { lanes in
            for lane in lanes.values { lane.file.withLock { f in if let fd = f?.fd { Glibc.close(fd) }; f = nil } }
        }
    }

    /// Clicks answered and not folded into the database yet (by this process).
    public var unfolded: Int { appended.load(ordering: .acquiring) - folded.load(ordering: .acquiring) }

    /// Appends `clicks` to the file of `lane` (one per event loop: a lane is written by one
    /// thread at a time). Returns once the kernel holds them; a failed write leaves the file
    /// as it was and throws.
    public func append(_ clicks: [ClickRow], lane key: ObjectIdentifier) throws {
        guard !clicks.isEmpty else { return }
        let frame = Self.frame(clicks)
        let lane = lanes.withLock { lanes in
            if let l = lanes[key] { return l }
            let l = Lane()
            lanes[key] = l
            return l
        }
        try lane.file.withLock { f in
            if f == nil {
                let n = nextFile.wrappingAdd(1, ordering: .sequentiallyConsistent).oldValue
                let fd = Glibc.open(Self.path(directory, n), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0o600)
                guard fd >= 0 else { throw StoreError("cannot write the click log: \(String(cString: strerror(errno)))") }
                f = Lane.File(fd: fd, bytes: 0)
            }
            let fd = f!.fd
            var done = 0
            let failure: Int32? = frame.withUnsafeBytes { raw in
                while done < raw.count {
                    let w = Glibc.write(fd, raw.baseAddress! + done, raw.count - done)
                    if w < 0 { if errno == EINTR { continue }; return errno }
                    done += w
                }
                return nil
            }
            if let failure {
                // nothing of this frame stays: the next fold reads only whole frames anyway
                _ = ftruncate(fd, off_t(f!.bytes))
                throw StoreError("cannot write the click log: \(String(cString: strerror(failure)))")
            }
            f!.bytes += frame.count
            if f!.bytes >= Self.segmentBytes {
                Glibc.close(fd)
                f = nil
            }
        }
        appended.add(clicks.count, ordering: .sequentiallyConsistent)
    }

    /// Moves every click appended so far into the database through `write` (a batch at a
    /// time), oldest file first, removing each file once its clicks are written. One fold
    /// at a time; a failed write leaves its file for the next fold.
    public func fold(_ write: @Sendable ([ClickRow]) async throws -> Void) async throws {
        await folding.lock()
        do {
            try await Self.$inFold.withValue(true) { try await foldLocked(write) }
            await folding.unlock()
        } catch {
            await folding.unlock()
            throw error
        }
    }

    private func foldLocked(_ write: @Sendable ([ClickRow]) async throws -> Void) async throws {
        // counted before the files close: every click counted is in a file closed below
        let upTo = appended.load(ordering: .sequentiallyConsistent)
        closeLaneFiles()
        let watermark = nextFile.load(ordering: .sequentiallyConsistent)
        for segment in Self.segments(in: directory) where segment.number < watermark {
            let clicks = Self.read(segment.path)
            var start = 0
            while start < clicks.count {
                let end = min(start + Self.foldChunk, clicks.count)
                try await write(Array(clicks[start..<end]))
                start = end
            }
            unlink(segment.path)
        }
        folded.store(upTo, ordering: .sequentiallyConsistent)
    }

    /// Folds the files a process that has ended left (when nobody else owns the log).
    static func foldLeftovers(databasePath: String, _ write: @Sendable ([ClickRow]) async throws -> Void) async throws {
        guard FileManager.default.fileExists(atPath: databasePath + "-clicklog"),
              !segments(in: databasePath + "-clicklog").isEmpty,
              let log = try open(databasePath: databasePath) else { return }
        defer { log.close() }
        try await log.fold(write)
    }

    // MARK: files and frames

    static func path(_ dir: String, _ n: Int) -> String { dir + "/" + String(format: "%012d", n) + ".clicks" }

    /// The log's files, oldest first.
    package static func segments(in dir: String) -> [(number: Int, path: String)] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return names.compactMap { name -> (Int, String)? in
            guard name.hasSuffix(".clicks"), let n = Int(name.dropLast(7)) else { return nil }
            return (n, dir + "/" + name)
        }.sorted { $0.0 < $1.0 }
    }

    /// A frame: payload length (u32), FNV-1a of the payload (u32), then the click count and
    /// each click's fields (texts as u32 length + UTF-8; an absent text as length 0xFFFFFFFF).
    package static func frame(_ clicks: [ClickRow]) -> [UInt8] {
        var p: [UInt8] = []
        p.reserveCapacity(clicks.count * 160 + 8)
        func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { p.append(contentsOf: $0) } }
        func i64(_ v: Int64) { withUnsafeBytes(of: v.littleEndian) { p.append(contentsOf: $0) } }
        func text(_ s: String?) {
            guard let s else { return u32(.max) }
            u32(UInt32(s.utf8.count))
            p.append(contentsOf: s.utf8)
        }
        u32(UInt32(clicks.count))
        for c in clicks {
            text(c.code); i64(c.at); text(c.visitor); text(c.userAgent); text(c.agentClass); text(c.referrer)
            p.append(c.isBot ? 1 : 0); i64(Int64(c.occurrence))
        }
        var out: [UInt8] = []
        out.reserveCapacity(p.count + 8)
        withUnsafeBytes(of: UInt32(p.count).littleEndian) { out.append(contentsOf: $0) }
        withUnsafeBytes(of: fnv(p[...]).littleEndian) { out.append(contentsOf: $0) }
        out.append(contentsOf: p)
        return out
    }

    static func fnv(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var h: UInt32 = 2_166_136_261
        for b in bytes { h = (h ^ UInt32(b)) &* 16_777_619 }
        return h
    }

    /// The clicks of a file's whole, intact frames (reading stops at the first that is not).
    package static func read(_ path: String) -> [ClickRow] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        let bytes = [UInt8](data)
        var clicks: [ClickRow] = []
        var at = 0
        while at + 8 <= bytes.count {
            let length = Int(le32(bytes, at)), sum = le32(bytes, at + 4)
            guard at + 8 + length <= bytes.count, fnv(bytes[(at + 8)..<(at + 8 + length)]) == sum,
                  let frame = decode(bytes[(at + 8)..<(at + 8 + length)]) else { break }
            clicks.append(contentsOf: frame)
            at += 8 + length
        }
        return clicks
    }

    private static func le32(_ b: [UInt8], _ i: Int) -> UInt32 {
        UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24
    }

    private static func decode(_ p: ArraySlice<UInt8>) -> [ClickRow]? {
        var i = p.startIndex
        func u32() -> UInt32? {
            guard i + 4 <= p.endIndex else { return nil }
            defer { i += 4 }
            return UInt32(p[i]) | UInt32(p[i + 1]) << 8 | UInt32(p[i + 2]) << 16 | UInt32(p[i + 3]) << 24
        }
        func i64() -> Int64? {
            guard let lo = u32(), let hi = u32() else { return nil }
            return Int64(bitPattern: UInt64(lo) | UInt64(hi) << 32)
        }
        func text() -> String?? {
            guard let n = u32() else { return nil }
            if n == .max { return .some(nil) }
            guard i + Int(n) <= p.endIndex else { return nil }
            defer { i += Int(n) }
            return .some(String(decoding: p[i..<(i + Int(n))], as: UTF8.self))
        }
        guard let count = u32() else { return nil }
        var out: [ClickRow] = []
        out.reserveCapacity(Int(min(count, 1 << 16)))
        for _ in 0..<count {
            guard let code = text() ?? nil, let at = i64(), let visitor = text() ?? nil, let ua = text(),
                  let agentClass = text() ?? nil, let referrer = text(), i < p.endIndex else { return nil }
            let bot = p[i] == 1
            i += 1
            guard let occurrence = i64() else { return nil }
            out.append(ClickRow(code: code, at: at, visitor: visitor, userAgent: ua, agentClass: agentClass, referrer: referrer,
                                isBot: bot, occurrence: Int(occurrence)))
        }
        return out
    }
}
