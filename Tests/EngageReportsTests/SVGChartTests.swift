import Testing
import EngageCore
@testable import EngageReports

/// The charts' y-axes: growth is visible, counts tick in whole numbers, labels as precise
/// as their step (before: every axis from zero in quarters of a rounded maximum, so that
/// followers going 10,000 → 10,200 drew a flat line and a clicks chart read "0.5, 1.5").
@Suite struct SVGChartTests {
    @Test func followersGrowthIsVisible() {
        let ax = SVGChart.axis([10_000, 10_100, 10_200], fromZero: false, integers: true)
        #expect(ax == .init(low: 10_000, high: 10_200, step: 50))
        #expect(ax.ticks.map { SVGChart.axisLabel($0, step: ax.step) } == ["10k", "10.05k", "10.1k", "10.15k", "10.2k"])
        // drawn: the first and the last point are the bottom and the top of the plot
        let svg = SVGChart.line([10_000, 10_100, 10_200].map { .init(label: "d", value: $0, tooltip: "t") }, title: "f", height: 220, fromZero: false, integers: true)
        let ys = svg.components(separatedBy: "cy=\"").dropFirst().map { Double($0.prefix { $0 != "\"" })! }
        #expect(ys == [192.0, 102.0, 12.0], "the plot runs from y 12 to 192")
        // the same values from zero (bars, or a chart that asks for it)
        let zero = SVGChart.axis([10_000, 10_100, 10_200])
        #expect(zero == .init(low: 0, high: 15_000, step: 5_000))
        #expect(zero.ticks.map { SVGChart.axisLabel($0, step: zero.step) } == ["0", "5k", "10k", "15k"])
        // a wide band stays from zero: 100 → 10,200 is not "far above zero"
        #expect(SVGChart.axis([100, 10_200], fromZero: false).low == 0)
    }

    @Test func countsTickInWholeNumbers() {
        let clicks = SVGChart.axis([0, 1, 2], integers: true)
        #expect(clicks == .init(low: 0, high: 2, step: 1))
        #expect(clicks.ticks.map { SVGChart.axisLabel($0, step: clicks.step) } == ["0", "1", "2"])
        let svg = SVGChart.line([0.0, 1, 2].map { .init(label: "d", value: $0, tooltip: "t") }, title: "c", integers: true)
        #expect(!svg.contains(">0.5<") && !svg.contains(">1.5<") && svg.contains(">2<"))
        // a percentage keeps its fractions
        let er = SVGChart.axis([0.5, 1.3])
        #expect(er == .init(low: 0, high: 1.5, step: 0.5))
        #expect(er.ticks.map { SVGChart.axisLabel($0, step: er.step) } == ["0", "0.5", "1", "1.5"])
        // nothing but zeros, or nothing finite: an axis still
        #expect(SVGChart.axis([0, 0], integers: true) == .init(low: 0, high: 1, step: 1))
        #expect(SVGChart.axis([.nan]).high > 0)
        #expect(SVGChart.axisLabel(2_500_000, step: 500_000) == "2.5M")
    }

    /// A year of days is a line with one tooltip for its range, not 365 marks (before: the
    /// overview of 70 accounts' years weighed 3.2 MB, mostly marks too close to point at).
    @Test func longSeriesAreOneLineWithTheirRange() {
        let year = (0..<365).map { SVGChart.Point(label: "d\($0)", value: Double($0 % 10) / 4, tooltip: "day \($0)") }
        let svg = SVGChart.line(year, title: "ER", unit: "%")
        #expect(!svg.contains("<circle") && svg.contains("<title>d0 — d364: 0% … 2.25%</title></path>"))
        #expect(svg.utf8.count < 8_000)
        let quarter = Array(year.prefix(92))
        #expect(SVGChart.line(quarter, title: "ER").components(separatedBy: "<circle").count - 1 == 92, "a quarter keeps a mark per day")
    }

    /// A bar's label that is wider than its slot goes on two lines (before: the three
    /// Russian reach labels ran into each other).
    @Test func longBarLabelsWrap() {
        #expect(SVGChart.wrap("Органический охват", width: 100) == ["Органический", "охват"])
        #expect(SVGChart.wrap("Пн", width: 30) == ["Пн"])
        #expect(SVGChart.wrap("Органический", width: 50) == ["Органический"], "no space, no split")
        let svg = SVGChart.bars(["Органический охват", "Виральный охват", "Платный охват"].map { .init(label: $0, value: 1, tooltip: $0) }, title: "r")
        #expect(svg.contains(">Органический</tspan><tspan") && svg.contains(">охват</tspan>"))
    }
}

/// A summed reach (≤, an upper bound) against a true one: a change is claimed only where the
/// bound cannot reverse it, and then as "at least" (before: 900 against last month's
/// "1,000 ≤" read "▼ −100", a drop that may be a rise).
@Suite struct BoundedChangeTests {
    static let march = Period(from: LocalDate(year: 2026, month: 3, day: 1), to: LocalDate(year: 2026, month: 3, day: 31))

    @Test func aSummedReachIsNotComparedAsIfItWereTrue() {
        let r = SocialHTMLRenderer(lang: .en)
        func change(_ now: Double, _ before: Double, _ bounds: (SocialHTMLRenderer.Bound?, SocialHTMLRenderer.Bound?)) -> String {
            r.change(now: now, before: before, points: false, against: Self.march, previousText: "x", bounds: bounds)
        }
        // true 900 against ≤ 1,000: the true previous reach may have been anything up to 1,000
        #expect(change(900, 1_000, (nil, .upper)).contains("not comparable: ≤ is an upper bound"))
        #expect(!change(900, 1_000, (nil, .upper)).contains("▼"))
        // true 1,100 against ≤ 1,000: a rise of at least 100
        #expect(change(1_100, 1_000, (nil, .upper)).contains("▲ at least +100 (+10.0 %)"))
        // ≤ 900 against a true 1,000: a drop of at least 100; ≤ 1,100 against 1,000: unknown
        #expect(change(900, 1_000, (.upper, nil)).contains("▼ at least −100 (−10.0 %)"))
        #expect(change(1_100, 1_000, (.upper, nil)).contains("not comparable"))
        // both summed: never comparable; ERR over a summed reach is a lower bound
        #expect(change(1_100, 1_000, (.upper, .upper)).contains("not comparable"))
        #expect(change(5, 4, (.lower, nil)).contains("▲ at least +1"))
        #expect(change(3, 4, (.lower, nil)).contains("not comparable"))
        // no bounds: as before
        #expect(change(900, 1_000, (nil, nil)).contains("▼ −100 (−10.0 %)"))
        #expect(SocialHTMLRenderer(lang: .ru).change(now: 900, before: 1_000, points: false, against: Self.march, previousText: "x", bounds: (nil, .upper)).contains("не сравнить"))
    }
}
