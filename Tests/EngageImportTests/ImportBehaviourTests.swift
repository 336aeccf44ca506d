import EngageCore
import EngageImport
import EngageStore
import EngageTestSupport
import Testing

@Suite(.tags(.medium)) struct ImportBehaviourTests {
    let posts = """
        post_id,account_id,published_at,type,rubric,likes,comments,shares,views,reach,clicks,spend
        p1,vk_main,2026-03-01T10:00:00+03:00,photo,news,10,2,1,100,90,3,10.00
        p2,vk_main,2026-03-01T23:30:00Z,video,,5,0,0,0,40,,
        p3,tg_comp,2026-03-02T12:00:00Z,text,,1,1,1,10,,,

        """

    @Test(arguments: engines) func reimportIsIdempotentAndUpdatesByID(engine: Engine) async throws {
        try await withStore(engine) { store, dir in
            let files = ["accounts.csv": accountsCSV, "posts.csv": posts]
            guard case .success = try await importFiles(files, into: store, dir: dir) else { Issue.record("refused"); return }
            let first = try await store.counts()
            let rollup = try await store.rollupSnapshot()
            guard case .success = try await importFiles(files, into: store, dir: dir) else { Issue.record("refused"); return }
            var again = try await store.counts()
            #expect(again["imports"] == first["imports"]! + 1)
            again["imports"] = first["imports"]
            #expect(again == first)
            #expect(try await store.rollupSnapshot() == rollup)
            // an update moves p2 to another day and changes its figures: the rollup follows
            let changed = posts.replacingOccurrences(of: "p2,vk_main,2026-03-01T23:30:00Z,video,,5,0,0,0,40,,",
                                                     with: "p2,vk_main,2026-03-05T08:00:00Z,reel,promo,7,1,0,20,40,2,5")
            guard case .success = try await importFiles(["posts.csv": changed], into: store, dir: dir) else { Issue.record("refused"); return }
            let incremental = try await store.rollupSnapshot()
            try await store.rebuildRollups()
            let rebuilt = try await store.rollupSnapshot()
            #expect(rebuilt == incremental)
            #expect(Set(rebuilt).symmetricDifference(incremental).sorted() == [])
            #expect(try await store.counts()["posts"] == 3)
        }
    }

    @Test(arguments: engines) func changingAnAccountsTimeZoneRecutsItsDays(engine: Engine) async throws {
        try await withStore(engine) { store, dir in
            _ = try await importFiles(["accounts.csv": accountsCSV, "posts.csv": posts], into: store, dir: dir)
            let march = Period(from: LocalDate(year: 2026, month: 3, day: 1), to: LocalDate(year: 2026, month: 3, day: 1))
            // p2 at 23:30 UTC is 2 March in Moscow: one post on 1 March
            #expect(try await store.accountFigures(period: march, accountIDs: ["vk_main"])["vk_main"]?.posts == 1)
            _ = try await importFiles(["accounts.csv": accountsCSV.replacingOccurrences(of: "Europe/Moscow", with: "UTC")], into: store, dir: dir)
            #expect(try await store.accountFigures(period: march, accountIDs: ["vk_main"])["vk_main"]?.posts == 2)
            let incremental = try await store.rollupSnapshot()
            try await store.rebuildRollups()
            #expect(try await store.rollupSnapshot() == incremental)
        }
    }

    @Test(arguments: engines) func russianLocaleFile(engine: Engine) async throws {
        try await withStore(engine) { store, dir in
            let ru = "\u{FEFF}post_id;account_id;published_at;likes;views;spend\r\np1;vk_main;2026-03-01T10:00:00+03:00;1 200;10 000;1 234,56\r\np2;vk_main;2026-03-02T10:00:00+03:00;5;10;0,5\r\n"
            let cost = "date;amount;account_id\n2026-03-01;99,90;vk_main\n"
            let r = try await importFiles(["accounts.csv": accountsCSV, "posts.csv": ru, "costs.csv": cost], into: store, dir: dir)
            guard case .success(let s) = r else { Issue.record("refused: \(r)"); return }
            #expect(s.rows == 5)
            let p = Period(from: LocalDate(year: 2026, month: 3, day: 1), to: LocalDate(year: 2026, month: 3, day: 31))
            let f = try #require(try await store.accountFigures(period: p, accountIDs: nil)["vk_main"])
            #expect(f.likes == 1205)
            #expect(f.views == 10_010)
            #expect(f.spendCents == 123_456 + 50 + 9990)
        }
    }

    @Test(arguments: engines) func identicalCostRowsAreKeptOnceEachAndNotDuplicatedOnReimport(engine: Engine) async throws {
        try await withStore(engine) { store, dir in
            let costs = "date,amount,account_id,note\n2026-03-01,100,vk_main,ad\n2026-03-01,100,vk_main,ad\n"
            _ = try await importFiles(["accounts.csv": accountsCSV, "costs.csv": costs], into: store, dir: dir)
            _ = try await importFiles(["costs.csv": costs], into: store, dir: dir)
            #expect(try await store.counts()["costs"] == 2)
        }
    }
}

@Suite(.tags(.medium)) struct ImportPipelineTests {
    @Test(arguments: engines) func anErrorAfterSeveralWrittenBatchesLeavesNothing(engine: Engine) async throws {
        try await withStore(engine) { store, dir in
            var posts = "post_id,account_id,published_at,rubric,likes\n"
            for i in 0..<9 { posts += "p\(i),vk_main,2026-03-01T10:00:00Z,\"tab\there, 100%\nnewline\",\(i)\n" }
            posts += "p9,vk_main,2026-03-01T10:00:00Z,\"never closed,1\n"
            try write(["accounts.csv": accountsCSV, "posts.csv": posts], to: dir)
            do {
                _ = try await Importer(store: store, now: testNow, batchSize: 2).importFolder(dir)
                Issue.record("accepted")
            } catch let e as ImportFailed {
                #expect(e.errors.map(\.description) == ["posts.csv:20:33: quoted field is not closed before the end of the file"])
            }
            let counts = try await store.counts()
            #expect(counts["posts"] == 0)
            #expect(counts["accounts"] == 0)
            #expect(counts["post_rollup"] == 0)
        }
    }

    @Test(arguments: engines) func slicesWithAwkwardRubricsSurviveTheRollup(engine: Engine) async throws {
        try await withStore(engine) { store, dir in
            var posts = "post_id,account_id,published_at,rubric,likes\n"
            for i in 0..<5 { posts += "p\(i),vk_main,2026-03-01T10:00:00Z,\"tab\there, 100%\nnewline\",\(i)\n" }
            let r = try await importFiles(["accounts.csv": accountsCSV, "posts.csv": posts], into: store, dir: dir)
            guard case .success = r else { Issue.record("refused: \(r)"); return }
            let day = Period(from: LocalDate(year: 2026, month: 3, day: 1), to: LocalDate(year: 2026, month: 3, day: 1))
            let s = try await store.postSlices(period: day, accountIDs: nil, followers: [:])
            let rubric = try #require(s["vk_main"]?[.rubric]?["tab\there, 100%\nnewline"])
            #expect(rubric.postsTotal == 5)
            #expect(rubric.engagements == 10)
            #expect(s["vk_main"]?[.hour]?["13"]?.postsTotal == 5)   // 10:00 UTC is 13:00 in Moscow
        }
    }
}
