/// Rebuilds an account's follower totals from the daily changes most native exports give
/// (new and lost followers per day) and the totals that are known: a total a file states
/// (TikTok, LinkedIn creator), one typed by the user (`--followers N@DATE`) or an
/// `account_daily.csv` row.
///
/// A total is the count at the end of its day, so a day's change moves the total from the
/// day before to it: walking back from a known total, `followers[d−1] = followers[d] −
/// new[d] + lost[d]`; walking forward, `followers[d] = followers[d−1] + new[d] − lost[d]`.
/// Each unknown day is walked to from its nearest known total (the later one on a tie).
/// A day missing from the series changed nothing (VK leaves zero rows out), a missing
/// `lost` counts as 0. Without any known total nothing is guessed: every unknown day stays
/// nil, and so does a day the walk takes below zero (the anchor or the changes are wrong).
public enum FollowerRebuild {
    public struct Day: Sendable, Equatable {
        public var day: Int
        /// A known total, or nil.
        public var given: Int?
        public var new: Int?
        public var lost: Int?

        public init(day: Int, given: Int? = nil, new: Int? = nil, lost: Int? = nil) {
            self.day = day
            self.given = given
            self.new = new
            self.lost = lost
        }
    }

    /// The total of each day of `days` (sorted by day, one entry per day): the given ones
    /// as they are, the others rebuilt.
    public static func totals(_ days: [Day]) -> [Int?] {
        let anchors = days.indices.filter { days[$0].given != nil }
        guard !anchors.isEmpty else { return days.map { _ in nil } }
        // prefix[i] = the changes of days 0…i (nil once a sum would overflow)
        var prefix: [Int?] = []
        prefix.reserveCapacity(days.count)
        var running: Int? = 0
        for d in days {
            if let r = running {
                let (net, o1) = (d.new ?? 0).subtractingReportingOverflow(d.lost ?? 0)
                let (sum, o2) = r.addingReportingOverflow(net)
                running = o1 || o2 ? nil : sum
            }
            prefix.append(running)
        }
        var out: [Int?] = []
        out.reserveCapacity(days.count)
        var next = 0  // index into anchors of the first anchor at or after i
        for i in days.indices {
            if let g = days[i].given { out.append(g); continue }
            while next < anchors.count, anchors[next] < i { next += 1 }
            let later = next < anchors.count ? anchors[next] : nil
            let earlier = next > 0 ? anchors[next - 1] : nil
            let a: Int
            if let l = later, let e = earlier {
                a = days[l].day - days[i].day <= days[i].day - days[e].day ? l : e
            } else {
                a = later ?? earlier!
            }
            guard let pa = prefix[a], let pi = prefix[i], let f = days[a].given else { out.append(nil); continue }
            // later anchor: f − (changes after i up to a); earlier: f + (changes after a up to i)
            let (v, o) = a > i ? f.subtractingReportingOverflow(pa - pi) : f.addingReportingOverflow(pi - pa)
            out.append(o || v < 0 ? nil : v)
        }
        return out
    }
}
