import EngageCore
import EngageStore
import Foundation

/// Writes native files' results through the import's session: the accounts they belong to
/// (created if missing), their posts (lifetime totals: an older export never overwrites a
/// newer one), their days (merged figure by figure) and the follower totals given.
struct NativeWriter {
    let session: any ImportSession
    let issues: IssueSink
    let options: ImportOptions
    let now: Int64
    let batchSize: Int

    /// The results with the account each is written to, decided before anything is written.
    struct Plan: @unchecked Sendable {
        var results: [NativeResult] = []
        var accounts: [String] = []
        /// The account `--followers` totals go to.
        var anchorAccount: String?
    }

    /// Decides each result's account: `--account`, else the one the file names
    /// (`network:native-id`); a file naming none without `--account` is an error.
    static func plan(_ results: [NativeResult], options: ImportOptions, issues: IssueSink) -> Plan {
        var plan = Plan()
        let named = results.filter { $0.accountNativeID != nil }
        if options.account != nil, Set(named.map { "\($0.format.network):\($0.accountNativeID!)" }).count > 1,
           results.contains(where: { $0.format.id == TelegramExport.format.id }) {
            issues.error(results[0].file, 0, 0, "this export holds several channels: import it without --account (each becomes telegram:ID)")
        }
        for r in results {
            let id: String
            if let a = options.account {
                id = a
            } else if let n = r.accountNativeID {
                id = "\(r.format.network):\(n)"
            } else {
                issues.error(r.file, 0, 0, "this \(r.format.title) file does not say which account it belongs to: import it with --account ID (the account is created if missing)")
                continue
            }
            plan.results.append(r)
            plan.accounts.append(id)
        }
        if !options.followers.isEmpty {
            if let a = options.account {
                plan.anchorAccount = a
            } else if Set(plan.accounts).count == 1 {
                plan.anchorAccount = plan.accounts[0]
            } else {
                issues.error("--followers", 0, 0, "say which account the total is of: add --account ID")
            }
        }
        return plan
    }

    func write(_ plan: Plan, into summary: inout ImportSummary) async throws {
        guard !plan.results.isEmpty || plan.anchorAccount != nil else { return }
        // accounts: created when missing, never changed
        var known = try await session.knownAccounts()
        var created: [Account] = []
        for (r, id) in zip(plan.results, plan.accounts) where known[id] == nil && !created.contains(where: { $0.accountID == id }) {
            created.append(Account(accountID: id, network: options.network ?? r.format.network, name: r.accountName,
                                   handle: r.accountHandle, competitor: false, timezone: options.timezone ?? "UTC"))
        }
        if let a = plan.anchorAccount, known[a] == nil, !created.contains(where: { $0.accountID == a }) {
            created.append(Account(accountID: a, network: options.network ?? "other", name: nil, handle: nil, competitor: false,
                                   timezone: options.timezone ?? "UTC"))
        }
        if !created.isEmpty {
            _ = try await session.upsert(accounts: created)
            known = try await session.knownAccounts()
        }
        var clocks: [String: ZoneClock] = [:]
        func clock(_ id: String) -> ZoneClock {
            if let c = clocks[id] { return c }
            let c = ZoneClock(identifier: known[id]?.timezone ?? "UTC") ?? .utc
            clocks[id] = c
            return c
        }
        // posts: one row per id across the files, the latest totals kept
        var posts: [String: PostRow] = [:]
        var order: [String] = []
        let total = plan.results.reduce(0) { $0 + $1.posts.count }
        posts.reserveCapacity(total)
        order.reserveCapacity(total)
        var patches: [DailyPatch] = []
        for (r, id) in zip(plan.results, plan.accounts) {
            let started = DispatchTime.now().uptimeNanoseconds
            var c = clock(id)
            for p in r.posts {
                let at: Int64
                switch p.time {
                case .instant(let t): at = t
                case .local(let t): at = c.utc(fromLocal: t)
                }
                // as the contract: nothing before 1970, nothing more than a day ahead (and no
                // instant a zone offset could push past the integer range)
                guard at >= 0, at <= now + 86_400 else {
                    issues.error(r.file, 0, 0, "post \(p.id): its time \(at >= 0 && at < 253_402_300_800 ? at.isoUTC : String(at)) is \(at < 0 ? "before 1970" : "later than tomorrow")")
                    continue
                }
                let local = c.local(at)
                var row = PostRow(postID: p.id, accountID: id, publishedAt: at, date: local.date, hour: local.hour)
                row.type = p.type; row.url = p.url; row.text = p.text
                row.likes = p.likes; row.comments = p.comments; row.shares = p.shares
                row.saves = p.saves; row.views = p.views; row.reach = p.reach; row.clicks = p.clicks
                row.asOf = r.asOf
                if let old = posts[p.id] {
                    if let o = old.asOf, let n = row.asOf, o > n { continue }
                } else {
                    order.append(p.id)
                }
                posts[p.id] = row
            }
            clocks[id] = c
            let tomorrow = LocalDate(utcInstant: now).adding(days: 1)
            for var d in r.days.values.sorted(by: { $0.date < $1.date }) {
                guard d.date <= tomorrow else {
                    issues.error(r.file, 0, 0, "\(d.date): a day later than tomorrow")
                    break
                }
                d.accountID = id
                patches.append(d)
            }
            var report = FileReport(file: r.file, format: r.format.title, encoding: r.encoding?.rawValue,
                                    account: id + (created.contains { $0.accountID == id } ? " (new: \(options.network ?? r.format.network), \(known[id]?.timezone ?? "UTC"))" : ""),
                                    rows: r.rows)
            if let p = r.period { report.period = "\(p.from) … \(p.to)" }
            report.mapping = r.mapping
            report.ignored = r.ignored
            report.notes = r.notes
            if !r.posts.isEmpty, let a = r.asOf { report.notes.append("lifetime totals as of \(a)") }
            for n in r.notes { issues.warning(r.file, 0, 0, n) }
            summary.reports.append(report)
            summary.files.append(.init(file: r.file, rows: r.rows, seconds: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9))
        }
        let rows = order.map { posts[$0]! }
        for start in stride(from: 0, to: rows.count, by: max(1, batchSize)) {
            let batch = Array(rows[start..<min(rows.count, start + batchSize)])
            let dups = try await session.upsert(posts: batch)
            for i in dups { issues.error("posts", 0, 0, "post \(batch[i].postID): already written by a contract file of this import") }
        }
        if let a = plan.anchorAccount {
            for f in options.followers {
                guard f.date <= LocalDate(utcInstant: now).adding(days: 1) else {
                    issues.error("--followers", 0, 0, "\(f.date): a day later than tomorrow")
                    continue
                }
                var p = DailyPatch(accountID: a, date: f.date)
                p.followers = f.total
                patches.append(p)
            }
        }
        for start in stride(from: 0, to: patches.count, by: max(1, batchSize)) {
            try await session.merge(daily: Array(patches[start..<min(patches.count, start + batchSize)]))
        }
    }
}
