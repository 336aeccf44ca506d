import EngageCore
import EngageStore

/// ER Post averaged over the posts of one slice (a weekday, an hour, a type, a rubric).
public struct Breakdown: Sendable, Equatable {
    public var key: String
    public var posts: Int
    public var engagements: Int
    public var erPostAvgPct: Double?
}

/// Everything the social report shows for one account.
public struct AccountReport: Sendable {
    public var account: Account
    public var metrics: SocialMetrics
    public var previous: SocialMetrics
    public var topPosts: [PostMetrics]
    public var byWeekday: [Breakdown]
    public var byHour: [Breakdown]
    public var byType: [Breakdown]
    public var byRubric: [Breakdown]
    /// ER by followers per day (the trend).
    public var dailyER: [(date: LocalDate, erPct: Double)]
    /// Followers on each day of the period (as-of), where known.
    public var followers: [(date: LocalDate, followers: Int)]
}

/// The social-media report (METRICS.md §1 and §2) for one period.
public struct SocialReport: Sendable {
    public var period: Period
    public var accounts: [AccountReport]
    public var traffic: TrafficMetrics
    /// What `previous` figures are of: the period before, unless another range was chosen.
    public var comparison: Period

    /// Own accounts first, then competitors; by id within each.
    public var own: [AccountReport] { accounts.filter { !$0.account.competitor } }
    public var competitors: [AccountReport] { accounts.filter { $0.account.competitor } }
}

extension AccountReport {
    /// Inputs whose absence leaves metrics of this account empty (`followers`, `views`,
    /// `reach`): the reports say beside the empty metrics which file would fill them —
    /// typical of native exports, which each lack one of them (docs/import.md).
    public var missingInputs: [String] {
        var out: [String] = []
        if metrics.followersEnd == nil { out.append("followers") }
        if metrics.posts > 0, metrics.erViewAvgPct == nil { out.append("views") }
        if metrics.reachTotal == nil { out.append("reach") }
        return out
    }
}

/// Builds a `SocialReport` from the store: the engine aggregates, the core applies formulas.
public struct SocialReportBuilder: Sendable {
    public var store: any Store
    public var topPostLimit = 5

    public init(store: any Store) { self.store = store }

    /// The report of `period`, each account's figures beside those of `comparison` (by
    /// default the period of the same length just before).
    public func build(period: Period, accountIDs: [String]? = nil, comparison: Period? = nil) async throws -> SocialReport {
        try period.checkLength()
        let comparison = comparison ?? period.previous
        try comparison.checkLength()
        // archived accounts only when asked for by id
        let accounts = try await store.accounts().filter { a in accountIDs.map { $0.contains(a.accountID) } ?? !a.archived }
        if let ids = accountIDs {
            let known = Set(accounts.map(\.accountID))
            if let missing = ids.first(where: { !known.contains($0) }) { throw StoreError.notFound("unknown account '\(missing)'") }
        }
        let figures = try await store.accountFigures(period: period, accountIDs: accountIDs)
        let previousFigures = try await store.accountFigures(period: comparison, accountIDs: accountIDs)
        let slices = try await store.postSlices(period: period, accountIDs: accountIDs, followers: figures.mapValues(\.followers))

        let tops = try await store.topPosts(accountIDs: accounts.map(\.accountID), period: period, limit: topPostLimit)

        var reports: [AccountReport] = []
        var ownSpendCents: Int?
        for a in accounts {
            let f = figures[a.accountID] ?? AccountFigures()
            let pf = previousFigures[a.accountID] ?? AccountFigures()
            let prev = SocialMetrics(pf, period: comparison, previous: nil)
            let m = SocialMetrics(f, period: period, previous: .init(erFollowersPct: prev.erFollowersPct, responseTimeAvg: prev.responseTimeAvg))
            if !a.competitor, let s = f.spendCents { try Checked.add(&ownSpendCents, s, "spend") }
            var top = tops[a.accountID] ?? []
            for i in top.indices { top[i].followers = f.followers.on(top[i].date) }
            var weekdays: [String: ERPostAccumulator] = [:]
            for d in f.days { weekdays[String(d.date.weekday), default: ERPostAccumulator()].add(d, followers: f.followers) }
            let byWeekday = Self.breakdown(weekdays).sorted { Int($0.key)! < Int($1.key)! }
            let byHour = Self.breakdown(slices[a.accountID]?[.hour] ?? [:]).sorted { Int($0.key)! < Int($1.key)! }
            let byType = Self.breakdown(slices[a.accountID]?[.type] ?? [:]).sorted(by: Self.byER)
            let byRubric = Self.breakdown(slices[a.accountID]?[.rubric] ?? [:]).sorted(by: Self.byER)
            var followerPoints: [(LocalDate, Int)] = []
            for dn in period.from.dayNumber...period.to.dayNumber {
                let d = LocalDate(dayNumber: dn)
                if let v = f.followers.on(d) { followerPoints.append((d, v)) }
            }
            reports.append(AccountReport(
                account: a, metrics: m, previous: prev, topPosts: top, byWeekday: byWeekday, byHour: byHour, byType: byType,
                byRubric: byRubric, dailyER: SocialFormulas.dailyER(days: f.days, followers: f.followers, period: period),
                followers: followerPoints))
        }

        // Traffic is not per account: its days are cut in UTC.
        let fromUTC = period.from.startUTC
        let toUTC = period.to.adding(days: 1).startUTC
        let sessions = try await store.sessions(fromUTC: fromUTC, toUTC: toUTC)
        let converting = Set(sessions.filter(\.converted).map(\.visitorID))
        let paths = converting.isEmpty ? [] : try await store.sessions(
            visitors: converting, fromUTC: fromUTC - Traffic.attributionWindowSeconds, toUTC: toUTC)
        if accountIDs == nil, let c = try await store.unassignedCostsCents(period: period) { try Checked.add(&ownSpendCents, c, "spend") }
        let traffic = TrafficMetrics(sessions: sessions, paths: paths, ownSpend: ownSpendCents.map { Double($0) / 100 })
        return SocialReport(period: period, accounts: reports, traffic: traffic, comparison: comparison)
    }

    static func breakdown(_ groups: [String: ERPostAccumulator]) -> [Breakdown] {
        groups.map { key, acc in Breakdown(key: key, posts: acc.postsTotal, engagements: acc.engagements, erPostAvgPct: acc.averagePct) }
    }

    static func byER(_ a: Breakdown, _ b: Breakdown) -> Bool {
        let x = a.erPostAvgPct ?? -1, y = b.erPostAvgPct ?? -1
        return x != y ? x > y : a.key < b.key
    }
}
