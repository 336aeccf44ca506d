@testable import EngageCore
import Testing

@Suite(.tags(.small)) struct SocialFormulaTests {
    typealias F = SocialFormulas

    @Test func seedExampleERByFollowers() throws {
        // CONTRACT.md's example: 386 engagements, 10,412 followers
        let er = try #require(F.erFollowersPct(engagements: 386, followersEnd: 10_412))
        #expect(abs(er - 3.707260853) < 1e-6)
    }

    @Test func handComputedRates() {
        #expect(F.followerGrowthGrossPct(newFollowers: 30, followersEnd: 1000) == 3)
        #expect(F.followerGrowthNetPct(newFollowers: 30, unfollows: 40, followersEnd: 1000) == -1)
        #expect(F.loveRatePct(likes: 25, followersEnd: 500) == 5)
        #expect(F.talkRatePct(comments: 5, followersEnd: 500) == 1)
        #expect(F.amplificationRatePct(shares: 3, posts: 4) == 75)
        #expect(F.errPct(engagements: 50, reach: 800) == 6.25)
        #expect(F.erViewPct(engagements: 40, views: 400) == 10)
        #expect(F.avgPostERVisitorsPct(engagements: 50, posts: 2, uniqueVisitors: 250) == 10)
        #expect(F.communityERVisitorsPct(engagements: 50, uniqueVisitors: 250) == 20)
        #expect(F.ctrPct(clicks: 10, impressions: 400) == 2.5)
        #expect(F.cpc(spend: 150, clicks: 10) == 15)
        #expect(F.cpe(spend: 150, engagements: 50) == 3)
        #expect(F.responseRatePct(answered: 1, questions: 4) == 25)
        #expect(F.responseTimeChangePct(previousAvg: 3600, currentAvg: 1800) == 100)
        #expect(F.postsPerDay(posts: 62, days: 31) == 2)
    }

    @Test func zeroDenominatorsGiveNil() {
        #expect(F.erFollowersPct(engagements: 10, followersEnd: 0) == nil)
        #expect(F.erFollowersPct(engagements: 10, followersEnd: nil) == nil)
        #expect(F.errPct(engagements: 10, reach: 0) == nil)
        #expect(F.amplificationRatePct(shares: 0, posts: 0) == nil)
        #expect(F.cpc(spend: 10, clicks: 0) == nil)
        #expect(F.cpe(spend: 10, engagements: 0) == nil)
        #expect(F.ctrPct(clicks: 1, impressions: 0) == nil)
        #expect(F.responseRatePct(answered: 0, questions: 0) == nil)
        #expect(F.responseTimeChangePct(previousAvg: 10, currentAvg: 0) == nil)
        #expect(F.avgPostERVisitorsPct(engagements: 1, posts: 0, uniqueVisitors: 5) == nil)
        #expect(F.followerGrowthNetPct(newFollowers: nil, unfollows: 1, followersEnd: 10) == nil)
    }

    @Test func asOfFollowerLookup() {
        let d = { LocalDate(year: 2026, month: 3, day: $0) }
        let s = FollowerSeries([(d(5), 120), (d(1), 100), (d(3), 0)])
        #expect(s.on(LocalDate(year: 2026, month: 2, day: 28)) == nil)
        #expect(s.on(d(1)) == 100)
        #expect(s.on(d(2)) == 100)
        #expect(s.on(d(3)) == 0)
        #expect(s.usable(d(4)) == nil)  // 0 followers: left out of ER averages
        #expect(s.on(d(31)) == 120)
    }

    @Test func erDayCountsDaysWithoutPostsAsZeroAndSkipsUnknownFollowers() {
        let d = { LocalDate(year: 2026, month: 3, day: $0) }
        let followers = FollowerSeries([(d(2), 1000)])
        let days = [DayPosts(date: d(1), posts: 1, engagements: 99), DayPosts(date: d(2), posts: 2, engagements: 30)]
        // day 1: followers unknown (left out); day 2: 3 %; day 3: 0 % (no posts)
        #expect(F.erDayAverage(days: days, followers: followers, period: Period(from: d(1), to: d(3))) == 1.5)
        // ER Post: day 1's post is left out; day 2's two posts share 30 engagements over 1000 followers
        let erPost = F.erPostAverage(days: days, followers: followers)!
        #expect(abs(erPost - 1.5) < 1e-12)
    }

    @Test func erViewSkipsPostsWithoutViews() {
        #expect(F.erViewAverage([(engagements: 10, views: 100), (engagements: 5, views: 0)]) == 10)
        #expect(F.erViewAverage([(engagements: 5, views: 0)]) == nil)
    }

    @Test func growthWithoutEngagementNeedsGrowthAndATwentyPercentFall() {
        #expect(F.growthWithoutEngagement(netGrowth: 100, erFollowersPct: 4, previousERFollowersPct: 5))   // −20 %
        #expect(!F.growthWithoutEngagement(netGrowth: 100, erFollowersPct: 4.01, previousERFollowersPct: 5))
        #expect(!F.growthWithoutEngagement(netGrowth: 0, erFollowersPct: 1, previousERFollowersPct: 5))
        #expect(!F.growthWithoutEngagement(netGrowth: 100, erFollowersPct: 1, previousERFollowersPct: nil))
    }

    @Test func reachIsFlaggedAsUpperBoundUnlessTheNetworkReportedIt() {
        let p = Period(from: LocalDate(year: 2026, month: 3, day: 1), to: LocalDate(year: 2026, month: 3, day: 31))
        var f = AccountFigures()
        f.reach = 800
        #expect(SocialMetrics(f, period: p, previous: nil).reachIsUpperBound)
        f.reachFromNetworkPeriod = true
        #expect(!SocialMetrics(f, period: p, previous: nil).reachIsUpperBound)
    }

    @Test func topPostOrder() {
        let d = LocalDate(year: 2026, month: 3, day: 1)
        func post(_ id: String, _ reach: Int?, _ likes: Int, _ at: Int64) -> PostMetrics {
            PostMetrics(postID: id, publishedAt: at, date: d, type: nil, rubric: nil, url: nil, likes: likes, comments: 0, shares: 0,
                        views: nil, reach: reach, followers: nil)
        }
        let sorted = [post("a", 10, 1, 5), post("b", 20, 1, 5), post("c", 10, 2, 9), post("d", 10, 1, 1), post("e", nil, 9, 0)]
            .sorted(by: PostMetrics.topOrder).map(\.postID)
        #expect(sorted == ["b", "c", "d", "a", "e"])
    }
}
