import EngageCore
import EngageStore
import Foundation

/// Imports a folder of CONTRACT.md CSV files in one transaction: every row is parsed and
/// validated; if any error is found, nothing is stored and every error (up to `maxErrors`)
/// is reported as `file:line:column: message`.
public struct Importer: Sendable {
    public var store: any Store
    /// The current instant (seconds since 1970 UTC): dates later than tomorrow are refused.
    public var now: Int64
    public var maxErrors: Int
    public var batchSize: Int
    /// Most bytes of CSV fields in one batch, whatever its rows (three batches are in memory
    /// at most: one read, two waiting to be written).
    public var batchBytes: Int

    public init(store: any Store, now: Int64 = Int64(Date().timeIntervalSince1970), maxErrors: Int = 100, batchSize: Int = 16384,
                batchBytes: Int = 16 << 20) {
        self.store = store
        self.now = now
        self.maxErrors = maxErrors
        self.batchSize = batchSize
        self.batchBytes = batchBytes
    }

    /// Files this version imports, in the order they are read (what is referred to first).
    public static let socialFiles = ["accounts.csv", "account_daily.csv", "account_periods.csv", "posts.csv",
                                     "costs.csv", "messages.csv", "sessions.csv"]
    public static let importedFiles = socialFiles + AdvocacyTables.files + ["responses.csv"]

    public func importFolder(_ folder: String, options: ImportOptions = ImportOptions()) async throws -> ImportSummary {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDir), isDir.boolValue else {
            throw ImportFailed(errors: [ImportIssue(file: folder, line: 0, column: 0, message: "not a folder")], warnings: [], truncated: false)
        }
        return try await importPaths([folder], options: options)
    }

    /// Imports folders, files and ZIPs as `engage import PATH…` does: each file recognised
    /// by its content (a contract file, or a native export), all in one transaction.
    public func importPaths(_ paths: [String], options: ImportOptions = ImportOptions()) async throws -> ImportSummary {
        let set = try InputSet()
        for p in paths { set.add(path: p, shown: p) }
        return try await importInputs(set, options: options, source: paths.joined(separator: " "), place: paths.joined(separator: ", "))
    }

    /// Imports files given by the name a user knows them by and the path they are read
    /// from (an upload: messages name the file as sent, never a server path). `place` names
    /// the whole set in the message when nothing in it is importable.
    public func importNamed(_ files: [(name: String, path: String)], source: String, place: String,
                            options: ImportOptions = ImportOptions()) async throws -> ImportSummary {
        let set = try InputSet()
        for f in files { set.add(upload: f.path, name: f.name) }
        return try await importInputs(set, options: options, source: source, place: place)
    }

    func importInputs(_ set: InputSet, options: ImportOptions, source: String, place: String) async throws -> ImportSummary {
        let issues = IssueSink(limit: maxErrors)
        for p in set.problems { issues.error(p.file, p.line, p.column, p.message) }
        var contract: [(name: String, path: String, kind: String)] = []
        var encodings: [String: TextEncoding] = [:]
        var natives: [NativeResult] = []
        var reports: [FileReport] = []
        let today = LocalDate(utcInstant: now)
        for f in set.files {
            if (f.name as NSString).lastPathComponent.hasPrefix(".") { continue }
            let asOf = Self.modificationDay(f.path) ?? today
            switch try Recognition.recognise(f, temp: set.temp, issues: issues, asOfDefault: min(asOf, today)) {
            case .contract(let kind, let path, let encoding):
                contract.append((f.name, path, kind))
                encodings[f.name] = encoding
                let named = (f.name as NSString).lastPathComponent.lowercased()
                if named != kind, Self.importedFiles.contains(named) {
                    issues.warning(f.name, 1, 1, "read as \(kind): its header is that file's, not \(named)'s")
                }
            case .native(let results):
                natives += results
            case .unknown(let closest, let missing):
                let hint = closest.map { "; closest: \($0)" + (missing.isEmpty ? "" : ", which needs \(missing.map { "'\($0)'" }.joined(separator: ", "))") } ?? ""
                issues.warning(f.name, 0, 0, "skipped: not recognised as a contract file or a native export\(hint) (see docs/import.md)")
                reports.append(FileReport(file: f.name, format: "not recognised\(hint)"))
            }
        }
        contract.sort { Self.importedFiles.firstIndex(of: $0.kind)! < Self.importedFiles.firstIndex(of: $1.kind)! }
        let plan = NativeWriter.plan(natives, options: options, issues: issues)
        if contract.isEmpty && natives.isEmpty && issues.errors.isEmpty && options.followers.isEmpty {
            issues.error(place, 0, 0, "no importable files found (expected files of the contract — \(Self.importedFiles.joined(separator: ", ")) — or native exports, see docs/import.md)")
        }
        if !issues.errors.isEmpty { throw ImportFailed(errors: issues.errors, warnings: issues.warnings, truncated: issues.truncated) }
        var summary: ImportSummary
        do {
            summary = try await importFiles(contract, plan: plan, issues: issues, source: source, options: options)
        } catch let done as DryRunDone {
            summary = done.summary
            summary.dryRun = true
        }
        // unrecognised files first; contract files with the encoding they were read in
        summary.reports = reports + summary.reports.map { var r = $0; r.encoding = r.encoding ?? encodings[r.file]?.rawValue; return r }
        return summary
    }

    /// The day a file was last changed (UTC): when an export's lifetime totals were taken,
    /// unless the file says.
    static func modificationDay(_ path: String) -> LocalDate? {
        guard let d = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date else { return nil }
        return LocalDate(utcInstant: Int64(d.timeIntervalSince1970))
    }

    func importFiles(_ files: [(name: String, path: String, kind: String)], plan: NativeWriter.Plan, issues: IssueSink, source: String,
                     options: ImportOptions) async throws -> ImportSummary {
        let me = self
        do {
            return try await write(files, plan: plan, issues: issues, source: source, options: options, me: me)
        } catch let e as DayTotalTooLarge {
            // found when the import's day totals meet the stored ones, just before commit
            let file = files.first { $0.kind == "posts.csv" }?.name ?? plan.results.first?.file ?? "posts.csv"
            throw ImportFailed(errors: [ImportIssue(file: file, line: 0, column: 0, message: e.description)], warnings: issues.warnings, truncated: false)
        }
    }

    private func write(_ files: [(name: String, path: String, kind: String)], plan: NativeWriter.Plan, issues: IssueSink, source: String,
                       options: ImportOptions, me: Importer) async throws -> ImportSummary {
        try await store.withImport(source: source) { session in
            var summary = ImportSummary()
            for (i, f) in files.enumerated() {
                let started = DispatchTime.now().uptimeNanoseconds
                let size = ((try? FileManager.default.attributesOfItem(atPath: f.path))?[.size] as? NSNumber)?.intValue ?? 0
                options.progress?.start(file: f.name, bytes: size, index: i, of: files.count)
                let rows = try await TableImport(importer: me, session: session, issues: issues, file: f.name, path: f.path, kind: f.kind,
                                                 progress: options.progress).run()
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
                summary.files.append(.init(file: f.name, rows: rows, seconds: seconds))
                summary.reports.append(FileReport(file: f.name, format: "Engage contract: \(f.kind)", rows: rows))
            }
            if issues.errors.isEmpty {
                try await NativeWriter(session: session, issues: issues, options: options, now: me.now, batchSize: me.batchSize)
                    .write(plan, into: &summary)
            }
            if !issues.errors.isEmpty {
                throw ImportFailed(errors: issues.errors, warnings: issues.warnings, truncated: issues.truncated)
            }
            options.progress?.finishing()
            for note in try await session.rebuildFollowers() { issues.warning("followers", 0, 0, note) }
            if session.keptNewer > 0 {
                issues.warning("posts", 0, 0, "\(session.keptNewer) posts kept as stored: their totals come from a later export than this file's")
            }
            summary.warnings = issues.warnings
            if options.dryRun { throw DryRunDone(summary: summary) }
            return summary
        }
    }
}

/// Thrown at the end of a dry run so that the transaction rolls back.
struct DryRunDone: Error, @unchecked Sendable {
    var summary: ImportSummary
}

/// Reads one file into batches and writes them through the session.
struct TableImport {
    let importer: Importer
    let session: any ImportSession
    let issues: IssueSink
    let file: String
    let path: String
    /// The contract file it is (`posts.csv`), whatever its name.
    let kind: String
    /// Told the rows and bytes read after each batch.
    var progress: ImportProgress? = nil

    /// Rows written (duplicates and bad rows excluded).
    func run() async throws -> Int {
        let reader: CSVReader
        do { reader = try CSVReader(path: path) } catch {
            issues.error(file, 0, 0, (error as? CSVReader.CSVError)?.message ?? "cannot open the file")
            return 0
        }
        let ctx = RowContext(reader: reader, file: file, issues: issues, now: importer.now)
        do {
            switch kind {
            case "accounts.csv": return try await accounts(ctx)
            case "account_daily.csv": return try await daily(ctx)
            case "account_periods.csv": return try await periods(ctx)
            case "posts.csv": return try await posts(ctx)
            case "costs.csv": return try await costs(ctx)
            case "messages.csv": return try await messages(ctx)
            case "sessions.csv": return try await sessions(ctx)
            case "responses.csv": return try await responses(ctx)
            default:
                guard let spec = AdvocacyTables.specs.first(where: { $0.file == kind }) else { return 0 }
                return try await kind == "clicks.csv" ? clicks(spec, ctx) : table(spec, ctx)
            }
        } catch let e as CSVReader.CSVError {
            issues.error(file, e.line, e.column, e.message)
            return 0
        }
    }

    /// The shared loop: header, then each record parsed by `parse` into a batch written
    /// by `write`; duplicates reported at the id column. A batch is written while the next
    /// one is parsed (the store works on its own thread), so parsing and writing overlap.
    /// A full batch is completed by `complete` on the reading side (in order, while the
    /// batch before it is still being written).
    func load<Row: Sendable>(_ ctx: RowContext, required: [String], optional: [String], idColumn: String,
                             parse: (RowContext) -> Row?, complete: ((inout [Row]) -> Void)? = nil,
                             write: @escaping @Sendable ([Row]) async throws -> [Int]) async throws -> Int {
        guard try ctx.readHeader(required: required, optional: optional) else { return 0 }
        let idCol = ctx.col(idColumn) ?? 0
        var batch: [Row] = []
        var lines: [(line: Int, column: Int)] = []
        batch.reserveCapacity(importer.batchSize)
        var written = 0
        var batchBytes = 0
        // batches handed over and not yet settled, oldest first: each is written after the
        // one before it (its task awaits that one's), up to `queued` ahead of the reading
        // side, so that a long write (one that recounts a day of clicks) does not stop the
        // reading and a short one does not leave the writer waiting
        var pending: [(task: Task<[Int], Error>, rows: [Row], lines: [(line: Int, column: Int)])] = []
        let queued = 2
        func settle(leaving left: Int) async throws {
            while pending.count > left {
                let p = pending.removeFirst()
                let dups = try await p.task.value
                for i in dups {
                    let l = p.lines[i]
                    issues.error(file, l.line, l.column, "\(idColumn): duplicate '\(idOf(p.rows[i]))': this import already has a row with it")
                }
                written += p.rows.count - dups.count
            }
        }
        func flush() async throws {
            complete?(&batch)
            try await settle(leaving: queued - 1)
            guard !batch.isEmpty else { return }
            // written after the batch before it (in order), while this side reads the next
            let rows = batch, before = pending.last?.task
            batch = []
            batch.reserveCapacity(importer.batchSize)
            pending.append((Task {
                _ = try await before?.value
                return try await write(rows)
            }, rows, lines))
            lines.removeAll(keepingCapacity: true)
        }
        do {
            while try ctx.reader.next() {
                ctx.rowOK = true
                guard ctx.checkFieldCount() else {
                    if issues.full { issues.truncated = true; break }
                    continue
                }
                if let row = parse(ctx), ctx.rowOK {
                    batch.append(consume row)
                    lines.append((ctx.reader.line, ctx.reader.column(idCol)))
                    batchBytes += ctx.reader.recordBytes
                    // a batch is bounded by its bytes too: rows of 4 MiB (what a record may
                    // hold) must not make a batch of thousands of them
                    if batch.count >= importer.batchSize || batchBytes >= importer.batchBytes {
                        batchBytes = 0
                        try await flush()
                        progress?.read(rows: max(0, ctx.reader.line - 1), bytes: ctx.reader.bytesRead)
                    }
                }
                if issues.full {
                    issues.truncated = true
                    break
                }
            }
            try await flush()
            try await settle(leaving: 0)
        } catch {
            // writes still in flight must land before the transaction is rolled back
            for p in pending { _ = try? await p.task.value }
            throw error
        }
        return written
    }

    /// The id a duplicate error names.
    private func idOf<Row>(_ row: Row) -> String {
        switch row {
        case let r as Account: return r.accountID
        case let r as DailyRow: return "\(r.accountID) \(r.date)"
        case let r as PeriodRow: return "\(r.accountID) \(r.period.from)…\(r.period.to)"
        case let r as PostRow: return r.postID
        case let r as MessageRow: return r.messageID
        case let r as SessionRow: return r.sessionID
        case let r as CostRow: return "\(r.date) \(r.amountCents)"
        case let r as SurveyResponse: return r.responseID
        case let r as ImportedClick: return r.code
        case let r as [StoreValue]: return r.first.map { v -> String in
            switch v {
            case .text(let t): return t
            case .int(let i): return String(i)
            case .double(let d): return String(d)
            case .null: return ""
            }
        } ?? "?"
        default: return "?"
        }
    }

    // MARK: tables

    private func accounts(_ ctx: RowContext) async throws -> Int {
        return try await load(ctx, required: ["account_id", "network"], optional: ["name", "handle", "competitor", "timezone"],
                              idColumn: "account_id", parse: { ctx in
            let id = ctx.text(ctx.col("account_id"), "account_id", required: true)
            let network = ctx.text(ctx.col("network"), "network", required: true)?.lowercased()
            let competitor = ctx.bool(ctx.col("competitor"), "competitor") ?? false
            let tz = ctx.text(ctx.col("timezone"), "timezone") ?? "UTC"
            if ZoneClock(identifier: tz) == nil { ctx.fail(ctx.col("timezone"), "timezone", "unknown IANA time zone '\(tz)' (e.g. Europe/Moscow)") }
            guard let id, let network else { return nil }
            return Account(accountID: id, network: network, name: ctx.text(ctx.col("name"), "name"),
                           handle: ctx.text(ctx.col("handle"), "handle"), competitor: competitor, timezone: tz)
        }, write: { try await session.upsert(accounts: $0) })
    }

    /// Known accounts, each with its clock, looked up by id.
    private final class AccountLookup {
        var ids: [String: Int] = [:]
        var clocks: [ZoneClock] = []
        var lastBytes: ArraySlice<UInt8> = []
        var lastIndex = -1
        var lastID = ""

        init(_ accounts: [String: Account]) {
            for (id, a) in accounts.sorted(by: { $0.key < $1.key }) {
                ids[id] = clocks.count
                clocks.append(ZoneClock(identifier: a.timezone) ?? .utc)
            }
        }

        /// The account of column `c`: its index and id, or an error.
        func resolve(_ ctx: RowContext, _ c: Int?) -> (index: Int, id: String)? {
            guard let c, !ctx.reader.isEmpty(c) else {
                ctx.fail(c, "account_id", "a value is required")
                return nil
            }
            let b = ctx.reader.bytes(c)
            if lastIndex >= 0, b.elementsEqual(lastBytes) { return (lastIndex, lastID) }
            let id = ctx.reader.string(c)
            guard let i = ids[id] else {
                ctx.fail(c, "account_id", "unknown account '\(id)' (not in accounts.csv of this or an earlier import)")
                return nil
            }
            lastBytes = b
            lastIndex = i
            lastID = id
            return (i, id)
        }
    }

    private func daily(_ ctx: RowContext) async throws -> Int {
        let accounts = AccountLookup(try await session.knownAccounts())
        let optional = ["new_followers", "unfollows", "reach", "reach_organic", "reach_viral", "reach_paid", "impressions",
                        "page_views", "unique_visitors", "engaged_users"]
        return try await load(ctx, required: ["account_id", "date", "followers"], optional: optional, idColumn: "date", parse: { ctx in
            let a = accounts.resolve(ctx, ctx.col("account_id"))
            let date = ctx.date(ctx.col("date"), "date", required: true)
            let followers = ctx.count(ctx.col("followers"), "followers", required: true)
            var v: [Int?] = []
            for name in optional { v.append(ctx.count(ctx.col(name), name)) }
            guard let a, let date, let followers else { return nil }
            var r = DailyRow(accountID: a.id, date: date, followers: followers)
            r.newFollowers = v[0]; r.unfollows = v[1]; r.reach = v[2]; r.reachOrganic = v[3]; r.reachViral = v[4]
            r.reachPaid = v[5]; r.impressions = v[6]; r.pageViews = v[7]; r.uniqueVisitors = v[8]; r.engagedUsers = v[9]
            return r
        }, write: { try await session.upsert(daily: $0) })
    }

    private func periods(_ ctx: RowContext) async throws -> Int {
        let accounts = AccountLookup(try await session.knownAccounts())
        let optional = ["reach", "reach_organic", "reach_viral", "reach_paid", "unique_visitors", "engaged_users"]
        return try await load(ctx, required: ["account_id", "from", "to"], optional: optional, idColumn: "from", parse: { ctx in
            let a = accounts.resolve(ctx, ctx.col("account_id"))
            let from = ctx.date(ctx.col("from"), "from", required: true)
            let to = ctx.date(ctx.col("to"), "to", required: true)
            var v: [Int?] = []
            for name in optional { v.append(ctx.count(ctx.col(name), name)) }
            if let from, let to, to < from { ctx.fail(ctx.col("to"), "to", "\(to) is before from \(from)") }
            guard let a, let from, let to else { return nil }
            var r = PeriodRow(accountID: a.id, period: Period(from: from, to: to))
            r.reach = v[0]; r.reachOrganic = v[1]; r.reachViral = v[2]; r.reachPaid = v[3]; r.uniqueVisitors = v[4]; r.engagedUsers = v[5]
            return r
        }, write: { try await session.upsert(periods: $0) })
    }

    private func posts(_ ctx: RowContext) async throws -> Int {
        let accounts = AccountLookup(try await session.knownAccounts())
        let optional = ["type", "rubric", "url", "text", "likes", "comments", "shares", "saves", "views", "reach", "clicks", "spend"]
        var cols: [Int?] = []
        return try await load(ctx, required: ["post_id", "account_id", "published_at"], optional: optional, idColumn: "post_id", parse: { ctx in
            if cols.isEmpty { cols = (["post_id", "account_id", "published_at"] + optional).map(ctx.col) }
            let id = ctx.text(cols[0], "post_id", required: true)
            let a = accounts.resolve(ctx, cols[1])
            guard let a else { return nil }
            guard let at = ctx.instant(cols[2], "published_at", clock: &accounts.clocks[a.index], required: true), let id else { return nil }
            let local = accounts.clocks[a.index].local(at)
            var p = PostRow(postID: id, accountID: a.id, publishedAt: at, date: local.date, hour: local.hour)
            p.type = ctx.text(cols[3], "type")?.lowercased()
            p.rubric = ctx.text(cols[4], "rubric")
            p.url = ctx.text(cols[5], "url")
            p.text = ctx.text(cols[6], "text")
            p.likes = ctx.count(cols[7], "likes") ?? 0
            p.comments = ctx.count(cols[8], "comments") ?? 0
            p.shares = ctx.count(cols[9], "shares") ?? 0
            p.saves = ctx.count(cols[10], "saves")
            p.views = ctx.count(cols[11], "views")
            p.reach = ctx.count(cols[12], "reach")
            p.clicks = ctx.count(cols[13], "clicks")
            p.spendCents = ctx.cents(cols[14], "spend")
            return p
        }, write: { try await session.upsert(posts: $0) })
    }

    private func costs(_ ctx: RowContext) async throws -> Int {
        let accounts = AccountLookup(try await session.knownAccounts())
        var seen: [String: Int] = [:]
        return try await load(ctx, required: ["date", "amount"], optional: ["account_id", "note"], idColumn: "date", parse: { ctx in
            let date = ctx.date(ctx.col("date"), "date", required: true)
            let amount = ctx.cents(ctx.col("amount"), "amount", required: true)
            var account: String?
            if let c = ctx.col("account_id"), !ctx.reader.isEmpty(c) { account = accounts.resolve(ctx, c)?.id }
            let note = ctx.text(ctx.col("note"), "note")
            guard let date, let amount else { return nil }
            let key = "\(date)|\(account ?? "")|\(note ?? "")|\(amount)"
            seen[key, default: 0] += 1
            return CostRow(date: date, amountCents: amount, accountID: account, note: note, occurrence: seen[key]!)
        }, write: { try await session.upsert(costs: $0) })
    }

    private func messages(_ ctx: RowContext) async throws -> Int {
        let accounts = AccountLookup(try await session.knownAccounts())
        return try await load(ctx, required: ["message_id", "account_id", "received_at"], optional: ["is_question", "replied_at"],
                              idColumn: "message_id", parse: { ctx in
            let id = ctx.text(ctx.col("message_id"), "message_id", required: true)
            guard let a = accounts.resolve(ctx, ctx.col("account_id")) else { return nil }
            let received = ctx.instant(ctx.col("received_at"), "received_at", clock: &accounts.clocks[a.index], required: true)
            let replied = ctx.instant(ctx.col("replied_at"), "replied_at", clock: &accounts.clocks[a.index])
            let isQuestion = ctx.bool(ctx.col("is_question"), "is_question") ?? true
            if let r = replied, let q = received, r < q {
                ctx.fail(ctx.col("replied_at"), "replied_at", "the reply is earlier than received_at")
            }
            guard let id, let received else { return nil }
            return MessageRow(messageID: id, accountID: a.id, receivedAt: received, isQuestion: isQuestion, repliedAt: replied)
        }, write: { try await session.upsert(messages: $0) })
    }

    private func sessions(_ ctx: RowContext) async throws -> Int {
        var utc = ZoneClock.utc
        let optional = ["utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term", "referrer", "landing_page",
                        "converted", "conversion_value", "lead"]
        return try await load(ctx, required: ["session_id", "visitor_id", "started_at"], optional: optional, idColumn: "session_id", parse: { ctx in
            let id = ctx.text(ctx.col("session_id"), "session_id", required: true)
            let visitor = ctx.text(ctx.col("visitor_id"), "visitor_id", required: true)
            let started = ctx.instant(ctx.col("started_at"), "started_at", clock: &utc, required: true)
            guard let id, let visitor, let started else { return nil }
            var s = SessionRow(sessionID: id, visitorID: visitor, startedAt: started)
            s.utmSource = ctx.text(ctx.col("utm_source"), "utm_source")
            s.utmMedium = ctx.text(ctx.col("utm_medium"), "utm_medium")
            s.utmCampaign = ctx.text(ctx.col("utm_campaign"), "utm_campaign")
            s.utmContent = ctx.text(ctx.col("utm_content"), "utm_content")
            s.utmTerm = ctx.text(ctx.col("utm_term"), "utm_term")
            s.referrer = ctx.text(ctx.col("referrer"), "referrer")
            s.landingPage = ctx.text(ctx.col("landing_page"), "landing_page")
            s.converted = ctx.bool(ctx.col("converted"), "converted") ?? false
            s.conversionValueCents = ctx.cents(ctx.col("conversion_value"), "conversion_value")
            s.lead = ctx.bool(ctx.col("lead"), "lead") ?? false
            return s
        }, write: { try await session.upsert(sessions: $0) })
    }
}
