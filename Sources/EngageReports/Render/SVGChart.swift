import Foundation

/// Escapes text for HTML and SVG (element content and attribute values).
public func htmlEscape(_ s: String) -> String {
    var out = ""
    out.reserveCapacity(s.count)
    for c in s.unicodeScalars {
        switch c {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default: out.unicodeScalars.append(c)
        }
    }
    return out
}

/// Inline SVG charts drawn by the project (no scripts, no network): a line chart for
/// series over days, bar charts for categories, stacked bars for parts of a whole.
/// Each mark carries a `<title>` with its label and value, shown as a tooltip.
public enum SVGChart {
    public struct Point: Sendable {
        public var label: String
        public var value: Double
        public var tooltip: String
        public init(label: String, value: Double, tooltip: String) {
            self.label = label
            self.value = value
            self.tooltip = tooltip
        }
    }

    public static let palette = ["#2563eb", "#f59e0b", "#10b981", "#ef4444", "#8b5cf6", "#0ea5e9"]

    static func fmt(_ v: Double) -> String { String(format: "%.1f", v) }

    /// An x-axis label's anchor: near the right edge it ends at its point, so that it is not
    /// cut off by the chart's edge.
    static func xAnchor(_ x: Double, _ w: Double) -> String { w - x < 36 ? "end" : "middle" }

    /// A y-axis: from `low` to `high` in ticks of `step`.
    struct Axis: Equatable {
        var low: Double, high: Double, step: Double
        var ticks: [Double] {
            let n = Int(((high - low) / step).rounded())
            return (0...max(n, 1)).map { low + Double($0) * step }
        }
    }

    /// The round step (1, 2 or 5 × 10^k) at or above `v`.
    static func niceStep(_ v: Double) -> Double {
        guard v > 0, v.isFinite else { return 1 }
        let e = pow(10, floor(log10(v)))
        for m in [1.0, 2, 5] where m * e >= v * (1 - 1e-12) { return m * e }
        return 10 * e
    }

    /// The y-axis for `values`: round ticks, about four of them. From zero, unless
    /// `fromZero` is false and the values sit in a narrow band far above zero (followers:
    /// 10,000 → 10,200), where a zero baseline flattens the growth into a straight line; bars
    /// always start at zero, since a bar's length is its value. Counts (`integers`) tick
    /// in whole steps, so that no axis reads "2.5 clicks".
    static func axis(_ values: [Double], fromZero: Bool = true, integers: Bool = false) -> Axis {
        let finite = values.filter(\.isFinite)
        guard let lo0 = finite.min(), let hi0 = finite.max() else { return Axis(low: 0, high: 1, step: 0.25) }
        var low = min(0, lo0)
        if !fromZero, lo0 > 0, hi0 - lo0 < 0.25 * hi0 { low = lo0 }
        let high0 = max(hi0, 0)
        var step = niceStep((high0 - low) / 4)
        if high0 == low { step = niceStep(abs(high0) / 4) }
        if integers { step = max(1, step.rounded(.up)) }
        low = (low / step).rounded(.down) * step
        var high = (high0 / step).rounded(.up) * step
        if high <= low { high = low + step }
        return Axis(low: low, high: high, step: step)
    }

    /// A tick's label, as precise as the step needs: `10.05k` only when the ticks are 50
    /// apart, whole numbers as such.
    static func axisLabel(_ v: Double, step: Double) -> String {
        func trimmed(_ x: Double, _ digits: Int) -> String {
            var t = String(format: "%.\(digits)f", x)
            if t.contains(".") { while t.hasSuffix("0") { t.removeLast() }; if t.hasSuffix(".") { t.removeLast() } }
            return t == "-0" ? "0" : t
        }
        func digits(_ unitStep: Double) -> Int { unitStep >= 1 ? 0 : min(6, Int((-log10(unitStep)).rounded(.up))) }
        if abs(v) >= 1_000_000 && step >= 10_000 { return trimmed(v / 1_000_000, digits(step / 1_000_000)) + "M" }
        if abs(v) >= 1000 && step >= 10 { return trimmed(v / 1000, digits(step / 1000)) + "k" }
        return trimmed(v, digits(step))
    }

    /// Most points a line marks one by one, each with its tooltip. Beyond (a year of days on
    /// a 520-pixel chart: under 1.5 pixels a point, too close to point at), the line alone,
    /// its tooltip giving the first and last point and the range; the figures are in the
    /// page's tables and downloads. Keeps an overview of 70 accounts' years near 300 KB, not 3 MB.
    static let maxMarks = 92

    /// The tooltip of a whole series: first and last point, lowest and highest value.
    static func rangeTitle(_ points: [Point], unit: String, name: String? = nil) -> String {
        guard let first = points.first, let last = points.last, points.count > maxMarks else { return "" }
        let values = points.map(\.value).filter(\.isFinite)
        let low = values.min() ?? 0, high = values.max() ?? 0
        let step = axis(values).step / 100
        return "<title>\(htmlEscape((name.map { $0 + ": " } ?? "") + "\(first.label) — \(last.label): \(axisLabel(low, step: step))\(unit) … \(axisLabel(high, step: step))\(unit)"))</title>"
    }

    /// A line chart over ordered points (days); `xLabels` picks which labels to print.
    /// `fromZero: false` lets the axis start near the values where they sit far above zero;
    /// `integers` marks counts.
    public static func line(_ points: [Point], title: String, width: Int = 640, height: Int = 220, color: String = palette[0], unit: String = "",
                            fromZero: Bool = true, integers: Bool = false) -> String {
        let pad = (l: 48.0, r: 24.0, t: 12.0, b: 28.0)
        let w = Double(width), h = Double(height)
        guard !points.isEmpty else { return empty(title, width, height) }
        let ax = axis(points.map(\.value), fromZero: fromZero, integers: integers)
        let minV = ax.low, span = ax.high - ax.low
        let n = points.count
        func x(_ i: Int) -> Double { pad.l + (n == 1 ? 0.5 : Double(i) / Double(n - 1)) * (w - pad.l - pad.r) }
        func y(_ v: Double) -> Double { pad.t + (1 - (v - minV) / span) * (h - pad.t - pad.b) }
        var s = header(title, width, height)
        s += grid(ax, y: y, left: pad.l, right: w - pad.r, unit: unit)
        let path = points.enumerated().map { "\($0.offset == 0 ? "M" : "L")\(fmt(x($0.offset))),\(fmt(y($0.element.value)))" }.joined()
        s += "<path class=\"series\" d=\"\(path)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" stroke-linejoin=\"round\">\(rangeTitle(points, unit: unit))</path>"
        if n <= maxMarks {
            for (i, p) in points.enumerated() {
                s += "<circle class=\"pt\" cx=\"\(fmt(x(i)))\" cy=\"\(fmt(y(p.value)))\" r=\"\(n > 60 ? 1.5 : 3)\" fill=\"\(color)\"><title>\(htmlEscape(p.tooltip))</title></circle>"
            }
        }
        let step = max(1, n / 6)
        for i in stride(from: 0, to: n, by: step) {
            s += "<text x=\"\(fmt(x(i)))\" y=\"\(fmt(h - 8))\" text-anchor=\"\(xAnchor(x(i), w))\" class=\"lbl\">\(htmlEscape(points[i].label))</text>"
        }
        return s + "</svg>"
    }

    /// Vertical bars, one per point.
    public static func bars(_ points: [Point], title: String, width: Int = 320, height: Int = 200, color: String = palette[0], unit: String = "",
                            integers: Bool = false) -> String {
        let w = Double(width), h = Double(height)
        guard !points.isEmpty else { return empty(title, width, height) }
        // a label wider than its bar's slot goes on two lines ("Органический / охват")
        let slotWidth = (w - 52) / Double(points.count)
        let lines = points.map { wrap($0.label, width: slotWidth) }
        let twoLines = lines.contains { $0.count > 1 }
        let pad = (l: 44.0, r: 8.0, t: 12.0, b: twoLines ? 40.0 : 28.0)
        let ax = axis(points.map { max(0, $0.value) }, integers: integers)
        func y(_ v: Double) -> Double { pad.t + (1 - v / ax.high) * (h - pad.t - pad.b) }
        let slot = (w - pad.l - pad.r) / Double(points.count)
        var s = header(title, width, height)
        s += grid(ax, y: y, left: pad.l, right: w - pad.r, unit: unit)
        for (i, p) in points.enumerated() {
            let x = pad.l + Double(i) * slot + slot * 0.15
            s += "<rect class=\"bar\" x=\"\(fmt(x))\" y=\"\(fmt(y(p.value)))\" width=\"\(fmt(slot * 0.7))\" height=\"\(fmt(max(0, y(0) - y(p.value))))\" fill=\"\(color)\" rx=\"2\"><title>\(htmlEscape(p.tooltip))</title></rect>"
            let lx = fmt(x + slot * 0.35)
            s += "<text x=\"\(lx)\" y=\"\(fmt(h - (twoLines ? 20 : 8)))\" text-anchor=\"middle\" class=\"lbl\">"
                + lines[i].enumerated().map { "<tspan x=\"\(lx)\" dy=\"\($0.offset == 0 ? 0 : 12)\">\(htmlEscape($0.element))</tspan>" }.joined() + "</text>"
        }
        return s + "</svg>"
    }

    /// A label in at most two lines that fit `width` (at about 6.2 px a character), split
    /// at the space nearest the middle; one line when it fits or has no space.
    static func wrap(_ label: String, width: Double) -> [String] {
        guard Double(label.count) * 6.2 > width, label.contains(" ") else { return [label] }
        let middle = label.count / 2
        let spaces = label.indices.filter { label[$0] == " " }
        let cut = spaces.min { abs(label.distance(from: label.startIndex, to: $0) - middle) < abs(label.distance(from: label.startIndex, to: $1) - middle) }!
        return [String(label[..<cut]), String(label[label.index(after: cut)...])]
    }

    /// Horizontal stacked bars: one row per item, one segment per part (e.g. organic/viral/paid reach).
    public static func stacked(rows: [(label: String, parts: [Double])], partNames: [String], title: String, width: Int = 640, formatValue: (Double) -> String) -> String {
        let rowH = 26.0, top = 28.0, left = 170.0, right = 16.0
        let height = Int(top + Double(max(rows.count, 1)) * rowH + 12)
        guard !rows.isEmpty else { return empty(title, width, height) }
        let maxV = axis(rows.map { $0.parts.reduce(0, +) }).high
        let scale = (Double(width) - left - right) / maxV
        var s = header(title, width, height)
        var lx = left
        for (i, name) in partNames.enumerated() {
            s += "<rect x=\"\(fmt(lx))\" y=\"6\" width=\"10\" height=\"10\" fill=\"\(palette[i % palette.count])\"/><text x=\"\(fmt(lx + 14))\" y=\"15\" class=\"lbl\">\(htmlEscape(name))</text>"
            lx += 24 + Double(name.count) * 6.2
        }
        for (r, row) in rows.enumerated() {
            let y = top + Double(r) * rowH
            s += "<text x=\"\(fmt(left - 6))\" y=\"\(fmt(y + 15))\" text-anchor=\"end\" class=\"lbl\">\(htmlEscape(String(row.label.prefix(26))))</text>"
            var x = left
            for (i, v) in row.parts.enumerated() where v > 0 {
                s += "<rect class=\"bar\" x=\"\(fmt(x))\" y=\"\(fmt(y + 3))\" width=\"\(fmt(v * scale))\" height=\"\(fmt(rowH - 8))\" fill=\"\(palette[i % palette.count])\"><title>\(htmlEscape("\(row.label): \(partNames[i]) \(formatValue(v))"))</title></rect>"
                x += v * scale
            }
        }
        return s + "</svg>"
    }

    /// Horizontal bars, one row per point, the value printed at the bar's end (funnels,
    /// leaderboards).
    public static func hbars(_ points: [Point], title: String, width: Int = 640, color: String = palette[0], formatValue: (Double) -> String) -> String {
        let rowH = 26.0, top = 8.0, left = 170.0, right = 70.0
        let height = Int(top + Double(max(points.count, 1)) * rowH + 8)
        guard !points.isEmpty else { return empty(title, width, height) }
        let maxV = max(points.map(\.value).max() ?? 1, 1e-9)
        let scale = (Double(width) - left - right) / maxV
        var s = header(title, width, height)
        for (r, p) in points.enumerated() {
            let y = top + Double(r) * rowH
            s += "<text x=\"\(fmt(left - 6))\" y=\"\(fmt(y + 15))\" text-anchor=\"end\" class=\"lbl\">\(htmlEscape(String(p.label.prefix(26))))</text>"
            s += "<rect class=\"bar\" x=\"\(fmt(left))\" y=\"\(fmt(y + 3))\" width=\"\(fmt(max(0, p.value) * scale))\" height=\"\(fmt(rowH - 8))\" fill=\"\(color)\" rx=\"2\"><title>\(htmlEscape(p.tooltip))</title></rect>"
            s += "<text x=\"\(fmt(left + max(0, p.value) * scale + 6))\" y=\"\(fmt(y + 15))\" class=\"lbl\">\(htmlEscape(formatValue(p.value)))</text>"
        }
        return s + "</svg>"
    }

    /// Several series over the same days, one line each, with a legend.
    public static func lines(_ series: [(name: String, points: [Point])], title: String, width: Int = 640, height: Int = 220, unit: String = "",
                             integers: Bool = false) -> String {
        let pad = (l: 48.0, r: 24.0, t: 22.0, b: 28.0)
        let w = Double(width), h = Double(height)
        let all = series.flatMap(\.points)
        guard let first = series.first, !first.points.isEmpty else { return empty(title, width, height) }
        let ax = axis(all.map(\.value), integers: integers)
        let minV = ax.low, span = ax.high - ax.low
        let n = first.points.count
        func x(_ i: Int) -> Double { pad.l + (n == 1 ? 0.5 : Double(i) / Double(n - 1)) * (w - pad.l - pad.r) }
        func y(_ v: Double) -> Double { pad.t + (1 - (v - minV) / span) * (h - pad.t - pad.b) }
        var s = header(title, width, height)
        s += grid(ax, y: y, left: pad.l, right: w - pad.r, unit: unit)
        var lx = pad.l
        for (k, serie) in series.enumerated() {
            let color = palette[k % palette.count]
            s += "<rect x=\"\(fmt(lx))\" y=\"4\" width=\"10\" height=\"10\" fill=\"\(color)\"/><text x=\"\(fmt(lx + 14))\" y=\"13\" class=\"lbl\">\(htmlEscape(serie.name))</text>"
            lx += 24 + Double(serie.name.count) * 6.2
            let path = serie.points.enumerated().map { "\($0.offset == 0 ? "M" : "L")\(fmt(x($0.offset))),\(fmt(y($0.element.value)))" }.joined()
            s += "<path class=\"series\" d=\"\(path)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" stroke-linejoin=\"round\">\(rangeTitle(serie.points, unit: unit, name: serie.name))</path>"
            if serie.points.count <= maxMarks {
                for (i, p) in serie.points.enumerated() {
                    s += "<circle class=\"pt\" cx=\"\(fmt(x(i)))\" cy=\"\(fmt(y(p.value)))\" r=\"\(n > 60 ? 1.5 : 2.5)\" fill=\"\(color)\"><title>\(htmlEscape(p.tooltip))</title></circle>"
                }
            }
        }
        let step = max(1, n / 6)
        for i in stride(from: 0, to: n, by: step) {
            s += "<text x=\"\(fmt(x(i)))\" y=\"\(fmt(h - 8))\" text-anchor=\"\(xAnchor(x(i), w))\" class=\"lbl\">\(htmlEscape(first.points[i].label))</text>"
        }
        return s + "</svg>"
    }

    static func header(_ title: String, _ w: Int, _ h: Int) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 \(w) \(h)\" width=\"\(w)\" height=\"\(h)\" role=\"img\" aria-label=\"\(htmlEscape(title))\"><title>\(htmlEscape(title))</title>"
    }

    static func grid(_ axis: Axis, y: (Double) -> Double, left: Double, right: Double, unit: String) -> String {
        var s = ""
        for v in axis.ticks {
            s += "<line x1=\"\(fmt(left))\" x2=\"\(fmt(right))\" y1=\"\(fmt(y(v)))\" y2=\"\(fmt(y(v)))\" class=\"grid\"/>"
            s += "<text x=\"\(fmt(left - 6))\" y=\"\(fmt(y(v) + 4))\" text-anchor=\"end\" class=\"lbl\">\(axisLabel(v, step: axis.step))\(unit)</text>"
        }
        return s
    }

    static func empty(_ title: String, _ w: Int, _ h: Int) -> String {
        header(title, w, h) + "<text x=\"\(w / 2)\" y=\"\(h / 2)\" text-anchor=\"middle\" class=\"lbl\">—</text></svg>"
    }
}
