import EngageCore

/// One account-day of `post_rollup`: sums over the day's posts, and the day's posts and
/// engagements by slice (hour, type, rubric).
public struct RollupDay: Sendable, Equatable {
    public var posts = 0, likes = 0, comments = 0, shares = 0, views = 0
    public var clicks = 0, clicksKnown = 0, spendCents = 0, spendKnown = 0
    /// Σ engagements / views over the day's posts with views, and their number.
    public var erView = ERViewAccumulator()
    /// Slice → (posts, engagements).
    public var slices: [SliceKey: SliceSums] = [:]

    public struct SliceKey: Hashable, Sendable, Comparable {
        public var dimension: SliceDimension
        public var value: String
        public static func < (a: Self, b: Self) -> Bool { (a.dimension.rawValue, a.value) < (b.dimension.rawValue, b.value) }
        package init(dimension: SliceDimension, value: String) {
            self.dimension = dimension
            self.value = value
        }
    }

    public struct SliceSums: Sendable, Equatable {
        public var posts = 0
        public var engagements = 0
        package init(posts: Int = 0, engagements: Int = 0) {
            self.posts = posts
            self.engagements = engagements
        }
    }

    public init() {}

    /// Within `Limits.maxDayTotal` for stored days (checked before commit).
    public var engagements: Int { Checked.saturating(Checked.saturating(likes, comments), shares) }

    // Sums saturate instead of trapping: a saturated sum is past `Limits.maxDayTotal`, and
    // `limitProblem` refuses the import before anything is committed.

    mutating func add(_ p: PostRow, sign: Int) {
        typealias C = Checked
        posts += sign
        likes = C.saturating(likes, sign * p.likes)
        comments = C.saturating(comments, sign * p.comments)
        shares = C.saturating(shares, sign * p.shares)
        views = C.saturating(views, sign * (p.views ?? 0))
        if let c = p.clicks { clicks = C.saturating(clicks, sign * c); clicksKnown += sign }
        if let c = p.spendCents { spendCents = C.saturating(spendCents, sign * c); spendKnown += sign }
        erView.add(engagements: p.engagements, views: p.views, sign: sign)
    }

    /// Adds another day's sums (a delta).
    public mutating func merge(_ o: RollupDay) {
        typealias C = Checked
        posts = C.saturating(posts, o.posts); likes = C.saturating(likes, o.likes); comments = C.saturating(comments, o.comments)
        shares = C.saturating(shares, o.shares); views = C.saturating(views, o.views); clicks = C.saturating(clicks, o.clicks)
        clicksKnown += o.clicksKnown; spendCents = C.saturating(spendCents, o.spendCents); spendKnown += o.spendKnown
        erView.merge(o.erView)
        for (k, v) in o.slices {
            var s = slices[k, default: SliceSums()]
            s.posts += v.posts
            s.engagements = C.saturating(s.engagements, v.engagements)
            if s.posts == 0 && s.engagements == 0 { slices[k] = nil } else { slices[k] = s }
        }
    }

    /// This delta as a day of its own (what `merge` makes of it on an empty day): the
    /// slices it leaves at zero are dropped.
    func merged() -> RollupDay {
        var d = self
        d.erView = ERViewAccumulator()
        d.erView.merge(erView)  // 0 + sum, as `merge` adds it
        if d.slices.values.contains(where: { $0.posts == 0 && $0.engagements == 0 }) {
            d.slices = d.slices.filter { $0.value.posts != 0 || $0.value.engagements != 0 }
        }
        return d
    }

    /// What of this day passes `Limits.maxDayTotal` (nil when nothing does).
    public var limitProblem: String? {
        let totals: [(String, Int)] = [("engagements (likes + comments + shares)", Checked.saturating(Checked.saturating(likes, comments), shares)),
                                       ("views", views), ("clicks", clicks), ("spend (in cents)", spendCents), ("posts", posts)]
        guard let (name, v) = totals.first(where: { $0.1 > Limits.maxDayTotal || $0.1 < 0 }) else { return nil }
        return v < 0 ? "the day's \(name) would be negative" : "the day's \(name) add up to more than \(Limits.shown(Limits.maxDayTotal)), Engage's limit for one account's day"
    }

    /// `dim \t value \t posts \t engagements` lines, sorted; `%`, tab and newline in values
    /// are percent-escaped. Plain text, so both engines store it as TEXT.
    public func encodeSlices() -> String {
        // bytes appended in place: a day has a few dozen slices and a year of 100 accounts
        // 36,500 days, each encoded at every import that touches it
        var out: [UInt8] = []
        out.reserveCapacity(slices.count * 16)
        func number(_ v: Int) { out.append(contentsOf: String(v).utf8) }
        for (k, v) in slices.sorted(by: { $0.key < $1.key }) {
            if !out.isEmpty { out.append(10) }
            number(k.dimension.rawValue)
            out.append(9)
            out.append(contentsOf: Self.escape(k.value).utf8)
            out.append(9)
            number(v.posts)
            out.append(9)
            number(v.engagements)
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func decodeSlices(_ text: String) -> [SliceKey: SliceSums] {
        var out: [SliceKey: SliceSums] = [:]
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard f.count == 4, let d = Int(f[0]).flatMap(SliceDimension.init(rawValue:)), let p = Int(f[2]), let e = Int(f[3]) else { continue }
            out[SliceKey(dimension: d, value: unescape(f[1]))] = SliceSums(posts: p, engagements: e)
        }
        return out
    }

    /// Walks encoded slices without building intermediate strings: calls `body` with the
    /// dimension, the value, posts and engagements of each line.
    public static func forEachSlice(_ b: UnsafeBufferPointer<UInt8>, _ body: (Int, String, Int, Int) -> Void) {
        var i = 0
        let n = b.count
        func int(_ i: inout Int) -> Int {
            var neg = false, v = 0
            if i < n, b[i] == 45 { neg = true; i += 1 }
            while i < n, b[i] >= 48, b[i] <= 57 { v = v * 10 + Int(b[i] - 48); i += 1 }
            return neg ? -v : v
        }
        while i < n {
            let dim = int(&i)
            i += 1  // tab
            let start = i
            var escaped = false
            while i < n, b[i] != 9 { if b[i] == 37 { escaped = true }; i += 1 }
            var value = String(decoding: UnsafeBufferPointer(rebasing: b[start..<i]), as: UTF8.self)
            if escaped { value = unescape(Substring(value)) }
            i += 1
            let posts = int(&i)
            i += 1
            let engagements = int(&i)
            while i < n, b[i] != 10 { i += 1 }
            i += 1
            body(dim, value, posts, engagements)
        }
    }

    static func escape(_ s: String) -> String {
        guard s.contains(where: { $0 == "%" || $0 == "\t" || $0 == "\n" || $0 == "\r" }) else { return s }
        return s.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\t", with: "%09")
            .replacingOccurrences(of: "\n", with: "%0A").replacingOccurrences(of: "\r", with: "%0D")
    }

    static func unescape(_ s: Substring) -> String {
        guard s.contains("%") else { return String(s) }
        return s.replacingOccurrences(of: "%09", with: "\t").replacingOccurrences(of: "%0A", with: "\n")
            .replacingOccurrences(of: "%0D", with: "\r").replacingOccurrences(of: "%25", with: "%")
    }
}

extension RollupDay {
    /// The stored columns of a day, in the order `init(_:from:)` reads them.
    static let columns = "posts, likes, comments, shares, views, clicks, clicks_known, spend_cents, spend_known, er_view_sum, er_view_posts, slices"

    /// A stored day from `columns`, starting at column `c` (the slices only when asked).
    init(_ r: any SQLRow, from c: Int, slices: Bool = true) throws {
        self.init()
        posts = try r.int(c); likes = try r.int(c + 1); comments = try r.int(c + 2); shares = try r.int(c + 3)
        views = try r.int(c + 4); clicks = try r.int(c + 5); clicksKnown = try r.int(c + 6); spendCents = try r.int(c + 7)
        spendKnown = try r.int(c + 8); erView = ERViewAccumulator(sum: try r.double(c + 9), posts: try r.int(c + 10))
        if slices { self.slices = RollupDay.decodeSlices(try r.text(c + 11)) }
    }

    /// The values of `columns`.
    var values: [StoreValue] {
        [.int(posts), .int(likes), .int(comments), .int(shares), .int(views), .int(clicks), .int(clicksKnown), .int(spendCents),
         .int(spendKnown), .double(erView.sum), .int(erView.posts), .text(encodeSlices())]
    }
}

extension AccountFigures {
    /// Adds one stored day of the rollup to the period's figures; a total past `Int.max`
    /// (possible only with data beyond `Limits`) throws `ArithmeticOverflow`.
    mutating func add(_ d: RollupDay, date: LocalDate) throws {
        days.append(DayPosts(date: date, posts: d.posts, engagements: d.engagements))
        try Checked.add(&posts, d.posts, "posts"); try Checked.add(&likes, d.likes, "likes")
        try Checked.add(&comments, d.comments, "comments"); try Checked.add(&shares, d.shares, "shares")
        try Checked.add(&views, d.views, "views")
        _ = try Checked.sum([likes, comments, shares], "engagements")
        if d.clicksKnown > 0 { try Checked.add(&clicks, d.clicks, "clicks") }
        if d.spendKnown > 0 { try Checked.add(&spendCents, d.spendCents, "spend") }
        erView.merge(d.erView)
    }
}

/// An account's day of posts past `Limits.maxDayTotal`: the import is refused.
public struct DayTotalTooLarge: UserFacingError, Sendable {
    public var accountID: String
    public var date: LocalDate
    public var problem: String
    public var description: String { "account '\(accountID)', \(date): \(problem)" }

    /// Throws when `day` (about to be stored) is past the limits.
    static func check(_ key: PostRollup.DayKey, _ day: RollupDay) throws {
        if let p = day.limitProblem { throw DayTotalTooLarge(accountID: key.accountID, date: LocalDate(dayNumber: key.day), problem: p) }
    }
}

/// In-memory changes to `post_rollup` gathered during one import and merged into the
/// table once, before commit.
///
/// Why a rollup kept at import: a year report over 1M posts must not scan the posts. The
/// formulas need, per account and local day, only sums (posts, likes, comments, shares,
/// views, clicks, spend, Σ engagements/views) — all posts of a day share that day's follower
/// count, so ER Post and ER Day are exact from them; the slices by hour, type and rubric feed
/// the "when and what works" tables. One row per account-day (36,500 rows for 100 accounts
/// × a year) keeps both the merge at import and the year report's read small. Memory is
/// bounded by accounts × days, not by file size. An updated post is subtracted with its old
/// values and added with its new ones.
public struct PostRollup: Sendable {
    public struct DayKey: Hashable, Sendable, Comparable {
        public var day: Int
        public var accountID: String
        public static func < (a: Self, b: Self) -> Bool { (a.day, a.accountID) < (b.day, b.accountID) }
    }

    /// Interned keys: adding a post costs a few probes of integer-keyed tables
    /// (`IndexTable`), not string hashing.
    struct Key { var account: Int32, day: Int32 }

    private var accounts: [String] = []
    private var accountIndex: [String: Int32] = [:]
    private var lastAccount: (id: String, index: Int32) = ("", -1)
    private var values: [String] = []
    private var valueIndex: [String: Int32] = [:]
    /// Account-days: their keys and sums, found through `dayTable`.
    private var dayKeys: [Key] = []
    private var days: [RollupDay] = []
    private var dayTable = IndexTable()
    /// Slices of an account-day: (day index, dimension, slot) → sums, through `sliceTable`.
    private var sliceKeys: [UInt64] = []
    private var slices: [RollupDay.SliceSums] = []
    private var sliceTable = IndexTable()

    public init() {}

    private mutating func account(_ id: String) -> Int32 {
        if lastAccount.index >= 0, lastAccount.id == id { return lastAccount.index }
        let i: Int32
        if let known = accountIndex[id] { i = known } else {
            i = Int32(accounts.count)
            accounts.append(id)
            accountIndex[id] = i
        }
        lastAccount = (id, i)
        return i
    }

    private mutating func slot(_ value: String) -> Int32 {
        if let i = valueIndex[value] { return i }
        let i = Int32(values.count)
        values.append(value)
        valueIndex[value] = i
        return i
    }

    public mutating func add(_ p: PostRow, sign: Int = 1) {
        let key = Key(account: account(p.accountID), day: Int32(truncatingIfNeeded: p.date.dayNumber))
        let packed = UInt64(UInt32(bitPattern: key.account)) << 32 | UInt64(UInt32(bitPattern: key.day))
        let (d, newDay) = dayTable.index(of: packed, next: days.count)
        if newDay {
            dayKeys.append(key)
            days.append(RollupDay())
        }
        days[d].add(p, sign: sign)
        let eng = sign * p.engagements  // ≤ 3 × Limits.maxCount
        // a slice: the day's index (32 bits), its dimension (2 bits), its slot (30 bits:
        // an hour, or an interned type or rubric; far more values than any import holds)
        func bump(_ dim: SliceDimension, _ slot: Int32) {
            let k = UInt64(d) << 32 | UInt64(dim.rawValue & 3) << 30 | UInt64(UInt32(bitPattern: slot) & 0x3FFF_FFFF)
            let (s, new) = sliceTable.index(of: k, next: slices.count)
            if new {
                sliceKeys.append(k)
                slices.append(RollupDay.SliceSums())
            }
            slices[s].posts += sign
            slices[s].engagements = Checked.saturating(slices[s].engagements, eng)
        }
        bump(.hour, Int32(p.hour))
        bump(.type, slot(p.type ?? ""))
        bump(.rubric, slot(p.rubric ?? ""))
    }

    /// The changes per account-day, in primary-key order (fast B-tree merges).
    public var changes: [(DayKey, RollupDay)] {
        var out = days
        var counts = [Int](repeating: 0, count: days.count)
        for k in sliceKeys { counts[Int(k >> 32)] += 1 }
        for i in out.indices { out[i].slices.reserveCapacity(counts[i]) }
        for (i, k) in sliceKeys.enumerated() {
            let dim = SliceDimension(rawValue: Int(k >> 30 & 3))!
            let slot = Int(k & 0x3FFF_FFFF)
            let value = dim == .hour ? String(slot) : values[slot]
            out[Int(k >> 32)].slices[.init(dimension: dim, value: value)] = slices[i]
        }
        return zip(dayKeys, out).map { (DayKey(day: Int($0.day), accountID: accounts[Int($0.account)]), $1) }.sorted { $0.0 < $1.0 }
    }

    public mutating func removeAll() {
        self = PostRollup()
    }
}
