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

    /// Round axis maximum: 1, 2 or 5 × 10^k at or above `v`.
    static func niceMax(_ v: Double) -> Double {
        guard v > 0 else { return 1 }
        let e = pow(10, floor(log10(v)))
        for m in [1.0, 2, 5, 10] where m * e >= v { return m * e }
        return 10 * e
    }

    static func axisLabel(_ v: Double) -> String {
        if v >= 1_000_000 { return String(format: "%.1fM", v / 1_000_000).replacingOccurrences(of: ".0M", with: "M") }
        if v >= 1000 { return String(format: "%.1fk", v / 1000).replacingOccurrences(of: ".0k", with: "k") }
        if v == v.rounded() { return String(Int(v)) }
        return String(format: v < 1 ? "%.2f" : "%.1f", v)
    }

    /// A line chart over ordered points (days); `xLabels` picks which labels to print.
    public static func line(_ points: [Point], title: String, width: Int = 640, height: Int = 220, color: String = palette[0], unit: String = "") -> String {
        let pad = (l: 48.0, r: 24.0, t: 12.0, b: 28.0)
        let w = Double(width), h = Double(height)
        guard !points.isEmpty else { return empty(title, width, height) }
        let minV = min(0, points.map(\.value).min()!)
        let maxV = niceMax(points.map(\.value).max()!)
        let span = maxV - minV == 0 ? 1 : maxV - minV
        let n = points.count
        func x(_ i: Int) -> Double { pad.l + (n == 1 ? 0.5 : Double(i) / Double(n - 1)) * (w - pad.l - pad.r) }
        func y(_ v: Double) -> Double { pad.t + (1 - (v - minV) / span) * (h - pad.t - pad.b) }
        var s = header(title, width, height)
        s += grid(minV: minV, maxV: maxV, y: y, left: pad.l, right: w - pad.r, unit: unit)
        let path = points.enumerated().map { "\($0.offset == 0 ? "M" : "L")\(fmt(x($0.offset))),\(fmt(y($0.element.value)))" }.joined()
        s += "<path class=\"series\" d=\"\(path)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" stroke-linejoin=\"round\"/>"
        for (i, p) in points.enumerated() {
            s += "<circle class=\"pt\" cx=\"\(fmt(x(i)))\" cy=\"\(fmt(y(p.value)))\" r=\"\(n > 60 ? 1.5 : 3)\" fill=\"\(color)\"><title>\(htmlEscape(p.tooltip))</title></circle>"
        }
        let step = max(1, n / 6)
        for i in stride(from: 0, to: n, by: step) {
            s += "<text x=\"\(fmt(x(i)))\" y=\"\(fmt(h - 8))\" text-anchor=\"\(xAnchor(x(i), w))\" class=\"lbl\">\(htmlEscape(points[i].label))</text>"
        }
        return s + "</svg>"
    }

    /// Vertical bars, one per point.
    public static func bars(_ points: [Point], title: String, width: Int = 320, height: Int = 200, color: String = palette[0], unit: String = "") -> String {
        let pad = (l: 44.0, r: 8.0, t: 12.0, b: 28.0)
        let w = Double(width), h = Double(height)
        guard !points.isEmpty else { return empty(title, width, height) }
        let maxV = niceMax(points.map(\.value).max()!)
        func y(_ v: Double) -> Double { pad.t + (1 - v / maxV) * (h - pad.t - pad.b) }
        let slot = (w - pad.l - pad.r) / Double(points.count)
        var s = header(title, width, height)
        s += grid(minV: 0, maxV: maxV, y: y, left: pad.l, right: w - pad.r, unit: unit)
        for (i, p) in points.enumerated() {
            let x = pad.l + Double(i) * slot + slot * 0.15
            s += "<rect class=\"bar\" x=\"\(fmt(x))\" y=\"\(fmt(y(p.value)))\" width=\"\(fmt(slot * 0.7))\" height=\"\(fmt(max(0, y(0) - y(p.value))))\" fill=\"\(color)\" rx=\"2\"><title>\(htmlEscape(p.tooltip))</title></rect>"
            s += "<text x=\"\(fmt(x + slot * 0.35))\" y=\"\(fmt(h - 8))\" text-anchor=\"middle\" class=\"lbl\">\(htmlEscape(p.label))</text>"
        }
        return s + "</svg>"
    }

    /// Horizontal stacked bars: one row per item, one segment per part (e.g. organic/viral/paid reach).
    public static func stacked(rows: [(label: String, parts: [Double])], partNames: [String], title: String, width: Int = 640, formatValue: (Double) -> String) -> String {
        let rowH = 26.0, top = 28.0, left = 170.0, right = 16.0
        let height = Int(top + Double(max(rows.count, 1)) * rowH + 12)
        guard !rows.isEmpty else { return empty(title, width, height) }
        let maxV = niceMax(rows.map { $0.parts.reduce(0, +) }.max() ?? 1)
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
    public static func lines(_ series: [(name: String, points: [Point])], title: String, width: Int = 640, height: Int = 220, unit: String = "") -> String {
        let pad = (l: 48.0, r: 24.0, t: 22.0, b: 28.0)
        let w = Double(width), h = Double(height)
        let all = series.flatMap(\.points)
        guard let first = series.first, !first.points.isEmpty else { return empty(title, width, height) }
        let minV = min(0, all.map(\.value).min()!)
        let maxV = niceMax(all.map(\.value).max()!)
        let span = maxV - minV == 0 ? 1 : maxV - minV
        let n = first.points.count
        func x(_ i: Int) -> Double { pad.l + (n == 1 ? 0.5 : Double(i) / Double(n - 1)) * (w - pad.l - pad.r) }
        func y(_ v: Double) -> Double { pad.t + (1 - (v - minV) / span) * (h - pad.t - pad.b) }
        var s = header(title, width, height)
        s += grid(minV: minV, maxV: maxV, y: y, left: pad.l, right: w - pad.r, unit: unit)
        var lx = pad.l
        for (k, serie) in series.enumerated() {
            let color = palette[k % palette.count]
            s += "<rect x=\"\(fmt(lx))\" y=\"4\" width=\"10\" height=\"10\" fill=\"\(color)\"/><text x=\"\(fmt(lx + 14))\" y=\"13\" class=\"lbl\">\(htmlEscape(serie.name))</text>"
            lx += 24 + Double(serie.name.count) * 6.2
            let path = serie.points.enumerated().map { "\($0.offset == 0 ? "M" : "L")\(fmt(x($0.offset))),\(fmt(y($0.element.value)))" }.joined()
            s += "<path class=\"series\" d=\"\(path)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" stroke-linejoin=\"round\"/>"
            for (i, p) in serie.points.enumerated() {
                s += "<circle class=\"pt\" cx=\"\(fmt(x(i)))\" cy=\"\(fmt(y(p.value)))\" r=\"\(n > 60 ? 1.5 : 2.5)\" fill=\"\(color)\"><title>\(htmlEscape(p.tooltip))</title></circle>"
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

    static func grid(minV: Double, maxV: Double, y: (Double) -> Double, left: Double, right: Double, unit: String) -> String {
        var s = ""
        for i in 0...4 {
            let v = minV + (maxV - minV) * Double(i) / 4
            s += "<line x1=\"\(fmt(left))\" x2=\"\(fmt(right))\" y1=\"\(fmt(y(v)))\" y2=\"\(fmt(y(v)))\" class=\"grid\"/>"
            s += "<text x=\"\(fmt(left - 6))\" y=\"\(fmt(y(v) + 4))\" text-anchor=\"end\" class=\"lbl\">\(axisLabel(v))\(unit)</text>"
        }
        return s
    }

    static func empty(_ title: String, _ w: Int, _ h: Int) -> String {
        header(title, w, h) + "<text x=\"\(w / 2)\" y=\"\(h / 2)\" text-anchor=\"middle\" class=\"lbl\">—</text></svg>"
    }
}
