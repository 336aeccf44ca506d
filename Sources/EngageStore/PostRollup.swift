import EngageCore

/// In-memory changes to `post_rollup` gathered during one import and merged into the
/// table once, before commit.
///
/// Why a rollup kept at import: a year report over 1M posts must not scan the posts. The
/// formulas need, per account and local day, only sums (posts, likes, comments, shares,
/// views, clicks, spend, Σ engagements/views) — all posts of a day share that day's follower
/// count, so ER Post and ER Day are exact from them. Slices by hour, type and rubric feed
/// the "when and what works" tables. Memory is bounded by accounts × days × slices, not by
/// file size. An updated post is subtracted with its old values and added with its new ones.
public struct PostRollup: Sendable {
    public struct Key: Hashable, Sendable {
        public var dim: Int
        public var day: Int
        public var accountID: String
        public var key: String
    }

    public struct Sums: Sendable, Equatable {
        public var posts = 0, likes = 0, comments = 0, shares = 0, views = 0
        public var clicks = 0, clicksKnown = 0, spendCents = 0, spendKnown = 0
        public var erViewSum = 0.0, erViewPosts = 0
    }

    public private(set) var changes: [Key: Sums] = [:]

    public init() {}

    public var isEmpty: Bool { changes.isEmpty }

    public mutating func add(_ p: PostRow, sign: Int = 1) {
        var s = Sums()
        s.posts = sign
        s.likes = sign * p.likes
        s.comments = sign * p.comments
        s.shares = sign * p.shares
        s.views = sign * (p.views ?? 0)
        if let c = p.clicks { s.clicks = sign * c; s.clicksKnown = sign }
        if let c = p.spendCents { s.spendCents = sign * c; s.spendKnown = sign }
        if let v = p.views, v > 0 {
            s.erViewSum = Double(sign) * Double(p.engagements) / Double(v)
            s.erViewPosts = sign
        }
        let day = p.date.dayNumber
        merge(Key(dim: 0, day: day, accountID: p.accountID, key: ""), s)
        let slim = Sums(posts: sign, likes: s.likes, comments: s.comments, shares: s.shares)
        merge(Key(dim: SliceDimension.hour.rawValue, day: day, accountID: p.accountID, key: String(p.hour)), slim)
        merge(Key(dim: SliceDimension.type.rawValue, day: day, accountID: p.accountID, key: p.type ?? ""), slim)
        merge(Key(dim: SliceDimension.rubric.rawValue, day: day, accountID: p.accountID, key: p.rubric ?? ""), slim)
    }

    private mutating func merge(_ k: Key, _ s: Sums) {
        changes[k, default: Sums()].add(s)
    }

    public mutating func removeAll() { changes.removeAll(keepingCapacity: true) }
}

extension PostRollup.Sums {
    mutating func add(_ o: Self) {
        posts += o.posts; likes += o.likes; comments += o.comments; shares += o.shares; views += o.views
        clicks += o.clicks; clicksKnown += o.clicksKnown; spendCents += o.spendCents; spendKnown += o.spendKnown
        erViewSum += o.erViewSum; erViewPosts += o.erViewPosts
    }
}
