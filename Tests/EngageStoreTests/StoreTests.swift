import EngageCore
import EngageStore
import EngageTestSupport
import Foundation
import Testing

@Suite(.tags(.medium)) struct StoreTests {
    @Test func migrationsAreRecordedAndIdempotent() async throws {
        try await withTempDir { dir in
            let store = try SQLiteStore(path: dir + "/a.sqlite")
            #expect(try await store.migrate() == Migrations.latest)
            #expect(try await store.migrate() == Migrations.latest)
            #expect(try await store.counts()["accounts"] == 0)
        }
    }

    @Test func aNewerSchemaIsRefused() async throws {
        try await withTempDir { dir in
            let store = try SQLiteStore(path: dir + "/a.sqlite")
            try await store.migrate()
            _ = try await store.withImport(source: "test") { _ in 0 }
            // simulate a database written by a newer Engage
            let newer = try SQLiteStore(path: dir + "/a.sqlite")
            try await newer.executeForTests("INSERT INTO engage_schema(version) VALUES (999)")
            await #expect(throws: StoreError.self) { try await SQLiteStore(path: dir + "/a.sqlite").migrate() }
        }
    }

    @Test func aFailedImportRollsBack() async throws {
        try await withStore { store, _ in
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

    @Test func walAndForeignKeysAreOn() async throws {
        try await withStore { store, _ in
            let journal = try await store.pragmaForTests("journal_mode")
            let keys = try await store.pragmaForTests("foreign_keys")
            #expect(journal == "wal")
            #expect(keys == "1")
        }
    }
}
