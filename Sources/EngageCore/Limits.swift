/// The documented limits of what Engage accepts (docs/import.md, "Limits"). They are chosen
/// so that no sum a report makes over stored data can pass `Int.max` (≈ 9.2 × 10^18):
/// a count is at most 10^12, one account's day of posts adds up to at most 10^15, and a
/// report covers at most 3,700 days (3.7 × 10^18). Sums that these bounds do not cover (over
/// any number of rows, employees or accounts) are added with `Checked`, which throws
/// `ArithmeticOverflow` instead of trapping.
public enum Limits {
    /// Largest count in an imported file (likes, followers, views, impressions, …).
    public static let maxCount = 1_000_000_000_000
    /// Largest money amount, in cents (10^12 in currency units).
    public static let maxCents = 100_000_000_000_000
    /// Largest total of one account's posts on one local day (engagements, views, clicks,
    /// spend in cents), in the post rollup.
    public static let maxDayTotal = 1_000_000_000_000_000
    /// Longest report period, in days (ten years and a little).
    public static let maxPeriodDays = 3_700
    /// Largest field of a CSV file, in bytes (a post's text is far smaller).
    public static let maxFieldBytes = 1 << 20
    /// Most fields in one CSV record.
    public static let maxFields = 512

    /// `10^12` as people read it in messages.
    public static func shown(_ v: Int) -> String {
        var exponent = 0, x = v
        while x >= 10, x % 10 == 0 { x /= 10; exponent += 1 }
        return x == 1 && exponent >= 6 ? "10^\(exponent)" : String(v)
    }
}

/// A sum that would pass the largest whole number Engage can hold (2^63 − 1).
public struct ArithmeticOverflow: UserFacingError, Sendable, Equatable {
    public var what: String
    public init(_ what: String = "a total") { self.what = what }
    public var description: String {
        "\(what) is too large to add up (over 9.2 × 10^18): the data holds numbers beyond Engage's limits (see docs/import.md, Limits)"
    }
}

/// Whole-number arithmetic that throws `ArithmeticOverflow` where plain `+` would trap.
public enum Checked {
    @inlinable
    public static func add(_ a: inout Int, _ b: Int, _ what: @autoclosure () -> String = "a total") throws {
        let (r, o) = a.addingReportingOverflow(b)
        if o { throw ArithmeticOverflow(what()) }
        a = r
    }

    /// Adds to an optional total (nil: nothing added yet).
    @inlinable
    public static func add(_ a: inout Int?, _ b: Int, _ what: @autoclosure () -> String = "a total") throws {
        var v = a ?? 0
        try add(&v, b, what())
        a = v
    }

    @inlinable
    public static func sum(_ values: some Sequence<Int>, _ what: @autoclosure () -> String = "a total") throws -> Int {
        var total = 0
        for v in values { try add(&total, v, what()) }
        return total
    }

    /// `a + b` saturated at the bounds of `Int` (for running totals checked against a limit
    /// afterwards: a saturated total is always past the limit).
    @inlinable
    public static func saturating(_ a: Int, _ b: Int) -> Int {
        let (r, o) = a.addingReportingOverflow(b)
        return o ? (b > 0 ? .max : .min) : r
    }

    /// `a × b` saturated at the bounds of `Int`.
    @inlinable
    public static func saturating(_ a: Int, times b: Int) -> Int {
        let (r, o) = a.multipliedReportingOverflow(by: b)
        return o ? ((a < 0) != (b < 0) ? .min : .max) : r
    }
}
