import Foundation

/// Division that yields nil instead of infinity or NaN: `a / b × scale`.
@inline(__always)
public func ratio(_ a: Double?, _ b: Double?, scale: Double = 1) -> Double? {
    guard let a, let b, b != 0 else { return nil }
    return a / b * scale
}

/// `a / b × 100`, nil on a zero or unknown denominator.
@inline(__always)
public func percent(_ a: Double?, _ b: Double?) -> Double? { ratio(a, b, scale: 100) }

extension Optional where Wrapped == Int {
    var double: Double? { map(Double.init) }
}

public enum Statistics {
    public static func mean(_ xs: [Double]) -> Double? {
        xs.isEmpty ? nil : xs.reduce(0, +) / Double(xs.count)
    }

    public static func median(_ xs: [Double]) -> Double? {
        guard !xs.isEmpty else { return nil }
        let s = xs.sorted()
        let m = s.count / 2
        return s.count % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2
    }

    /// Pearson's r; nil with fewer than 2 pairs or a constant series.
    public static func pearson(_ xs: [Double], _ ys: [Double]) -> Double? {
        precondition(xs.count == ys.count, "pearson needs paired series")
        guard xs.count >= 2, let mx = mean(xs), let my = mean(ys) else { return nil }
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for (x, y) in zip(xs, ys) {
            sxy += (x - mx) * (y - my)
            sxx += (x - mx) * (x - mx)
            syy += (y - my) * (y - my)
        }
        guard sxx > 0, syy > 0 else { return nil }
        return sxy / (sxx * syy).squareRoot()
    }

    /// Ranks 1…n, ties get the mean of their ranks.
    public static func ranks(_ xs: [Double]) -> [Double] {
        let order = xs.indices.sorted { xs[$0] < xs[$1] }
        var r = [Double](repeating: 0, count: xs.count)
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count, xs[order[j + 1]] == xs[order[i]] { j += 1 }
            let avg = Double(i + j) / 2 + 1
            for k in i...j { r[order[k]] = avg }
            i = j + 1
        }
        return r
    }

    /// Spearman's ρ: Pearson's r of the ranks (ties averaged).
    public static func spearman(_ xs: [Double], _ ys: [Double]) -> Double? {
        pearson(ranks(xs), ranks(ys))
    }

    /// Wilson score interval for a proportion `successes / n` at normal quantile `z`
    /// (1.96 ≈ 95 %). nil when n is 0.
    public static func wilson(successes: Int, n: Int, z: Double = 1.959_963_984_540_054) -> (lower: Double, upper: Double)? {
        guard n > 0 else { return nil }
        let nn = Double(n), p = Double(successes) / nn, z2 = z * z
        let center = (p + z2 / (2 * nn)) / (1 + z2 / nn)
        let half = z / (1 + z2 / nn) * (p * (1 - p) / nn + z2 / (4 * nn * nn)).squareRoot()
        return (max(0, center - half), min(1, center + half))
    }
}
