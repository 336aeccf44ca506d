import EngageStore
import Foundation
import Logging
import ServiceLifecycle

/// Makes room for the clicks of the coming months ahead of time (PostgreSQL: the monthly
/// partitions of `clicks`, this month and the next two; on SQLite it recounts the per-day
/// click tables of past days that redirects changed): when the server starts, then every hour. A failure is logged and tried again at the next turn; until
/// then clicks still go in (to the default partition, which the month's partition takes
/// over when it is made).
struct ClickMonthsService: Service {
    let store: any Store
    let logger: Logger
    var interval: Duration = .seconds(3600)

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try await store.prepareClicks(now: Int64(Date().timeIntervalSince1970))
            } catch {
                logger.warning("could not prepare the coming months of clicks: \(error)")
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
