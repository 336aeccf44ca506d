import EngageCore
import EngageReports
@testable import EngageServer
import EngageStore
import EngageTestSupport
import Foundation
import Testing

/// The advocacy report is built once for all its sections within its lifetime (before:
/// every section and every repeat built it again — 35 s each over a year of 10M clicks).
@Suite struct AdvocacyCacheTests {
    final class Builds: @unchecked Sendable {
        private let lock = NSLock()
        private var n = 0
        func add() { lock.withLock { n += 1 } }
        var count: Int { lock.withLock { n } }
    }

    @Test(arguments: engines) func oneBuildServesEverySectionUntilItExpiresOrAnImportLands(engine: Engine) async throws {
        try await withStore(engine) { store, _ in
            let cache = AdvocacyReportCache(), builds = Builds()
            let march = Period(from: LocalDate(year: 2026, month: 3, day: 1), to: LocalDate(year: 2026, month: 3, day: 31))
            let build: @Sendable () async throws -> AdvocacyReport = {
                builds.add()
                try await Task.sleep(for: .milliseconds(50))
                return try await AdvocacyReportBuilder(store: store).build(period: march)
            }
            let key = AdvocacyReportCache.Key(period: march, minShares: 3, version: 1)
            // requests at once share one build; later ones within the lifetime use it
            async let a = cache.report(key, ttl: 60, build: build)
            async let b = cache.report(key, ttl: 60, build: build)
            _ = try await (a, b)
            _ = try await cache.report(key, ttl: 60, build: build)
            #expect(builds.count == 1)
            // another period, another threshold, or a new data version (an import): built again
            _ = try await cache.report(.init(period: march, minShares: 5, version: 1), ttl: 60, build: build)
            _ = try await cache.report(.init(period: march, minShares: 3, version: 2), ttl: 60, build: build)
            #expect(builds.count == 3)
            // expired: built again; a lifetime of 0 caches nothing
            _ = try await cache.report(key, ttl: 0, build: build)
            _ = try await cache.report(key, ttl: 0, build: build)
            #expect(builds.count == 5)
            // a failed build is not kept
            struct Boom: Error {}
            let failing: @Sendable () async throws -> AdvocacyReport = { builds.add(); throw Boom() }
            let other = AdvocacyReportCache.Key(period: march, minShares: 9, version: 1)
            await #expect(throws: Boom.self) { try await cache.report(other, ttl: 60, build: failing) }
            _ = try await cache.report(other, ttl: 60, build: build)
            #expect(builds.count == 7)
        }
    }
}
