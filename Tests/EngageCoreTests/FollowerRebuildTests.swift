import EngageCore
import PropertyBased
import Testing

@Suite(.tags(.small)) struct FollowerRebuildTests {
    typealias Day = FollowerRebuild.Day

    @Test func walksBackAndForwardFromTheKnownTotal() {
        // day 10: 1,000 known; day 9: +5 −1; day 11: +3; day 12 missing (no change); day 13: −2
        let days = [Day(day: 9, new: 5, lost: 1), Day(day: 10, given: 1000, new: 4, lost: 0), Day(day: 11, new: 3),
                    Day(day: 13, new: 0, lost: 2)]
        // back: f[9] = 1000 − 4 + 0 = 996; forward: f[11] = 1003, f[13] = 1001
        #expect(FollowerRebuild.totals(days) == [996, 1000, 1003, 1001])
    }

    @Test func withoutATotalNothingIsGuessed() {
        #expect(FollowerRebuild.totals([Day(day: 1, new: 5), Day(day: 2, new: 1)]) == [nil, nil])
    }

    @Test func aWalkBelowZeroLeavesTheDayEmpty() {
        #expect(FollowerRebuild.totals([Day(day: 1), Day(day: 2, given: 3, new: 10)]) == [nil, 3])
    }

    @Test func theNearestKnownTotalIsWalkedFrom() {
        // totals on days 1 and 5 disagree with the changes: day 2 walks from day 1, day 4 from day 5, day 3 (a tie) from day 5
        let days = [Day(day: 1, given: 100), Day(day: 2, new: 1), Day(day: 3, new: 1), Day(day: 4, new: 1), Day(day: 5, given: 200, new: 1)]
        #expect(FollowerRebuild.totals(days) == [100, 101, 198, 199, 200])
    }

    /// The rebuilt series reproduces the anchor and every daily change.
    @Test func theSeriesReproducesTheAnchorAndEveryChange() async {
        let change = zip(Gen.int(in: 0...500), Gen.int(in: 0...500), Gen.int(in: 1...3))
        await propertyCheck(input: change.array(of: 1...60), Gen.int(in: 0...59), Gen.int(in: 100_000...1_000_000)) { raw, at, total in
            var day = 0
            var days: [Day] = raw.map { new, lost, gap in
                day += gap
                return Day(day: day, new: new, lost: lost)
            }
            let a = at % days.count
            days[a].given = total
            let f = FollowerRebuild.totals(days)
            #expect(f[a] == total)
            for i in days.indices.dropFirst() {
                let change = (days[i].new ?? 0) - (days[i].lost ?? 0)
                #expect(f[i]! - f[i - 1]! == change)
            }
        }
    }
}
