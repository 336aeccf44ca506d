import Foundation

/// Per-statement results, drivers, comment groups and the small-sample rules of
/// METRICS.md §4 (docs/metrics.md, "Statements and drivers").
extension Survey {
    // MARK: small samples

    /// Below this many respondents reliability (KR-20, Cronbach's α) is withheld and the
    /// index is marked preliminary: α's sampling error at n = 30 is already about ±0.1 for
    /// a 12-item scale, and below it the figure swings to anything (−0.55 from 7 answers).
    public static let reliabilityMinimum = 30

    /// Below this many respondents drivers are not ranked ("not enough answers"): the 95 %
    /// interval of Spearman's ρ at n = 30 is still about ±0.35 wide on each side.
    public static let driverMinimum = 30

    // MARK: one statement's scale

    /// The lowest and highest points an answer of `item` can get (yes/no: 0 and 1).
    public static func pointRange(_ q: Questionnaire, _ item: Questionnaire.Item) -> (low: Double, high: Double) {
        switch q.method {
        case .yesNo: return (0, 1)
        case .scored:
            let points = item.options.map(\.points)
            return (points.min() ?? 0, points.max() ?? 1)
        }
    }

    /// An item's mean as a 0–100 score: (mean − lowest) / (highest − lowest) × 100, which is
    /// the % of yes for a yes/no statement. nil when the scale has a single value.
    public static func scorePct(mean: Double, range: (low: Double, high: Double)) -> Double? {
        guard range.high > range.low else { return nil }
        return (mean - range.low) / (range.high - range.low) * 100
    }

    /// Where an answer sits on its statement's scale: favourable above the middle of the
    /// point range, neutral at it, unfavourable below (a five-point scale 0…4: 3–4
    /// favourable, 2 neutral, 0–1 unfavourable; 0…3: 2–3 and 0–1, no neutral).
    public enum Leaning: String, Sendable { case favourable, neutral, unfavourable }

    public static func leaning(points: Double, range: (low: Double, high: Double)) -> Leaning {
        let middle = (range.low + range.high) / 2
        if abs(points - middle) < 1e-9 { return .neutral }
        return points > middle ? .favourable : .unfavourable
    }

    // MARK: drivers

    /// One statement's relation to the rest of the survey across respondents.
    public struct Driver: Sendable, Equatable {
        /// Spearman's ρ between the statement's points and the respondent's total over the
        /// other statements (the rest score: the statement itself is left out, else it
        /// would correlate with itself); nil when either side does not vary.
        public var rho: Double?
        public var interval: Interval?
        public var n: Int
        /// n at least `driverMinimum`.
        public var enough: Bool
    }

    /// Drivers of each column of `points` (one row per respondent, one column per
    /// statement, every row complete).
    public static func drivers(_ points: [[Double]], minimum: Int = driverMinimum) -> [Driver] {
        guard let k = points.first?.count else { return [] }
        let totals = points.map { $0.reduce(0, +) }
        return (0..<k).map { i in
            let item = points.map { $0[i] }
            let rest = zip(totals, item).map { $0 - $1 }
            let rho = Statistics.spearman(item, rest)
            let n = points.count
            return Driver(rho: rho, interval: rho.flatMap { spearmanInterval($0, n: n) }, n: n, enough: n >= minimum)
        }
    }

    /// What to do about a statement, from its impact (ρ) and its score, each against the
    /// median over the statements with enough answers: high impact and a score below the
    /// median — act first; high impact, score at or above — keep; low impact and low
    /// score — monitor; low impact, high score — secondary. Ties with the median ρ count
    /// as high impact.
    public enum Priority: String, Sendable, CaseIterable { case actFirst = "act_first", keep, monitor, secondary }

    public static func priorities(_ items: [(impact: Double?, score: Double?)]) -> [Priority?] {
        let impacts = items.compactMap { $0.score == nil ? nil : $0.impact }
        let scores = items.compactMap { $0.impact == nil ? nil : $0.score }
        guard let mi = Statistics.median(impacts), let ms = Statistics.median(scores), impacts.count >= 2 else {
            return items.map { _ in nil }
        }
        return items.map { it in
            guard let i = it.impact, let s = it.score else { return nil }
            switch (i >= mi, s < ms) {
            case (true, true): return .actFirst
            case (true, false): return .keep
            case (false, true): return .monitor
            case (false, false): return .secondary
            }
        }
    }

    // MARK: comments

    /// A comment's key for grouping: lower case, ё as е, every run of characters that are
    /// not letters or digits as one space, trimmed. Texts with the same key are the same
    /// comment ("Больше обучения!" and "больше  обучения").
    public static func commentKey(_ text: String) -> String {
        var out = "", space = false
        for ch in text.lowercased().replacingOccurrences(of: "ё", with: "е") {
            if ch.isLetter || ch.isNumber {
                if space && !out.isEmpty { out.append(" ") }
                out.append(ch)
                space = false
            } else {
                space = true
            }
        }
        return out
    }

    /// Comments counted once per group of the same key, most frequent first (then by
    /// text); each group shows its most frequent wording (the first in sort order on a tie).
    /// Comments with no letters or digits are dropped.
    public static func groupComments(_ comments: [String]) -> [(text: String, count: Int)] {
        var groups: [String: [String: Int]] = [:]
        for c in comments {
            let key = commentKey(c)
            guard !key.isEmpty else { continue }
            groups[key, default: [:]][c.trimmingCharacters(in: .whitespacesAndNewlines), default: 0] += 1
        }
        return groups.values.map { wordings in
            let best = wordings.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.first!.key
            return (best, wordings.values.reduce(0, +))
        }.sorted { ($1.count, $0.text) < ($0.count, $1.text) }
    }
}
