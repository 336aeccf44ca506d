import EngageCore
import Testing

/// METRICS.md §4 on the seeds' worked examples and hand-computed cases.
@Suite struct SurveyMetricsTests {
    @Test func theSeedsExpressExample() throws {
        // 297 respondents of 400, 2,743 Yes of 12 statements: 2,743 × 100 / 3,564
        let pct = try #require(Survey.engagementPct(yes: 2_743, respondents: 297))
        #expect(abs(pct - 76.964085297418630) < 1e-12)
        #expect(Survey.expressBand(pct) == .high)
        #expect(Survey.engagementPct(yes: 0, respondents: 0) == nil)
    }

    @Test(arguments: [(50.0, Survey.ExpressBand.alarming), (49.9, .alarming), (50.01, .satisfactory), (60, .satisfactory),
                      (69.99, .satisfactory), (70, .high), (100, .high), (0, .alarming)])
    func expressBandEdges(pct: Double, band: Survey.ExpressBand) {
        #expect(Survey.expressBand(pct) == band)
    }

    @Test func theSeedsThreeComponentExample() {
        #expect(Survey.indexBand(25 + 13 + 11) == .medium)
    }

    @Test(arguments: [(0.0, Survey.IndexBand.low), (30, .low), (30.5, .medium), (31, .medium), (60, .medium), (60.5, .high),
                      (61, .high), (89.9, .high), (90, .top)])
    func indexBandEdges(index: Double, band: Survey.IndexBand) {
        #expect(Survey.indexBand(index) == band)
    }

    @Test func customMaximaAreRescaledToNinety() {
        // components out of 40, 40 and 20 (100 in all): means 30 + 20 + 10 = 60 → 54 on 0–90
        #expect(Survey.rescaledIndex(means: [30, 20, 10], maxima: [40, 40, 20]) == 54)
        #expect(Survey.rescaledIndex(means: [25, 13, 11], maxima: [30, 30, 30]) == 49)
    }

    @Test func correlationIntervals() throws {
        // r = 0.5, n = 28: z = 0.5493 ± 1.96 / 5 → tanh(0.1573) … tanh(0.9413)
        let p = try #require(Survey.correlationInterval(0.5, n: 28))
        #expect(abs(p.low - 0.1560) < 1e-3 && abs(p.high - 0.7359) < 1e-3)
        let s = try #require(Survey.spearmanInterval(0.5, n: 28))
        #expect(s.low < p.low && s.high > p.high, "Spearman's interval is wider")
        #expect(Survey.correlationInterval(0.5, n: 3) == nil)
    }

    @Test func enps() {
        // promoters 9–10, passives 7–8, detractors 0–6
        #expect(Survey.enps([10, 9, 8, 7, 6, 0]) == 0)
        #expect(Survey.enps([10, 10, 9, 5]) == 50)
        #expect(Survey.enps([]) == nil)
    }

    @Test func cronbachAlphaByHand() throws {
        // item variances 1 and 7/3, total variance 19/3: α = 2 × (1 − (10/3) / (19/3)) = 18/19
        let a = try #require(Survey.cronbachAlpha([[1, 2], [2, 3], [3, 5]]))
        #expect(abs(a - 18.0 / 19) < 1e-12)
        #expect(Survey.cronbachAlpha([[1], [2]]) == nil, "one item")
        #expect(Survey.cronbachAlpha([[1, 1], [1, 1]]) == nil, "no variance")
    }

    @Test func kr20ByHand() throws {
        // p = 2/3 and 1/3: Σpq = 4/9; totals 2, 1, 0: variance 2/3; KR-20 = 2 × (1 − (4/9) / (2/3)) = 2/3
        let k = try #require(Survey.kr20([[true, true], [true, false], [false, false]]))
        #expect(abs(k - 2.0 / 3) < 1e-12)
    }

    @Test func intervalsArePerPerson() throws {
        // four people at 50, 75, 75, 100 %: mean 75, sd 20.41, t(3) = 3.1824 → ± 32.48
        let i = try #require(Survey.meanInterval([50, 75, 75, 100]))
        #expect(abs((i.low + i.high) / 2 - 75) < 1e-9)
        #expect(abs((i.high - i.low) / 2 - 3.1824 * (1250.0 / 3 / 4).squareRoot()) < 1e-9)
        #expect(Survey.meanInterval([80]) == nil)
        #expect(abs(Survey.tQuantile975(df: 10) - 2.2281) < 0.001)
        #expect(abs(Survey.tQuantile975(df: 30) - 2.0423) < 0.001)
        #expect(abs(Survey.tQuantile975(df: 1000) - 1.9623) < 0.001)
    }

    @Test func theChangeBetweenTwoWaves() throws {
        let (d, i) = try #require(Survey.differenceInterval([50, 60, 70], [70, 80, 90]))
        #expect(d == 20)
        // Welch: se = √(100/3 + 100/3) = 8.165, df = 4 → t = 2.7764
        #expect(abs(i.high - i.low - 2 * 2.7764 * (200.0 / 3).squareRoot()) < 1e-3)
        #expect(i.low < 0 && i.high > 0, "with three people each, +20 is not distinguishable from no change")
    }

    @Test func smallGroupsAndTheirComplementsAreHidden() {
        // B alone could be recovered from the total: C (the next smallest) goes too
        #expect(Survey.suppressed(["A": 10, "B": 3, "C": 8], threshold: 5) == ["B", "C"])
        // B and C together hold 3 < 5: A goes too
        #expect(Survey.suppressed(["A": 10, "B": 2, "C": 1, "D": 20], threshold: 5) == ["A", "B", "C"])
        #expect(Survey.suppressed(["A": 10, "B": 12], threshold: 5).isEmpty)
        // a group nobody from answered reveals nothing
        #expect(Survey.suppressed(["A": 10, "B": 0, "C": 7], threshold: 5).isEmpty)
        #expect(Survey.threshold(1) == 3 && Survey.threshold(5) == 5)
    }
}
