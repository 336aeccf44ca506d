import Foundation

/// Employee engagement surveys (METRICS.md §4): the express (yes/no) method and the
/// three-component index, their bands, reliability, intervals, and the anonymity rules.
public enum Survey {
    // MARK: express method

    /// Total Yes / (respondents × items) × 100; nil without respondents.
    public static func engagementPct(yes: Int, respondents: Int, items: Int = 12) -> Double? {
        percent(Double(yes), Double(respondents * items))
    }

    public enum ExpressBand: String, Sendable, CaseIterable {
        case high, satisfactory, alarming
    }

    /// ≥ 70 high; above 50 and below 70 satisfactory; 50 or less alarming.
    public static func expressBand(_ pct: Double) -> ExpressBand {
        if pct >= 70 { return .high }
        if pct > 50 { return .satisfactory }
        return .alarming
    }

    // MARK: three-component index

    public enum IndexBand: String, Sendable, CaseIterable {
        case low, medium, high, top
    }

    /// 0–30 low, above 30 medium, above 60 high, 90 (the top score) top.
    public static func indexBand(_ index: Double) -> IndexBand {
        if index >= 90 { return .top }
        if index > 60 { return .high }
        if index > 30 { return .medium }
        return .low
    }

    /// The index on the 0–90 scale of the shipped templates, for questionnaires whose
    /// components have other maxima: Σ means / Σ maxima × 90.
    public static func rescaledIndex(means: [Double], maxima: [Double]) -> Double? {
        let top = maxima.reduce(0, +)
        guard top > 0, means.count == maxima.count else { return nil }
        return means.reduce(0, +) * 90 / top
    }

    /// eNPS: % promoters (9–10) − % detractors (0–6) of those who gave a score; nil if none.
    public static func enps(_ scores: [Double]) -> Double? {
        guard !scores.isEmpty else { return nil }
        let promoters = scores.filter { $0 >= 9 }.count, detractors = scores.filter { $0 <= 6 }.count
        return Double(promoters - detractors) / Double(scores.count) * 100
    }

    /// Comments are shown only for groups of at least this many respondents.
    public static let commentsMinimum = 10

    // MARK: reliability

    /// Cronbach's α of `scores` (one row per respondent, one column per item); nil with
    /// fewer than 2 items or respondents, or no variance in the totals.
    public static func cronbachAlpha(_ scores: [[Double]]) -> Double? {
        guard let k = scores.first?.count, k >= 2, scores.count >= 2, scores.allSatisfy({ $0.count == k }) else { return nil }
        let itemVariance = (0..<k).map { i in variance(scores.map { $0[i] }) }.reduce(0, +)
        let total = variance(scores.map { $0.reduce(0, +) })
        guard total > 0 else { return nil }
        return Double(k) / Double(k - 1) * (1 - itemVariance / total)
    }

    /// KR-20 for yes/no items (1 = yes): α with each item's variance p(1 − p).
    public static func kr20(_ answers: [[Bool]]) -> Double? {
        guard let k = answers.first?.count, k >= 2, answers.count >= 2 else { return nil }
        let n = Double(answers.count)
        let pq = (0..<k).map { i -> Double in
            let p = Double(answers.filter { $0[i] }.count) / n
            return p * (1 - p)
        }.reduce(0, +)
        let totals = answers.map { Double($0.filter { $0 }.count) }
        let total = populationVariance(totals)
        guard total > 0 else { return nil }
        return Double(k) / Double(k - 1) * (1 - pq / total)
    }

    static func variance(_ xs: [Double]) -> Double {
        guard xs.count >= 2 else { return 0 }
        let m = xs.reduce(0, +) / Double(xs.count)
        return xs.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(xs.count - 1)
    }

    static func populationVariance(_ xs: [Double]) -> Double {
        guard !xs.isEmpty else { return 0 }
        let m = xs.reduce(0, +) / Double(xs.count)
        return xs.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(xs.count)
    }

    // MARK: intervals

    public struct Interval: Sendable, Equatable {
        public var low: Double
        public var high: Double
        public init(low: Double, high: Double) {
            self.low = low
            self.high = high
        }
    }

    /// 95 % interval of a mean of per-person values (Student's t): each respondent's 12
    /// answers are one observation, not twelve. nil below 2 people.
    public static func meanInterval(_ xs: [Double]) -> Interval? {
        meanInterval(n: xs.count, sum: xs.reduce(0, +), sumOfSquares: xs.reduce(0) { $0 + $1 * $1 })
    }

    /// The same interval from a group's tally: n, Σx and Σx² (what is stored per group).
    public static func meanInterval(n: Int, sum: Double, sumOfSquares: Double) -> Interval? {
        guard n >= 2 else { return nil }
        let m = sum / Double(n)
        let variance = max(0, (sumOfSquares - sum * sum / Double(n)) / Double(n - 1))
        let half = tQuantile975(df: Double(n - 1)) * (variance / Double(n)).squareRoot()
        return Interval(low: m - half, high: m + half)
    }

    /// 95 % interval of the difference of two means from independent samples (Welch).
    public static func differenceInterval(_ a: [Double], _ b: [Double]) -> (difference: Double, interval: Interval)? {
        guard a.count >= 2, b.count >= 2 else { return nil }
        let ma = a.reduce(0, +) / Double(a.count), mb = b.reduce(0, +) / Double(b.count)
        let va = variance(a) / Double(a.count), vb = variance(b) / Double(b.count)
        let se = (va + vb).squareRoot()
        guard se > 0 else { return (mb - ma, Interval(low: mb - ma, high: mb - ma)) }
        let df = (va + vb) * (va + vb) / (va * va / Double(a.count - 1) + vb * vb / Double(b.count - 1))
        let half = tQuantile975(df: df) * se
        return (mb - ma, Interval(low: mb - ma - half, high: mb - ma + half))
    }

    /// The 97.5 % quantile of Student's t with `df` degrees of freedom (Cornish–Fisher
    /// expansion around the normal 1.959964; within 0.001 for df ≥ 3, exact table below).
    public static func tQuantile975(df: Double) -> Double {
        let table: [Double] = [12.7062, 4.3027, 3.1824, 2.7764, 2.5706]
        if df < 1 { return .infinity }
        if df.rounded() <= 5, abs(df - df.rounded()) < 1e-9 { return table[Int(df.rounded()) - 1] }
        let z = 1.959964
        let z3 = z * z * z, z5 = z3 * z * z, z7 = z5 * z * z, z9 = z7 * z * z
        return z + (z3 + z) / (4 * df) + (5 * z5 + 16 * z3 + 3 * z) / (96 * df * df)
            + (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * df * df * df)
            + (79 * z9 + 776 * z7 + 1482 * z5 - 1920 * z3 - 945 * z) / (92_160 * df * df * df * df)
    }

    /// 95 % interval of a correlation coefficient by Fisher's z (n ≥ 4).
    public static func correlationInterval(_ r: Double, n: Int) -> Interval? {
        guard n >= 4, abs(r) < 1 else { return nil }
        let z = atanh(r), half = 1.959964 / Double(n - 3).squareRoot()
        return Interval(low: tanh(z - half), high: tanh(z + half))
    }

    /// 95 % interval of Spearman's ρ by Fisher's z with the Fieller–Hartley–Pearson
    /// standard error √(1.06 / (n − 3)) (n ≥ 4).
    public static func spearmanInterval(_ rho: Double, n: Int) -> Interval? {
        guard n >= 4, abs(rho) < 1 else { return nil }
        let z = atanh(rho), half = 1.959964 * (1.06 / Double(n - 3)).squareRoot()
        return Interval(low: tanh(z - half), high: tanh(z + half))
    }

    /// Below this many pairs a correlation is reported but not read as evidence.
    public static let minimumPairs = 8

    // MARK: anonymity

    /// The groups of one breakdown (e.g. departments) that must not be shown: every group
    /// with fewer respondents than `threshold` (but at least one), and then — since a
    /// lone hidden group could be worked out by subtracting the others from the total —
    /// the next smallest groups until the hidden ones are at least two and together reach
    /// the threshold (or nothing is left to hide).
    public static func suppressed(_ counts: [String: Int], threshold: Int) -> Set<String> {
        var hidden = Set(counts.filter { $0.value > 0 && $0.value < threshold }.map(\.key))
        guard !hidden.isEmpty else { return hidden }
        let rest = counts.filter { $0.value > 0 && !hidden.contains($0.key) }.sorted { ($0.value, $0.key) < ($1.value, $1.key) }
        var i = 0
        while (hidden.count < 2 || hidden.reduce(0, { $0 + counts[$1]! }) < threshold), i < rest.count {
            hidden.insert(rest[i].key)
            i += 1
        }
        return hidden
    }

    /// The age band of a person born in `birthYear`, in `year`: <25, 25-34, 35-44, 45-54, 55+.
    public static func ageBand(birthYear: Int, in year: Int) -> String {
        switch year - birthYear {
        case ..<25: return "<25"
        case 25..<35: return "25-34"
        case 35..<45: return "35-44"
        case 45..<55: return "45-54"
        default: return "55+"
        }
    }

    /// The anonymity threshold actually used: at least 3, whatever is configured.
    public static func threshold(_ configured: Int) -> Int { max(3, configured) }
}
