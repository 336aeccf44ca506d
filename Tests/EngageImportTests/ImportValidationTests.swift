import EngageCore
import EngageImport
import EngageStore
import EngageTestSupport
import Testing

/// Every refused import names file:line:column and leaves the database unchanged.
@Suite(.tags(.medium)) struct ImportValidationTests {
    let daily = "account_id,date,followers\nvk_main,2026-03-01,100\n"
    let posts = "post_id,account_id,published_at,likes\np1,vk_main,2026-03-01T10:00:00+03:00,5\n"

    /// Imports a good base, then `bad`; expects exactly `errors`, and no change.
    func expectRefused(_ engine: Engine, _ bad: [String: String], _ errors: [String], sourceLocation: SourceLocation = #_sourceLocation) async throws {
        try await withStore(engine) { store, dir in
            guard case .success = try await importFiles(["accounts.csv": accountsCSV, "account_daily.csv": daily, "posts.csv": posts], into: store, dir: dir)
            else { Issue.record("base import failed", sourceLocation: sourceLocation); return }
            let before = try await store.counts()
            let rollupBefore = try await store.rollupSnapshot()
            let result = try await importFiles(bad, into: store, dir: dir)
            guard case .failure(let f) = result else { Issue.record("import was accepted", sourceLocation: sourceLocation); return }
            #expect(f.errors.map(\.description) == errors, sourceLocation: sourceLocation)
            let after = try await store.counts()  // the refused run leaves no trace, not even in `imports`
            #expect(after == before, sourceLocation: sourceLocation)
            #expect(try await store.rollupSnapshot() == rollupBefore, sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: engines) func missingRequiredColumn(engine: Engine) async throws {
        try await expectRefused(engine, ["posts.csv": "post_id,published_at\np9,2026-03-01T10:00:00Z\n"],
                                ["posts.csv:1:1: missing required column 'account_id' (required: post_id, account_id, published_at)"])
    }

    @Test(arguments: engines) func badNumbersNegativeCountsAndEmptyRequiredValues(engine: Engine) async throws {
        try await expectRefused(engine, ["posts.csv": "post_id,account_id,published_at,likes,comments\np9,vk_main,2026-03-01T10:00:00Z,12x,-3\n,vk_main,2026-03-01T10:00:00Z,1,1\n"], [
            "posts.csv:2:33: likes: expected a whole number, got '12x'",
            "posts.csv:2:37: comments: must not be negative, got -3",
            "posts.csv:3:1: post_id: a value is required",
        ])
    }

    @Test(arguments: engines) func unknownAccount(engine: Engine) async throws {
        try await expectRefused(engine, ["account_daily.csv": "account_id,date,followers\nnope,2026-03-02,5\n"],
                                ["account_daily.csv:2:1: account_id: unknown account 'nope' (not in accounts.csv of this or an earlier import)"])
    }

    @Test(arguments: engines) func duplicateIdWithinAFile(engine: Engine) async throws {
        try await expectRefused(engine, ["posts.csv": "post_id,account_id,published_at\np7,vk_main,2026-03-01T10:00:00Z\np7,vk_main,2026-03-02T10:00:00Z\n"],
                                ["posts.csv:3:1: post_id: duplicate 'p7': this import already has a row with it"])
    }

    @Test(arguments: engines) func datesInTheFuture(engine: Engine) async throws {
        try await expectRefused(engine, ["account_daily.csv": "account_id,date,followers\nvk_main,2026-11-25,5\n",
                                 "posts.csv": "post_id,account_id,published_at\np8,vk_main,2026-11-26T10:00:00Z\n"], [
            "account_daily.csv:2:9: date: 2026-11-25 is in the future (later than tomorrow)",
            "posts.csv:2:12: published_at: '2026-11-26T10:00:00Z' is in the future (more than a day ahead)",
        ])
    }

    @Test(arguments: engines) func badTimestampBoolAndTimezone(engine: Engine) async throws {
        try await expectRefused(engine, [
            "accounts.csv": "account_id,network,competitor,timezone\nx1,vk,maybe,Mars/Olympus\n",
            "posts.csv": "post_id,account_id,published_at\np8,vk_main,01.03.2026 10:00\n",
        ], [
            "accounts.csv:2:7: competitor: expected true/false, 1/0, yes/no or да/нет, got 'maybe'",
            "accounts.csv:2:13: timezone: unknown IANA time zone 'Mars/Olympus' (e.g. Europe/Moscow)",
            "posts.csv:2:12: published_at: expected an ISO 8601 timestamp like 2026-03-01T09:30:00+03:00, got '01.03.2026 10:00'",
        ])
    }

    @Test(arguments: engines) func brokenQuoting(engine: Engine) async throws {
        try await expectRefused(engine, ["posts.csv": "post_id,account_id,published_at,text\np8,vk_main,2026-03-01T10:00:00Z,\"never closed\n"],
                                ["posts.csv:2:33: quoted field is not closed before the end of the file"])
    }

    @Test(arguments: engines) func replyBeforeQuestion(engine: Engine) async throws {
        try await expectRefused(engine, ["messages.csv": "message_id,account_id,received_at,replied_at\nm1,vk_main,2026-03-01T10:00:00Z,2026-03-01T09:00:00Z\n"],
                                ["messages.csv:2:33: replied_at: the reply is earlier than received_at"])
    }

    @Test(arguments: engines) func errorsAreListedUpToTheLimit(engine: Engine) async throws {
        try await withStore(engine) { store, dir in
            var text = "account_id,network\n"
            for i in 0..<300 { text += "a\(i),\n" }
            try write(["accounts.csv": text], to: dir)
            do {
                _ = try await Importer(store: store, now: testNow, maxErrors: 25).importFolder(dir)
                Issue.record("accepted")
            } catch let e as ImportFailed {
                #expect(e.errors.count == 25)
                #expect(e.truncated)
                #expect(e.errors[0].description == "accounts.csv:2:4: network: a value is required")
            }
            #expect(try await store.counts()["accounts"] == 0)
        }
    }

    @Test(arguments: engines) func unknownFilesAndColumnsAreWarningsNotErrors(engine: Engine) async throws {
        try await withStore(engine) { store, dir in
            let r = try await importFiles(["accounts.csv": "account_id,network,colour\na1,vk,red\n", "notes.txt": "hello"], into: store, dir: dir)
            guard case .success(let s) = r else { Issue.record("refused"); return }
            #expect(s.warnings.map(\.description) == [
                "notes.txt:0:0: skipped: not recognised as a contract file or a native export (see docs/import.md)",
                "accounts.csv:1:20: unknown column 'colour' ignored",
            ])
            #expect(s.rows == 1)
        }
    }
}
