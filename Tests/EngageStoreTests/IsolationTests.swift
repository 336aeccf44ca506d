import EngageCore
import EngageImport
import EngageStore
import EngageTestSupport
import Foundation
import Testing


/// An import in progress is invisible to everyone else and holds nobody up for long: before
/// the fix, on SQLite, an import ran on the only connection, so readers saw its rows before
/// commit and other writes failed or waited for it.
@Suite(.tags(.medium)) struct IsolationTests {
    /// Opens an import that writes 100 accounts and then waits for `release`; it is refused
    /// (rolled back) when `refuse`, else committed.
    func heldImport(_ store: any Store, started: Gate, release: Gate, refuse: Bool) -> Task<Void, Error> {
        Task {
            try await store.withImport(source: "held") { session in
                _ = try await session.upsert(accounts: (1...100).map { Account(accountID: "held\($0)", network: "vk") })
                await started.open()
                await release.wait()
                if refuse { throw StoreError("refused on purpose") }
            }
        }
    }

    static func click(_ i: Int) -> ClickRow {
        ClickRow(code: "c1", at: testNow + Int64(i), visitor: "v\(i)", userAgent: "Mozilla/5.0", agentClass: "browser", referrer: nil, isBot: false, occurrence: i)
    }

    @Test(arguments: engines) func anImportIsInvisibleUntilItCommits(engine: Engine) async throws {
        try await withStore(engine) { store, dir in
            guard case .success = try await importFiles(["accounts.csv": accountsCSV], into: store, dir: dir) else { Issue.record("base refused"); return }
            let version = try await store.dataVersion()
            let started = Gate(), release = Gate()
            let refused = heldImport(store, started: started, release: release, refuse: true)
            await started.wait()
            #expect(try await store.accounts().count == 2)
            #expect(try await store.counts()["accounts"] == 2)
            #expect(try await store.dataVersion() == version)
            await release.open()
            await #expect(throws: StoreError.self) { try await refused.value }
            #expect(try await store.accounts().count == 2)
            #expect(try await store.dataVersion() == version)

            let started2 = Gate(), release2 = Gate()
            let committed = heldImport(store, started: started2, release: release2, refuse: false)
            await started2.wait()
            #expect(try await store.accounts().count == 2)
            await release2.open()
            try await committed.value
            #expect(try await store.accounts().count == 102)
            #expect(try await store.dataVersion() > version)
        }
    }

    /// Redirects are answered only once their click is durable; during an import that is
    /// still within moments, and every click lands in `clicks` afterwards.
    @Test(arguments: engines) func clicksDoNotWaitForAnImport(engine: Engine) async throws {
        try await withStore(engine) { store, _ in
            let started = Gate(), release = Gate()
            let held = heldImport(store, started: started, release: release, refuse: false)
            await started.wait()
            let clock = ContinuousClock()
            let took = try await clock.measure {
                for i in 1...3 { try await store.recordClicks((0..<50).map { Self.click(i * 100 + $0) }) }
            }
            // the import is held until released: clicks that waited for it would wait forever
            // (the bound is loose for a loaded CI machine; 0.1–0.7 s when idle)
            #expect(took < .seconds(10), "clicks waited \(took) for the import")
            if let sqlite = store as? SQLiteStore { #expect(try await sqlite.spooledClicks() == 150) }
            #expect(try await store.counts()["clicks"] == 0 || engine == .postgres)
            await release.open()
            try await held.value
            // the next batch moves the spooled ones in; none is stored twice
            try await store.recordClicks([Self.click(1)])
            if let sqlite = store as? SQLiteStore { #expect(try await sqlite.spooledClicks() == 0) }
            #expect(try await store.counts()["clicks"] == 151)
        }
    }

    /// A crash between moving spooled clicks in and removing them from the spool stores
    /// nothing twice: moving in is idempotent.
    @Test func spooledClicksSurviveAReopenAndAreNotDoubled() async throws {
        try await withTempDir { dir in
            let path = dir + "/engage.sqlite"
            let store = try SQLiteStore(path: path)
            try await store.migrate()
            let started = Gate(), release = Gate()
            let held = heldImport(store, started: started, release: release, refuse: false)
            await started.wait()
            try await store.recordClicks((0..<20).map { Self.click($0) })
            #expect(try await store.spooledClicks() == 20)
            await release.open()
            try await held.value
            // a second store on the same file (a restart) moves them in when it opens
            let reopened = try SQLiteStore(path: path)
            try await reopened.migrate()
            #expect(try await reopened.counts()["clicks"] == 20)
            // and the first one, which still knows of them, moves in nothing twice
            try await store.recordClicks([Self.click(0)])
            #expect(try await store.counts()["clicks"] == 20)
        }
    }
}
