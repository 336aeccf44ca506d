import EngageCore
import EngageStore
import EngageTestSupport
import Foundation
import Testing

/// The click log of a server on SQLite (`SQLiteClickLog`): what is appended is stored once,
/// what a killed process left moves in when the database is next opened, a torn last frame
/// is ignored, and only one process writes the log.
@Suite(.tags(.medium)) struct ClickLogTests {
    static func click(_ i: Int, code: String = "c1") -> ClickRow {
        ClickRow(code: code, at: testNow + Int64(i), visitor: "v\(i)", userAgent: i % 2 == 0 ? "Mozilla/5.0 (\(i % 3))" : nil,
                 agentClass: "browser", referrer: i % 5 == 0 ? "https://vk.com/wall-1_\(i)" : nil, isBot: i % 7 == 0, occurrence: i)
    }

    /// Clicks stored, counted by a store that opened no log (it reads the file as is).
    func stored(_ path: String) async throws -> Int {
        let other = try SQLiteStore(path: path)
        return try await other.counts()["clicks"] ?? -1
    }

    @Test func appendedClicksAreFoldedOnceAndReadsSeeThem() async throws {
        try await withTempDir { dir in
            let path = dir + "/engage.sqlite"
            let store = try SQLiteStore(path: path)
            try await store.migrate()
            let log = try #require(try await store.openClickLog())
            // two event loops' lanes; the second batch repeats ten clicks (stored once)
            let loops = (NSObject(), NSObject())
            let a = ObjectIdentifier(loops.0), b = ObjectIdentifier(loops.1)
            try log.append((0..<100).map { Self.click($0) }, lane: a)
            try log.append((100..<150).map { Self.click($0) } + (0..<10).map { Self.click($0) }, lane: b)
            #expect(log.unfolded == 160)
            // in the log, not in the database yet
            #expect(try await stored(path) == 0)
            #expect(SQLiteClickLog.segments(in: path + "-clicklog").count == 2)
            // a read that never looks at clicks (a redirect's link lookup) does not fold
            #expect(try await SQLiteClickLog.withoutFolding { try await store.counts()["clicks"] } == 0)
            #expect(log.unfolded == 160)
            // a read through the store folds first: it sees every click appended before it
            #expect(try await store.counts()["clicks"] == 150)
            #expect(log.unfolded == 0)
            #expect(SQLiteClickLog.segments(in: path + "-clicklog").isEmpty)
            // the clicks are the ones appended, field by field
            let rows = try await store.execute("SELECT link_code, clicked_at, visitor_hash, agent_class, referrer, is_bot, occurrence FROM clicks ORDER BY occurrence")
            #expect(rows.count == 150)
            let c = Self.click(35)
            #expect(rows[35] == [.text(c.code), .int(Int(c.at)), .text(c.visitor), .text(c.agentClass), .text(c.referrer!), .int(c.isBot ? 1 : 0), .int(c.occurrence)])
            // folding again writes nothing more
            try await store.foldClickLog()
            #expect(try await stored(path) == 150)
            withExtendedLifetime(loops) {}
        }
    }

    @Test func whatAKilledServerLeftMovesInWhenTheDatabaseIsOpenedAgain() async throws {
        try await withTempDir { dir in
            let path = dir + "/engage.sqlite"
            let store = try SQLiteStore(path: path)
            try await store.migrate()
            let log = try #require(try await store.openClickLog())
            try log.append((0..<40).map { Self.click($0) }, lane: ObjectIdentifier(NSObject()))
            // while the log is held, another process opening the database leaves it alone,
            // and cannot take the log itself
            let beside = try SQLiteStore(path: path)
            try await beside.migrate()
            #expect(try await stored(path) == 0)
            #expect(try await beside.openClickLog() == nil)
            // the server dies without folding (its lock goes with it); a torn frame at the end
            log.close()
            let file = try #require(SQLiteClickLog.segments(in: path + "-clicklog").last?.path)
            let h = try #require(FileHandle(forWritingAtPath: file))
            h.seekToEndOfFile()
            h.write(Data(SQLiteClickLog.frame((40..<45).map { Self.click($0) }).dropLast(3)))
            try h.close()
            #expect(SQLiteClickLog.read(file).count == 40)
            let reopened = try SQLiteStore(path: path)
            try await reopened.migrate()
            #expect(try await stored(path) == 40)
            #expect(SQLiteClickLog.segments(in: path + "-clicklog").isEmpty)
            // a file folded in once and left behind (a crash before its removal) is not doubled
            let again = try #require(try await reopened.openClickLog())
            try again.append((0..<40).map { Self.click($0) }, lane: ObjectIdentifier(NSObject()))
            try await reopened.foldClickLog()
            #expect(try await stored(path) == 40)
            // per-day link counts count each click once (bots aside)
            let days = try await reopened.execute("SELECT SUM(clicks) FROM link_days")
            #expect(days == [[.int((0..<40).filter { $0 % 7 != 0 }.count)]])
        }
    }

    @Test func aFrameRoundTripsEveryField() throws {
        let clicks = [ClickRow(code: "ab", at: -5, visitor: "", userAgent: "Ünïcode agent", agentClass: "bot", referrer: "", isBot: true, occurrence: Int(Int64.max)),
                      Self.click(3), Self.click(10)]
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("clicklog-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/000000000001.clicks"
        FileManager.default.createFile(atPath: file, contents: Data(SQLiteClickLog.frame(clicks) + SQLiteClickLog.frame([Self.click(4)])))
        #expect(SQLiteClickLog.read(file) == clicks + [Self.click(4)])
        // a changed byte fails the frame's checksum: it and what follows are not read
        var bytes = SQLiteClickLog.frame(clicks)
        bytes[12] ^= 1
        FileManager.default.createFile(atPath: file, contents: Data(SQLiteClickLog.frame([Self.click(1)]) + bytes))
        #expect(SQLiteClickLog.read(file) == [Self.click(1)])
    }
}
