/// One survey response's answers: item id → the chosen answer (`yes`/`no` for yes/no
/// items, the option id for scored ones, `0`…`10` for `enps`). No person, no strata, no
/// time: this is all that is kept of a response (DESIGN.md, survey anonymity).
public typealias SurveyAnswers = [String: String]

/// Additive sums over a group's responses: everything a group's figures need (its index,
/// interval, eNPS, and each statement's result), and nothing that tells one person from
/// another. Per dimension (department, role, age band, gender) groups are kept as tallies,
/// never as rows with a joint vector of strata; tallies of the same group add up.
public struct SurveyTally: Sendable, Equatable {
    /// Respondents.
    public var n = 0
    /// Σ of each person's total points over the questionnaire's items (yes/no: yes answers).
    public var personSum = 0.0
    /// Σ of the squares of those totals (for the per-person interval).
    public var personSquares = 0.0
    /// item → Σ points.
    public var itemSums: [String: Double] = [:]
    /// item → answer → count (eNPS scores included, as item `enps`).
    public var answerCounts: [String: [String: Int]] = [:]

    public init() {}

    /// The points of one answer of `item` (nil: not an answer the questionnaire has).
    public static func points(_ q: Questionnaire, item: Questionnaire.Item, answer: String) -> Double? {
        switch q.method {
        case .yesNo: return answer == "yes" ? 1 : (answer == "no" ? 0 : nil)
        case .scored: return item.options.first { $0.id == answer }?.points
        }
    }

    /// Adds one response.
    public mutating func add(_ answers: SurveyAnswers, _ q: Questionnaire) {
        n += 1
        var total = 0.0
        for item in q.items {
            guard let a = answers[item.id], let p = Self.points(q, item: item, answer: a) else { continue }
            total += p
            itemSums[item.id, default: 0] += p
            answerCounts[item.id, default: [:]][a, default: 0] += 1
        }
        if let e = answers["enps"] { answerCounts["enps", default: [:]][e, default: 0] += 1 }
        personSum += total
        personSquares += total * total
    }

    public mutating func merge(_ o: SurveyTally) {
        n += o.n
        personSum += o.personSum
        personSquares += o.personSquares
        for (k, v) in o.itemSums { itemSums[k, default: 0] += v }
        for (item, counts) in o.answerCounts {
            for (a, c) in counts { answerCounts[item, default: [:]][a, default: 0] += c }
        }
    }

    /// Mean points of `item` per respondent.
    public func itemMean(_ item: String) -> Double? { n == 0 ? nil : (itemSums[item] ?? 0) / Double(n) }

    /// eNPS from the score counts (nil without scores).
    public var enps: Double? {
        guard let counts = answerCounts["enps"] else { return nil }
        var scores: [Double] = []
        for (a, c) in counts { if let s = Double(a) { scores += Array(repeating: s, count: c) } }
        return Survey.enps(scores)
    }

    public var enpsAnswers: Int { answerCounts["enps"]?.values.reduce(0, +) ?? 0 }

    // MARK: stored form

    /// `(measure, value)` pairs as the store keeps them: `n`, `person`, `person2`,
    /// `sum:ITEM`, `count:ITEM=ANSWER`.
    public var measures: [(String, Double)] {
        var out: [(String, Double)] = [("n", Double(n)), ("person", personSum), ("person2", personSquares)]
        for (k, v) in itemSums.sorted(by: { $0.key < $1.key }) { out.append(("sum:" + k, v)) }
        for (item, counts) in answerCounts.sorted(by: { $0.key < $1.key }) {
            for (a, c) in counts.sorted(by: { $0.key < $1.key }) { out.append(("count:\(item)=\(a)", Double(c))) }
        }
        return out
    }

    public init(measures: [(String, Double)]) {
        for (m, v) in measures {
            switch m {
            case "n": n += Int(v.rounded())
            case "person": personSum += v
            case "person2": personSquares += v
            default:
                if m.hasPrefix("sum:") { itemSums[String(m.dropFirst(4)), default: 0] += v } else if m.hasPrefix("count:"),
                    let eq = m.firstIndex(of: "=") {
                    let item = String(m[m.index(m.startIndex, offsetBy: 6)..<eq]), answer = String(m[m.index(after: eq)...])
                    answerCounts[item, default: [:]][answer, default: 0] += Int(v.rounded())
                }
            }
        }
    }
}

/// When answers waiting in memory join the stored results (DESIGN.md, survey anonymity).
/// A batch is never smaller than the threshold `t`, so comparing results before and after
/// a release tells the sum of at least `t` people, never one person's answers. While a
/// wave is open, `t` answers are held back after each release: the batch at the close is
/// then at least `t` too, whenever at least `t` answered at all.
public enum SurveyRelease {
    /// How many of `pending` answers to release now: while open, all but `t` once `2t` are
    /// waiting; at the close (or when the server stops), all of them if at least `t`, else
    /// none (they are dropped: fewer than `t` can never be shown or stored apart).
    public static func count(pending: Int, threshold t: Int, closing: Bool) -> Int {
        if closing { return pending >= t ? pending : 0 }
        return pending >= 2 * t ? pending - t : 0
    }
}
