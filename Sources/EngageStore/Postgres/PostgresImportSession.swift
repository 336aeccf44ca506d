import EngageCore
import PostgresNIO

/// One import's writes on a PostgreSQL connection inside its transaction. Rows go in as
/// multi-row upserts; the rows a statement did not write (its `RETURNING` leaves them out)
/// repeat an id this import already wrote.
final class PostgresImportSession: ImportSession, @unchecked Sendable {
    let store: PostgresStore
    let conn: PostgresConnection
    let importID: Int
    private(set) var rowsWritten = 0
    private(set) var keptNewer = 0
    /// Accounts whose daily rows this import changed: their follower series are rebuilt.
    private var dailyTouched: Set<String> = []
    private var rollup = PostRollup()
    private var retimed: Set<String> = []
    /// Tables whose staging table exists in this transaction.
    private var staged: Set<String> = []

    init(store: PostgresStore, conn: PostgresConnection, importID: Int) {
        self.store = store
        self.conn = conn
        self.importID = importID
    }

    /// Stay well under PostgreSQL's 65,535 parameters per statement.
    static let maxBinds = 30_000

    func knownAccounts() async throws -> [String: Account] {
        let script = SQLScript()
        let accounts = SocialReads.accounts(script)
        try await guarded { try await store.run(script, on: conn) }
        return Dictionary(accounts().map { ($0.accountID, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// Upserts `rows` (each: key values then column values); returns the indices of rows
    /// this import had already written (duplicates), in the batch or in an earlier one.
    /// `unique`: the batch's keys are unique and none was written by this import before (a
    /// click log's, numbered by occurrence): no key is sent back, only how many rows went in,
    /// which must be all of them.
    private func upsert(_ table: String, key: [String], columns: [String], rows: [[PGValue]], unique: Bool = false,
                        keyOf: (Int) -> String) async throws -> [Int] {
        var seen: Set<String> = [], dups: [Int] = [], keep: [Int] = []
        if unique { keep = Array(rows.indices) } else {
            for i in rows.indices {
                if seen.insert(keyOf(i)).inserted { keep.append(i) } else { dups.append(i) }
            }
        }
        let all = ["import_id"] + key + columns
        let sets = (columns + ["import_id"]).map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
        var written: Set<String> = []
        if !keep.isEmpty {
            // COPY the batch into a staging table, then one upsert from it: far faster than
            // multi-row VALUES with bound parameters.
            let stage = "stage_\(table)"
            if !staged.contains(table) {
                try await store.rows("CREATE TEMP TABLE \(stage) (LIKE \(table) INCLUDING DEFAULTS) ON COMMIT DROP", on: conn)
                staged.insert(table)
            } else {
                try await store.rows("TRUNCATE \(stage)", on: conn)
            }
            try await copy(into: stage, columns: all, rows: keep.map { rows[$0] })
            let keyExpr = key.map { "\($0)::text" }.joined(separator: " || chr(31) || ")
            let list = all.joined(separator: ", ")
            let sql = "INSERT INTO \(table) (\(list)) SELECT \(list) FROM \(stage) ON CONFLICT (\(key.joined(separator: ", "))) DO UPDATE SET \(sets) WHERE \(table).import_id <> excluded.import_id"
            if unique {
                var n = 0
                for try await c in try await store.rows("WITH w AS (\(sql) RETURNING 1) SELECT count(*) FROM w", [], on: conn).decode(Int.self) { n = c }
                // a key this import wrote before would be a numbering fault: refused, not miscounted
                guard n == keep.count else { throw StoreError("\(table): \(keep.count - n) rows of a batch were already written by this import (nothing was written)") }
                rowsWritten += n
                writtenPerTable[table, default: 0] += n
                return []
            }
            for try await k in try await store.rows(sql + " RETURNING \(keyExpr)", [], on: conn).decode(String.self) { written.insert(k) }
        }
        for i in keep where !written.contains(keyOf(i)) { dups.append(i) }
        rowsWritten += rows.count - dups.count
        writtenPerTable[table, default: 0] += rows.count - dups.count
        return dups.sorted()
    }

    /// COPYs `rows` (each prefixed with this import's id) into `table`.
    private func copy(into table: String, columns: [String], rows: [[PGValue]]) async throws {
        var out = CopyText(capacity: rows.count * 128)
        for row in rows {
            out.int(importID)
            for v in row { out.value(v) }
            out.endRow()
        }
        try await conn.liveCopy(table: table, columns: columns, payload: out.buffer, logger: store.logger)
    }

    private func guarded<T>(_ body: () async throws -> T) async throws -> T { try await store.guarded(body) }

    func upsert(accounts: [Account]) async throws -> [Int] {
        let known = try await knownAccounts()
        for a in accounts where known[a.accountID].map({ $0.timezone != a.timezone }) ?? false { retimed.insert(a.accountID) }
        return try await guarded {
            try await upsert("accounts", key: ["account_id"], columns: ["network", "name", "handle", "competitor", "timezone"],
                             rows: accounts.map { [.text($0.accountID), .text($0.network), .text($0.name), .text($0.handle), .bool($0.competitor), .text($0.timezone)] },
                             keyOf: { accounts[$0].accountID })
        }
    }

    func upsert(daily: [DailyRow]) async throws -> [Int] {
        for r in daily { dailyTouched.insert(r.accountID) }
        return try await guarded {
            try await upsert("account_daily", key: ["account_id", "day"], columns: [
                "followers", "new_followers", "unfollows", "reach", "reach_organic", "reach_viral", "reach_paid",
                "impressions", "page_views", "unique_visitors", "engaged_users",
            ], rows: daily.map { r in
                [.text(r.accountID), .int(r.date.dayNumber), .int(r.followers), .int(r.newFollowers), .int(r.unfollows), .int(r.reach),
                 .int(r.reachOrganic), .int(r.reachViral), .int(r.reachPaid), .int(r.impressions), .int(r.pageViews),
                 .int(r.uniqueVisitors), .int(r.engagedUsers)]
            }, keyOf: { "\(daily[$0].accountID)\u{1F}\(daily[$0].date.dayNumber)" })
        }
    }

    func upsert(periods: [PeriodRow]) async throws -> [Int] {
        try await guarded {
            try await upsert("account_periods", key: ["account_id", "from_day", "to_day"], columns: [
                "reach", "reach_organic", "reach_viral", "reach_paid", "unique_visitors", "engaged_users",
            ], rows: periods.map { r in
                [.text(r.accountID), .int(r.period.from.dayNumber), .int(r.period.to.dayNumber), .int(r.reach), .int(r.reachOrganic),
                 .int(r.reachViral), .int(r.reachPaid), .int(r.uniqueVisitors), .int(r.engagedUsers)]
            }, keyOf: { "\(periods[$0].accountID)\u{1F}\(periods[$0].period.from.dayNumber)\u{1F}\(periods[$0].period.to.dayNumber)" })
        }
    }

    func upsert(costs: [CostRow]) async throws -> [Int] {
        try await guarded {
            try await upsert("costs", key: ["day", "account_id", "note", "amount_cents", "occurrence"], columns: [], rows: costs.map { r in
                [.int(r.date.dayNumber), .text(r.accountID ?? ""), .text(r.note ?? ""), .int(r.amountCents), .int(r.occurrence)]
            }, keyOf: { let r = costs[$0]; return "\(r.date.dayNumber)\u{1F}\(r.accountID ?? "")\u{1F}\(r.note ?? "")\u{1F}\(r.amountCents)\u{1F}\(r.occurrence)" })
        }
    }

    /// Months of `clicks` whose partition this import has made sure of.
    private var clickMonths: Set<ClickMonth> = []

    func upsert(table: String, key: [String], columns: [String], rows: [[StoreValue]]) async throws -> [Int] {
        try await guarded {
            if table == "clicks", let at = key.firstIndex(of: "clicked_at") {
                // every month the batch reaches gets its partition before the rows go in
                let months = Set(rows.compactMap { $0[at].int }.map { ClickMonth(instant: Int64($0)) }).subtracting(clickMonths)
                try await store.prepareClickMonths(months, on: conn)
                clickMonths.formUnion(months)
            }
            // clicks are numbered by occurrence within the import: unique by construction
            return try await upsert(table, key: key, columns: columns, rows: rows.map { $0.map(PGValue.init) }, unique: table == "clicks" && key.contains("occurrence"),
                                    keyOf: { i in
                rows[i].prefix(key.count).map { v -> String in
                    switch v {
                    case .null: return ""
                    case .int(let x): return String(x)
                    case .double(let x): return String(x)
                    case .text(let x): return x
                    }
                }.joined(separator: "\u{1F}")
            })
        }
    }

    func increment(table: String, key: [String], column: String, rows: [[StoreValue]]) async throws {
        try await guarded {
            let sql = SQLiteImportSession.incrementSQL(table, key: key, column: column)
            for r in rows {
                _ = try await store.rows(sql, r.map(PGValue.init), on: conn)
            }
        }
    }

    func knownKeys(table: String, column: String) async throws -> Set<String> {
        try await guarded {
            var out: Set<String> = []
            for try await v in try await store.rows("SELECT DISTINCT \(column)::text FROM \(table) WHERE \(column) IS NOT NULL", on: conn).decode(String.self) {
                out.insert(v)
            }
            return out
        }
    }

    func keyValues(table: String, key: String, value: String) async throws -> [String: String] {
        try await guarded {
            var out: [String: String] = [:]
            for try await (k, v) in try await store.rows("SELECT \(key)::text, \(value)::text FROM \(table) WHERE \(key) IS NOT NULL AND \(value) IS NOT NULL",
                                                        on: conn).decode((String, String).self) {
                out[k] = v
            }
            return out
        }
    }

    func intern(table: String, id: String, value: String, values: [String]) async throws -> [String: Int] {
        try await guarded {
            // sorted: two imports storing the same new values lock them in one order
            let sorted = Array(Set(values)).sorted()
            try await store.rows("INSERT INTO \(table) (\(value)) SELECT unnest(?1::text[]) ON CONFLICT (\(value)) DO NOTHING",
                                 [.texts(sorted)], on: conn)
            var out: [String: Int] = [:]
            for try await (i, v) in try await store.rows("SELECT \(id), \(value) FROM \(table) WHERE \(value) = ANY(?1::text[])",
                                                        [.texts(sorted)], on: conn).decode((Int, String).self) {
                out[v] = i
            }
            return out
        }
    }

    func ownRows(table: String, key: [String], keys: [[StoreValue]]) async throws -> [Int] {
        guard !keys.isEmpty else { return [] }
        return try await guarded {
            // one array per key column (integers where every value is one), unnested together
            var binds: [PGValue] = [], casts: [String] = []
            for j in key.indices {
                let column = keys.map { $0[j] }
                if column.allSatisfy({ $0.int != nil }) {
                    binds.append(.ints(column.map { $0.int! })); casts.append("bigint[]")
                } else {
                    binds.append(.texts(column.map { $0.text ?? "" })); casts.append("text[]")
                }
            }
            let names = key.indices.map { "k\($0)" }
            let arrays = casts.enumerated().map { "?\($0 + 1)::\($1)" }.joined(separator: ", ")
            let match = zip(key, names).map { "t.\($0) = k.\($1)" }.joined(separator: " AND ")
            let sql = """
                SELECT (SELECT COUNT(*) FROM \(table) t WHERE \(match) AND t.import_id = ?\(key.count + 1))
                FROM unnest(\(arrays)) WITH ORDINALITY AS k(\(names.joined(separator: ", ")), n) ORDER BY k.n
                """
            var out: [Int] = []
            for try await c in try await store.rows(sql, binds + [.int(importID)], on: conn).decode(Int.self) { out.append(c) }
            return out
        }
    }

    func upsert(messages: [MessageRow]) async throws -> [Int] {
        try await guarded {
            try await upsert("messages", key: ["message_id"], columns: ["account_id", "received_at", "is_question", "replied_at"], rows: messages.map { r in
                [.text(r.messageID), .text(r.accountID), .int(Int(r.receivedAt)), .bool(r.isQuestion), .int(r.repliedAt.map(Int.init))]
            }, keyOf: { messages[$0].messageID })
        }
    }

    func upsert(sessions: [SessionRow]) async throws -> [Int] {
        try await guarded {
            try await upsert("sessions", key: ["session_id"], columns: [
                "visitor_id", "started_at", "utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term",
                "referrer", "landing_page", "converted", "conversion_value_cents", "lead",
            ], rows: sessions.map { r in
                [.text(r.sessionID), .text(r.visitorID), .int(Int(r.startedAt)), .text(r.utmSource), .text(r.utmMedium), .text(r.utmCampaign),
                 .text(r.utmContent), .text(r.utmTerm), .text(r.referrer), .text(r.landingPage), .bool(r.converted),
                 .int(r.conversionValueCents), .bool(r.lead)]
            }, keyOf: { sessions[$0].sessionID })
        }
    }

    /// The COPY payload of `posts` (columns `import_id, post_id` + `postColumns`).
    static func postsPayload(_ posts: some Sequence<PostRow>, count: Int, importID: Int) -> ByteBuffer {
        var out = CopyText(capacity: count * 96)
        for p in posts {
            out.int(importID); out.text(p.postID); out.text(p.accountID); out.int(Int(p.publishedAt)); out.int(p.date.dayNumber)
            out.int(p.hour); out.text(p.type); out.text(p.rubric); out.text(p.url); out.text(p.text); out.int(p.likes)
            out.int(p.comments); out.int(p.shares); out.int(p.saves); out.int(p.views); out.int(p.reach); out.int(p.clicks)
            out.int(p.spendCents); out.int(p.asOf?.dayNumber)
            out.endRow()
        }
        return out.buffer
    }

    /// Accounts whose rows in `accounts` this import has locked (`FOR KEY SHARE`).
    private var lockedAccounts: Set<String> = []

    /// The foreign key of `posts.account_id`, checked once per account and import instead
    /// of per row (PostgreSQL's per-row check was more than half of a COPY's time): every
    /// account the batch names must exist, and its row is locked against deletion and key
    /// changes until commit, as the per-row check would lock it. (A deleted account with
    /// posts is refused by the trigger of migration 10.)
    private func lockAccounts(of posts: [PostRow]) async throws {
        var missing: Set<String> = []
        for p in posts where !lockedAccounts.contains(p.accountID) { missing.insert(p.accountID) }
        guard !missing.isEmpty else { return }
        var found: Set<String> = []
        for try await id in try await store.rows("SELECT account_id FROM accounts WHERE account_id = ANY(?1) FOR KEY SHARE",
                                                 [.texts(missing.sorted())], on: conn).decode(String.self) {
            found.insert(id)
        }
        if let unknown = missing.subtracting(found).sorted().first {
            throw StoreError("a post names account '\(unknown)', which is not in accounts (nothing was written)")
        }
        lockedAccounts.formUnion(found)
    }

    /// Whether `posts` was empty when this import first wrote to it (nil: not asked yet).
    /// Then every stored post is this import's, and a batch's ids need a look-up only where
    /// they may repeat one it wrote: `postHashes` holds the hashes of the ids written so far
    /// (at most `maxPostHashes`; past that, every batch is looked up again).
    private var postsWereEmpty: Bool?
    private var postHashes: Set<Int> = []
    static let maxPostHashes = 2_000_000

    /// The ids of `posts` that may be stored already: all of them, or (into an empty table)
    /// those whose hash this import wrote before or that repeat within the batch.
    private func idsToLookUp(_ posts: [PostRow]) async throws -> [String] {
        if postsWereEmpty == nil {
            postsWereEmpty = true
            for try await empty in try await store.rows("SELECT NOT EXISTS (SELECT 1 FROM posts)", on: conn).decode(Bool.self) {
                postsWereEmpty = empty
            }
        }
        guard postsWereEmpty == true, postHashes.count + posts.count <= Self.maxPostHashes else {
            postsWereEmpty = false
            postHashes = []
            return posts.map(\.postID)
        }
        var suspects: [String] = []
        for p in posts where !postHashes.insert(p.postID.hashValue).inserted { suspects.append(p.postID) }
        return suspects
    }

    /// Posts: the batch's ids that may be stored are read first (`idsToLookUp`); those this
    /// import wrote are duplicates, the others are deleted and subtracted from the rollup;
    /// then the batch is COPied in. The payload is built while the server looks the ids up.
    func upsert(posts: [PostRow]) async throws -> [Int] {
        try await guarded {
            let id = importID
            async let wholeBatch = Self.postsPayload(posts, count: posts.count, importID: id)
            try await lockAccounts(of: posts)
            var olds: [String: (PostRow, Int)] = [:]
            let lookUp = try await idsToLookUp(posts)
            if !lookUp.isEmpty {
                // The ids are looked up in the primary key's index. For a table that grows inside
                // this transaction the planner's estimate prefers scanning the whole table with a
                // hashed `= ANY(…)`, and the import slowed quadratically: seq scans are off for
                // this one statement (an index scan over the sorted array: ~0.5 µs an id).
                try await store.rows("SET LOCAL enable_seqscan = off", on: conn)
                for try await row in try await store.rows("\(RollupUpkeep.selectStoredPost) WHERE post_id = ANY(?1)", [.texts(lookUp)], on: conn) {
                    let old = try RollupUpkeep.stored(PostgresSQLRow(r: row.makeRandomAccess()))
                    olds[old.post.postID] = old
                }
                try await store.rows("SET LOCAL enable_seqscan = on", on: conn)
            }
            var dupIDs: Set<String> = []
            for (id, old) in olds where old.1 == importID { dupIDs.insert(id) }
            var seen: Set<String> = []
            seen.reserveCapacity(posts.count)
            var keep: [Int] = []
            var dups: [Int] = []
            var replaced: [String] = []
            var olderOf: [Int: PostRow] = [:]
            for (i, p) in posts.enumerated() {
                if dupIDs.contains(p.postID) || !seen.insert(p.postID).inserted { dups.append(i); continue }
                if let old = olds[p.postID] {
                    if RollupUpkeep.keepsStored(old.0, over: p) { keptNewer += 1; continue }
                    olderOf[i] = old.0
                    replaced.append(p.postID)
                }
                keep.append(i)
            }
            // The batch's stored ids are known (read above, and imports are serialised), so no
            // upsert is needed: earlier imports' rows are deleted and the batch is COPied
            // straight into posts — while the rollup takes the batch in here.
            if !replaced.isEmpty {
                _ = try await store.rows("DELETE FROM posts WHERE post_id = ANY(?1)", [.texts(replaced)], on: conn)
            }
            let payload = keep.count == posts.count ? await wholeBatch
                : Self.postsPayload(keep.lazy.map { posts[$0] }, count: keep.count, importID: id)
            let (conn, logger) = (conn, store.logger)
            async let copied: Void = keep.isEmpty ? () : conn.liveCopy(table: "posts", columns: ["import_id", "post_id"] + SQLiteImportSession.postColumns,
                                                                        payload: payload, logger: logger)
            for i in keep {
                if let old = olderOf[i] { rollup.add(old, sign: -1) }
                rollup.add(posts[i])
            }
            try await copied
            rowsWritten += keep.count
            writtenPerTable["posts", default: 0] += keep.count
            return dups
        }
    }

    func merge(daily: [DailyPatch]) async throws {
        for r in daily { dailyTouched.insert(r.accountID) }
        let script = SQLScript()
        DailyUpkeep.merge(script, daily, importID: importID)
        try await guarded { try await store.run(script, on: conn) }
    }

    func rebuildFollowers() async throws -> [String] {
        var notes: [String] = []
        guard !dailyTouched.isEmpty else { return notes }
        let script = SQLScript()
        DailyUpkeep.rebuildFollowers(script, accounts: dailyTouched.sorted()) { notes.append($0) }
        try await guarded { try await store.run(script, on: conn) }
        dailyTouched.removeAll()
        return notes
    }

    /// Rows written per table, for `finish`'s statistics.
    private var writtenPerTable: [String: Int] = [:]

    /// Tables that take statistics again when an import writes this many rows to them:
    /// PostgreSQL's own analyze comes later, and until then the planner plans a report over
    /// a million new posts as if the table were empty (no top-posts index, 2× slower).
    static let analyzeAfter = 10_000

    /// Merges the rollup changes and recuts retimed accounts; called once before commit.
    func finish() async throws {
        let script = SQLScript()
        let changes = rollup.changes.filter { !retimed.contains($0.0.accountID) }
        RollupUpkeep.merge(script, changes)
        for accountID in retimed.sorted() { RollupUpkeep.rebuild(script, accountID: accountID, recut: true) }
        try await guarded { try await store.run(script, on: conn) }
        writtenPerTable["post_rollup", default: 0] += changes.count
        rollup.removeAll()
        for (table, n) in writtenPerTable.sorted(by: { $0.key < $1.key }) where n >= Self.analyzeAfter {
            try await guarded { try await store.rows("ANALYZE \(table)", on: conn) }
        }
    }
}
