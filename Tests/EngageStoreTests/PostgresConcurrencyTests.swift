import EngageCore
import EngageImport
import EngageStore
import EngageTestSupport
import Foundation
import Testing

/// Several importers and readers at once on PostgreSQL.
@Suite(.tags(.large), .enabled(if: engines.contains(.postgres))) struct PostgresConcurrencyTests {
    let day = Period(from: LocalDate(year: 2026, month: 3, day: 1), to: LocalDate(year: 2026, month: 3, day: 31))

    func posts(likes: Int, count: Int) -> String {
        var s = "post_id,account_id,published_at,likes,reach\n"
        for i in 0..<count { s += "p\(i),vk_main,2026-03-\(String(format: "%02d", i % 28 + 1))T10:00:00Z,\(likes),\(i)\n" }
        return s
    }

    @Test func concurrentImportersAndReadersSeeWholeImports() async throws {
        try await withStore(.postgres) { store, dir in
            let n = 400
            guard case .success = try await importFiles(["accounts.csv": accountsCSV, "posts.csv": posts(likes: 0, count: n)], into: store, dir: dir)
            else { Issue.record("base import refused"); return }
            let importers = (1...4).map { k in
                Task { try await importFiles(["posts.csv": posts(likes: k, count: n)], into: store, dir: dir) }
            }
            let readers = (0..<3).map { _ in
                Task { () -> [Int] in
                    var seen: [Int] = []
                    for _ in 0..<15 {
                        seen.append(try await store.accountFigures(period: day, accountIDs: ["vk_main"])["vk_main"]?.likes ?? -1)
                    }
                    return seen
                }
            }
            for t in importers {
                guard case .success = try await t.value else { Issue.record("an import was refused"); return }
            }
            let allowed = Set((0...4).map { $0 * n })
            for r in readers {
                for likes in try await r.value { #expect(allowed.contains(likes), "a reader saw \(likes) likes: half of an import") }
            }
            let counts = try await store.counts()
            #expect(counts["posts"] == n)
            #expect(counts["imports"] == 5)
            let final = try await store.accountFigures(period: day, accountIDs: ["vk_main"])["vk_main"]!.likes
            #expect(allowed.contains(final) && final > 0)
            let incremental = try await store.rollupSnapshot()
            try await store.rebuildRollups()
            #expect(try await store.rollupSnapshot() == incremental)
        }
    }

    @Test func twoInstancesMigratingAtOnceAgree() async throws {
        try await withTempDir { dir in
            let target = try freshTarget(.postgres, dir: dir)
            let a = try openStore(target: target), b = try openStore(target: target)
            async let va = a.migrate()
            async let vb = b.migrate()
            let (x, y) = try await (va, vb)
            #expect(x == Migrations.latest && y == Migrations.latest)
            let pg = a as! PostgresStore
            #expect(try await pg.counts()["accounts"] == 0)
            try await pg.executeForTests("DROP SCHEMA \(pg.target.schema!) CASCADE")
        }
    }

    @Test func aMissingDatabaseIsAOneLineError() async throws {
        let url = try #require(ProcessInfo.processInfo.environment["ENGAGE_TEST_POSTGRES_URL"])
        let target = url.replacingOccurrences(of: "/engage_test", with: "/no_such_database")
        let error = await #expect(throws: StoreError.self) { try await openStore(target: target).migrate() }
        #expect(error?.description.contains("database \"no_such_database\" does not exist") == true)
        #expect(error?.description.contains("\n") == false)
    }
}

/// A wrong password.
@Suite(.tags(.large), .enabled(if: engines.contains(.postgres))) struct PostgresFailureTests {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["ENGAGE_TEST_POSTGRES_PASSWORD_URL"] != nil))
    func aWrongPasswordIsAOneLineErrorWithoutThePassword() async throws {
        let good = ProcessInfo.processInfo.environment["ENGAGE_TEST_POSTGRES_PASSWORD_URL"]!
        let bad = good.replacingOccurrences(of: ":right-password@", with: ":wrong-password@")
        let error = await #expect(throws: StoreError.self) { try await openStore(target: bad).migrate() }
        let text = error?.description ?? ""
        #expect(text.contains("password authentication failed for user \"engage_pw\""))
        #expect(text.contains("postgres://engage_pw:***@127.0.0.1"))
        #expect(!text.contains("wrong-password"))
        #expect(!text.contains("\n"))
    }
}

/// The server ends the importing connection half way through: the import fails with one
/// line naming the target, and the database keeps its previous state.
@Suite(.tags(.large), .enabled(if: engines.contains(.postgres))) struct PostgresKilledImportTests {
    @Test func aConnectionKilledMidImportLosesNothing() async throws {
        try await withStore(.postgres) { store, dir in
            let pg = store as! PostgresStore
            guard case .success = try await importFiles(["accounts.csv": accountsCSV], into: store, dir: dir)
            else { Issue.record("base import refused"); return }
            let before = try await store.counts()
            var csv = "post_id,account_id,published_at,likes,reach\n"
            for i in 0..<100_000 { csv += "k\(i),vk_main,2026-03-\(String(format: "%02d", i % 28 + 1))T10:00:00Z,\(i % 7),\(i)\n" }
            let importing = Task { try await importFiles(["posts.csv": csv], into: store, dir: dir) }
            // the backend holding the import lock is the importer's
            let lock = pg.importLockParts
            var killed = false
            for _ in 0..<600 where !killed {
                let ended = try await pg.textForTests("""
                    SELECT pg_terminate_backend(pid)::text FROM pg_locks
                    WHERE locktype = 'advisory' AND granted AND classid::bigint = \(lock.high) AND objid::bigint = \(lock.low)
                    """)
                killed = ended.contains("true")
                if !killed { try await Task.sleep(for: .milliseconds(10)) }
            }
            #expect(killed, "the import finished before it could be ended")
            let outcome = await importing.result
            switch outcome {
            case .success(.success): Issue.record("the import succeeded although its connection was ended")
            case .success(.failure(let f)): Issue.record("refused as bad input instead of a store error: \(f)")
            case .failure(let error):
                let text = String(describing: error)
                #expect(text.contains("PostgreSQL") && text.contains("127.0.0.1"), "\(text)")
                #expect(!text.contains("\n"))
            }
            #expect(try await store.counts() == before)
            // the store still works afterwards
            guard case .success = try await importFiles(["posts.csv": "post_id,account_id,published_at\nz1,vk_main,2026-03-02T10:00:00Z\n"],
                                                        into: store, dir: dir)
            else { Issue.record("the next import was refused"); return }
            #expect(try await store.counts()["posts"] == 1)
        }
    }
}
