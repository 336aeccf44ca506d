import EngageCore
import EngageReports
import EngageStore

/// Built reports, kept per (period, accounts) and the database's data version: the id of its
/// latest committed import. Every import adds a row to `imports`, so a report is rebuilt
/// after any import, by whichever instance made it; between imports a report is built once. Holds a
/// few dozen reports at most (least recently used go first). A cache, not state: another
/// instance never needs it.
actor ReportCache {
    struct Key: Hashable {
        var period: Period
        var accountIDs: [String]
        var version: Int
        /// A comparison range other than the period before (nil: that one).
        var comparison: Period? = nil
    }

    private var entries: [Key: (report: SocialReport, used: Int)] = [:]
    /// Renderings of cached reports (JSON, page sections by language), dropped with them.
    private var texts: [Key: [String: String]] = [:]
    private var clock = 0
    let capacity: Int

    init(capacity: Int = 32) { self.capacity = capacity }

    func cached(_ key: Key) -> SocialReport? {
        clock += 1
        guard let e = entries[key] else { return nil }
        entries[key] = (e.report, clock)
        return e.report
    }

    func store(_ key: Key, _ report: SocialReport) {
        clock += 1
        entries[key] = (report, clock)
        if entries.count > capacity, let oldest = entries.min(by: { $0.value.used < $1.value.used })?.key {
            entries[oldest] = nil
            texts[oldest] = nil
        }
    }

    /// A rendering (`variant`, e.g. "json" or "overview.ru") of the report under `key`, made
    /// once by `make`.
    func text(_ key: Key, variant: String, make: @Sendable () -> String) -> String {
        if let t = texts[key]?[variant] { return t }
        let t = make()
        if entries[key] != nil { texts[key, default: [:]][variant] = t }
        return t
    }
}

/// A report with its cache key, so its renderings can be cached beside it.
struct CachedReport: Sendable {
    let report: SocialReport
    let key: ReportCache.Key
    let cache: ReportCache

    /// `make(report)`, made once per report and variant.
    func text(_ variant: String, _ make: @escaping @Sendable (SocialReport) -> String) async -> String {
        let report = self.report
        return await cache.text(key, variant: variant) { make(report) }
    }
}

extension ServerState {
    /// The social report, from the cache when the data has not changed since it was built.
    /// The version is the latest committed import's id (readers never see an import before
    /// it commits); a report is kept only when the version is the same after it was built,
    /// so a report never sits under a version whose data it does not show.
    func socialReport(period: Period, accountIDs: [String]?, comparison: Period? = nil) async throws -> CachedReport {
        let version = try await store.dataVersion()
        let key = ReportCache.Key(period: period, accountIDs: accountIDs ?? [], version: version, comparison: comparison == period.previous ? nil : comparison)
        if let report = await reports.cached(key) { return CachedReport(report: report, key: key, cache: reports) }
        let report = try await SocialReportBuilder(store: store).build(period: period, accountIDs: accountIDs, comparison: comparison)
        if try await store.dataVersion() == version { await reports.store(key, report) }
        return CachedReport(report: report, key: key, cache: reports)
    }
}
