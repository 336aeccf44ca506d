import EngageCore

/// The days of native exports, written once for both engines: figures merged into
/// `account_daily` (a file fills the columns it has), and follower series rebuilt from the
/// totals known and the daily changes (`FollowerRebuild`).
enum DailyUpkeep {
    static let patchColumns = ["new_followers", "unfollows", "reach", "reach_organic", "reach_viral", "reach_paid",
                               "impressions", "page_views", "unique_visitors", "engaged_users"]

    static func values(_ p: DailyPatch) -> [Int?] {
        [p.newFollowers, p.unfollows, p.reach, p.reachOrganic, p.reachViral, p.reachPaid, p.impressions, p.pageViews,
         p.uniqueVisitors, p.engagedUsers]
    }

    /// One patch per account-day (later figures win), so that one statement never meets a
    /// key twice (PostgreSQL refuses that in a multi-row upsert).
    static func combined(_ patches: [DailyPatch]) -> [DailyPatch] {
        var order: [String] = []
        var byKey: [String: DailyPatch] = [:]
        for p in patches {
            let k = "\(p.accountID)\u{1F}\(p.date.dayNumber)"
            guard var m = byKey[k] else { byKey[k] = p; order.append(k); continue }
            m.followers = p.followers ?? m.followers
            m.newFollowers = p.newFollowers ?? m.newFollowers; m.unfollows = p.unfollows ?? m.unfollows
            m.reach = p.reach ?? m.reach; m.reachOrganic = p.reachOrganic ?? m.reachOrganic
            m.reachViral = p.reachViral ?? m.reachViral; m.reachPaid = p.reachPaid ?? m.reachPaid
            m.impressions = p.impressions ?? m.impressions; m.pageViews = p.pageViews ?? m.pageViews
            m.uniqueVisitors = p.uniqueVisitors ?? m.uniqueVisitors; m.engagedUsers = p.engagedUsers ?? m.engagedUsers
            byKey[k] = m
        }
        return order.map { byKey[$0]! }
    }

    static func merge(_ script: SQLScript, _ patches: [DailyPatch], importID: Int) {
        let cols = ["account_id", "day", "import_id", "followers", "followers_given"] + patchColumns
        let sets = ["import_id = excluded.import_id",
                    "followers = CASE WHEN excluded.followers_given = 1 THEN excluded.followers ELSE account_daily.followers END",
                    "followers_given = CASE WHEN excluded.followers_given = 1 THEN 1 ELSE account_daily.followers_given END"]
            + patchColumns.map { "\($0) = COALESCE(excluded.\($0), account_daily.\($0))" }
        let sql = """
            INSERT INTO account_daily (\(cols.joined(separator: ", "))) VALUES \(SQLScript.tuples(count: 1, width: cols.count, after: 0))
            ON CONFLICT (account_id, day) DO UPDATE SET \(sets.joined(separator: ", "))
            """
        let rows: [[StoreValue]] = combined(patches).map { p in
            [.text(p.accountID), .int(p.date.dayNumber), .int(importID), p.followers.map { .int($0) } ?? .null,
             .int(p.followers == nil ? 0 : 1)] + values(p).map { $0.map { .int($0) } ?? .null }
        }
        script.addEach(sql, rows: rows)
    }

    /// Reads each account's days and writes back the rebuilt totals of the days without a
    /// given one. `note` hears of accounts left without any total and of days left unknown.
    static func rebuildFollowers(_ script: SQLScript, accounts: [String], note: @escaping (String) -> Void) {
        for account in accounts {
            var days: [FollowerRebuild.Day] = []
            var stored: [Int?] = []
            script.add("""
                SELECT day, followers, followers_given, new_followers, unfollows FROM account_daily WHERE account_id = ?1 ORDER BY day
                """, [.text(account)], row: { r in
                    let given = try r.int(2) == 1
                    days.append(.init(day: try r.int(0), given: given ? try r.optInt(1) : nil, new: try r.optInt(3), lost: try r.optInt(4)))
                    stored.append(try r.optInt(1))
                }, then: {
                    guard days.contains(where: { $0.given == nil }) else { return }
                    let totals = FollowerRebuild.totals(days)
                    if !days.contains(where: { $0.given != nil }) {
                        note("\(account): no follower total is known, so follower-based metrics stay empty; give one with --followers N@YYYY-MM-DD")
                    } else if let d = days.indices.first(where: { days[$0].given == nil && totals[$0] == nil }) {
                        note("\(account): the follower total walked below zero on \(LocalDate(dayNumber: days[d].day)) (check the total given and the daily changes); those days stay empty")
                    }
                    var rows: [[StoreValue]] = []
                    for i in days.indices where days[i].given == nil && totals[i] != stored[i] {
                        rows.append([.text(account), .int(days[i].day), totals[i].map { .int($0) } ?? .null])
                    }
                    guard !rows.isEmpty else { return }
                    script.addEach("""
                        INSERT INTO account_daily (account_id, day, followers, import_id, followers_given) VALUES (?1, ?2, ?3, 0, 0)
                        ON CONFLICT (account_id, day) DO UPDATE SET followers = excluded.followers WHERE account_daily.followers_given = 0
                        """, rows: rows)
                })
        }
    }
}
