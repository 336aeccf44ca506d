/// Daily follower snapshots of one account, looked up as-of: the followers on day d are
/// those of the latest snapshot on or before d.
public struct FollowerSeries: Sendable {
    public private(set) var dates: [Int] = []
    public private(set) var counts: [Int] = []

    public init() {}

    /// Snapshots in any order; a later duplicate of a date replaces the earlier one.
    public init(_ snapshots: [(LocalDate, Int)]) {
        for (d, c) in snapshots.sorted(by: { $0.0 < $1.0 }) {
            if let last = dates.last, last == d.dayNumber {
                counts[counts.count - 1] = c
            } else {
                dates.append(d.dayNumber)
                counts.append(c)
            }
        }
    }

    /// Followers on `d`; nil when there is no snapshot on or before it.
    public func on(_ d: LocalDate) -> Int? {
        var lo = 0, hi = dates.count  // first index with date > d
        while lo < hi {
            let mid = (lo + hi) / 2
            if dates[mid] <= d.dayNumber { lo = mid + 1 } else { hi = mid }
        }
        return lo == 0 ? nil : counts[lo - 1]
    }

    /// Followers on `d` when known and positive: the denominator rule of ER Day and ER Post.
    public func usable(_ d: LocalDate) -> Double? {
        guard let f = on(d), f > 0 else { return nil }
        return Double(f)
    }
}
