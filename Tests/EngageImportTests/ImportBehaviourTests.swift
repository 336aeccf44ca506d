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

    /// Posts go to SQLite 64 to a statement when none is stored yet; a chunk holding a stored
    /// post (or a repeat of this import) falls back to row by row. Over files of several
    /// chunks: each post stored once with the file's latest values, the rollup kept exactly,
    /// a repeated id refused at its line.
    @Test(arguments: engines) func postsInChunksOfSixtyFourMixNewReplacedAndRepeated(engine: Engine) async throws {
        try await withStore(engine) { store, dir in
            let header = "post_id,account_id,published_at,type,likes,comments,shares,views,reach\n"
            func row(_ i: Int, likes: Int, day: Int) -> String {
                "q\(i),\(i % 3 == 0 ? "tg_comp" : "vk_main"),2026-03-\(String(format: "%02d", day))T1\(i % 10):00:00Z,photo,\(likes),\(i % 4),1,\(100 + i),\(50 + i)\n"
            }
            // 150 posts: two whole chunks and 22 more
            let first = header + (0..<150).map { row($0, likes: $0, day: 1 + $0 % 20) }.joined()
            guard case .success(let a) = try await importFiles(["accounts.csv": accountsCSV, "posts.csv": first], into: store, dir: dir) else {
                Issue.record("refused"); return
            }
            #expect(a.rows == 152)
            // 200 posts: 40 new, then one stored post (changed) amid new ones, then all of
            // the stored ones again — half of them changed (likes + 1000, another day)
            var second = header + (150..<190).map { row($0, likes: $0, day: 3) }.joined()
            second += row(7, likes: 7_000, day: 28)
            second += (190..<200).map { row($0, likes: $0, day: 4) }.joined()
            second += (0..<150).filter { $0 != 7 }.map { $0 % 2 == 0 ? row($0, likes: $0 + 1000, day: 21 + $0 % 7) : row($0, likes: $0, day: 1 + $0 % 20) }.joined()
            guard case .success(let b) = try await importFiles(["posts.csv": second], into: store, dir: dir) else { Issue.record("refused"); return }
            #expect(b.rows == 200)
            #expect(try await store.counts()["posts"] == 200)
            let march = Period(from: LocalDate(year: 2026, month: 3, day: 1), to: LocalDate(year: 2026, month: 3, day: 31))
            var query = PostListQuery(period: march)
            query.perPage = 500
            let stored = Dictionary(uniqueKeysWithValues: try await Posts(store: store).page(query).posts.map { ($0.post.postID, $0.post) })
            #expect(stored.count == 200)
            for i in 0..<200 {
                let likes = i == 7 ? 7_000 : i < 150 && i % 2 == 0 ? i + 1000 : i
                #expect(stored["q\(i)"]?.likes == likes, "q\(i)")
            }
            #expect(stored["q7"]?.date == LocalDate(year: 2026, month: 3, day: 28))
            #expect(stored["q4"]?.date == LocalDate(year: 2026, month: 3, day: 25))
            let figures = try #require(try await store.accountFigures(period: march, accountIDs: nil)["vk_main"])
            let vk = (0..<200).filter { $0 % 3 != 0 }
            #expect(figures.posts == vk.count)
            #expect(figures.likes == vk.reduce(0) { $0 + ($1 == 7 ? 7_000 : $1 < 150 && $1 % 2 == 0 ? $1 + 1000 : $1) })
            let incremental = try await store.rollupSnapshot()
            try await store.rebuildRollups()
            #expect(try await store.rollupSnapshot() == incremental)
            // a repeat of this import's own post inside a chunk of new ones: refused at its line
            let repeated = header + (300..<340).map { row($0, likes: 1, day: 2) }.joined() + row(310, likes: 2, day: 2)
                + (340..<400).map { row($0, likes: 1, day: 2) }.joined()
            guard case .failure(let e) = try await importFiles(["posts.csv": repeated], into: store, dir: dir) else { Issue.record("accepted"); return }
            #expect(e.errors.map(\.description) == ["posts.csv:42:1: post_id: duplicate 'q310': this import already has a row with it"])
            #expect(try await store.counts()["posts"] == 200)
            #expect(try await store.rollupSnapshot() == incremental)
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

    /// A first import into empty tables (PostgreSQL then looks up only ids whose hash it
    /// wrote before): a post repeated two batches later is still refused at its line, and one
    /// repeated within a batch too; nothing is written.
    @Test(arguments: engines) func aFirstImportStillFindsRepeatedPostsAcrossBatches(engine: Engine) async throws {
        try await withStore(engine) { store, dir in
            var posts = "post_id,account_id,published_at,likes\n"
            for i in 0..<7 { posts += "p\(i),vk_main,2026-03-01T10:00:00Z,\(i)\n" }
            posts += "p1,vk_main,2026-03-02T10:00:00Z,9\n"   // line 9: p1 was in the first batch
            posts += "p8,vk_main,2026-03-02T10:00:00Z,9\np8,vk_main,2026-03-02T10:00:00Z,9\n"  // lines 10, 11: one batch
            try write(["accounts.csv": accountsCSV, "posts.csv": posts], to: dir)
            do {
                _ = try await Importer(store: store, now: testNow, batchSize: 3).importFolder(dir)
                Issue.record("accepted")
            } catch let e as ImportFailed {
                #expect(e.errors.map(\.description) == [
                    "posts.csv:9:1: post_id: duplicate 'p1': this import already has a row with it",
                    "posts.csv:11:1: post_id: duplicate 'p8': this import already has a row with it",
                ])
            }
            let counts = try await store.counts()
            #expect(counts["posts"] == 0)
            #expect(counts["post_rollup"] == 0)
            // the same file without the repeats: every post stored once, the rollup exact
            let clean = posts.split(separator: "\n").enumerated().filter { ![8, 10].contains($0.offset) }.map { $0.element + "\n" }.joined()
            guard case .success(let r) = try await importFiles(["accounts.csv": accountsCSV, "posts.csv": clean], into: store, dir: dir) else {
                Issue.record("refused"); return
            }
            #expect(r.rows == 2 + 8)
            #expect(try await store.counts()["posts"] == 8)
            let incremental = try await store.rollupSnapshot()
            try await store.rebuildRollups()
            #expect(try await store.rollupSnapshot() == incremental)
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
