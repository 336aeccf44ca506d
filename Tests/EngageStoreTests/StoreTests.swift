import EngageCore
import EngageStore
import EngageTestSupport
import Foundation
import Testing

@Suite(.tags(.medium)) struct StoreTests {
    @Test(arguments: engines) func migrationsAreRecordedAndIdempotent(engine: Engine) async throws {
        try await withStore(engine) { store, _ in
            let first = try await store.migrate()
            let again = try await store.migrate()
            let counts = try await store.counts()
            #expect(first == Migrations.latest)
            #expect(again == Migrations.latest)
            #expect(counts["accounts"] == 0)
        }
    }

    @Test(arguments: engines) func aNewerSchemaIsRefused(engine: Engine) async throws {
        try await withStore(engine) { store, _ in
            try await store.executeForTests("INSERT INTO engage_schema (version) VALUES (999)")
            let error = await #expect(throws: StoreError.self) { try await store.migrate() }
            #expect(error?.description.contains("schema version 999, newer than this Engage knows") == true)
            try await store.executeForTests("DELETE FROM engage_schema WHERE version = 999")
        }
    }

    @Test(arguments: engines) func aFailedImportRollsBack(engine: Engine) async throws {
        try await withStore(engine) { store, _ in
            struct Boom: Error {}
            await #expect(throws: Boom.self) {
                try await store.withImport(source: "test") { s in
                    _ = try await s.upsert(accounts: [Account(accountID: "a", network: "vk")])
                    throw Boom()
                }
            }
            #expect(try await store.accounts().isEmpty)
            // and the store is usable afterwards
            _ = try await store.withImport(source: "test") { s in try await s.upsert(accounts: [Account(accountID: "b", network: "vk")]) }
            #expect(try await store.accounts().map(\.accountID) == ["b"])
        }
    }

    /// A post always has its account: on SQLite through the foreign key; on PostgreSQL the
    /// import checks each account once (migration 10) and a trigger refuses deleting or
    /// renaming an account that has posts, as the key did.
    @Test(arguments: engines) func postsKeepTheirAccount(engine: Engine) async throws {
        try await withStore(engine) { store, _ in
            let day = LocalDate(year: 2026, month: 3, day: 2)
            let post: @Sendable (String, String) -> PostRow = { id, account in PostRow(postID: id, accountID: account, publishedAt: 1_772_400_000, date: day, hour: 9) }
            _ = try await store.withImport(source: "test") { s in
                _ = try await s.upsert(accounts: [Account(accountID: "a", network: "vk"), Account(accountID: "empty", network: "vk")])
                return try await s.upsert(posts: [post("p1", "a")])
            }
            // a batch naming an unknown account is refused and nothing of the import stays
            await #expect(throws: (any Error).self) {
                try await store.withImport(source: "test") { s in
                    _ = try await s.upsert(posts: [post("p2", "a")])
                    return try await s.upsert(posts: [post("p3", "a"), post("p4", "ghost")])
                }
            }
            #expect(try await store.counts()["posts"] == 1)
            await #expect(throws: (any Error).self) { try await store.executeForTests("DELETE FROM accounts WHERE account_id = 'a'") }
            await #expect(throws: (any Error).self) { try await store.executeForTests("UPDATE accounts SET account_id = 'b' WHERE account_id = 'a'") }
            try await store.executeForTests("UPDATE accounts SET name = 'A' WHERE account_id = 'a'")
            try await store.executeForTests("DELETE FROM accounts WHERE account_id = 'empty'")
            #expect(try await store.accounts().map(\.accountID) == ["a"])
        }
    }

    /// A large import on PostgreSQL leaves statistics behind (the planner picks the
    /// top-posts index only with them); a small one does not pay for ANALYZE.
    @Test func aLargePostgresImportTakesStatistics() async throws {
        guard engines.contains(.postgres) else { return }
        try await withStore(.postgres) { store, dir in
            let tuples = { try await store.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = 'posts'::regclass").first?.first?.int ?? -2 }
            var posts = "post_id,account_id,published_at,likes,reach\n"
            for i in 0..<100 { posts += "s\(i),a,2026-03-01T10:00:00Z,\(i),\(i * 10)\n" }
            guard case .success = try await importFiles(["accounts.csv": "account_id,network\na,vk\n", "posts.csv": posts], into: store, dir: dir) else {
                Issue.record("refused"); return
            }
            #expect(try await tuples() == -1, "100 posts: no ANALYZE")
            posts = "post_id,account_id,published_at,likes,reach\n"
            for i in 0..<10_000 { posts += "p\(i),a,2026-03-\(String(format: "%02d", i % 28 + 1))T10:00:00Z,\(i % 97),\(i)\n" }
            guard case .success = try await importFiles(["posts.csv": posts], into: store, dir: dir) else { Issue.record("refused"); return }
            #expect(try await tuples() == 10_100)
        }
    }

    @Test func sqliteUsesWALAndForeignKeys() async throws {
        try await withTempDir { dir in
            let store = try SQLiteStore(path: dir + "/a.sqlite")
            try await store.migrate()
            let journal = try await store.pragmaForTests("journal_mode")
            let keys = try await store.pragmaForTests("foreign_keys")
            #expect(journal == "wal")
            #expect(keys == "1")
        }
    }

    @Test func postgresTargets() throws {
        let t = try PostgresTarget(url: "postgres://ann:s%3Acret@db.local:6543/engage?sslmode=require&schema=team_a&pool_size=4")
        #expect(t.host == "db.local")
        #expect(t.port == 6543)
        #expect(t.username == "ann")
        #expect(t.password == "s:cret")
        #expect(t.database == "engage")
        #expect(t.sslmode == "require")
        #expect(t.schema == "team_a")
        #expect(t.poolSize == 4)
        #expect(t.display == "postgres://ann:***@db.local:6543/engage?sslmode=require&schema=team_a&pool_size=4")
        #expect(throws: StoreError.self) { try PostgresTarget(url: "postgres://a@b/c?sslmode=sometimes") }
        #expect(throws: StoreError.self) { try PostgresTarget(url: "postgres://a@b/c?schema=x;drop") }
    }

    @Test func anUnreachableServerIsAOneLineErrorWithTheTargetMasked() async throws {
        // nothing listens on port 1 of the loopback
        let store = try openStore(target: "postgres://engage:secret@127.0.0.1:1/engage?sslmode=disable")
        let error = await #expect(throws: StoreError.self) { try await store.migrate() }
        let text = error?.description ?? ""
        #expect(text.hasPrefix("cannot reach PostgreSQL at postgres://engage:***@127.0.0.1:1/engage"))
        #expect(!text.contains("secret"))
        #expect(!text.contains("\n"))
    }
}

@Suite struct RollupSliceTextTests {
    /// The stored text of a day's slices, as it was first written (strings joined): the
    /// byte-level encoder must write the same text, and decoding it gives the slices back.
    @Test func slicesEncodeAsBeforeAndDecodeBack() {
        var rng = SystemRandomNumberGenerator()
        let values = ["", "0", "9", "10", "23", "photo", "Новости", "50% off", "tab\there", "line\nbreak", "cr\rlf", "%25", "émoji 🎉", "a\tb%c\nd"]
        let numbers = [0, 1, -1, 9, 10, 99, 100, -12_345, Int.max / 3, -(Int.max / 3), Int.max, Int.min + 1]
        for _ in 0..<300 {
            var day = RollupDay()
            for _ in 0..<Int.random(in: 0...12, using: &rng) {
                let key = RollupDay.SliceKey(dimension: SliceDimension.allCases.randomElement(using: &rng)!, value: values.randomElement(using: &rng)!)
                day.slices[key] = RollupDay.SliceSums(posts: numbers.randomElement(using: &rng)!, engagements: numbers.randomElement(using: &rng)!)
            }
            let reference: String = day.slices.sorted { $0.key < $1.key }.map { k, v in
                let escaped = k.value.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\t", with: "%09")
                    .replacingOccurrences(of: "\n", with: "%0A").replacingOccurrences(of: "\r", with: "%0D")
                return "\(k.dimension.rawValue)\t\(escaped)\t\(v.posts)\t\(v.engagements)" as String
            }.joined(separator: "\n")
            let text = day.encodeSlices()
            #expect(text == reference)
            #expect(RollupDay.decodeSlices(text) == day.slices)
        }
    }
}
