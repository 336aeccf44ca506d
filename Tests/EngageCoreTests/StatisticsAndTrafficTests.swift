import EngageCore
import Testing

@Suite(.tags(.small)) struct StatisticsTests {
    @Test func meanAndMedian() {
        #expect(Statistics.mean([1, 2, 3, 10]) == 4)
        #expect(Statistics.median([5, 1, 3]) == 3)
        #expect(Statistics.median([4, 1, 3, 2]) == 2.5)
        #expect(Statistics.mean([]) == nil)
        #expect(Statistics.median([]) == nil)
    }

    @Test func pearsonAndSpearman() throws {
        // hand-computed: x = 1…5, y = 2, 4, 5, 4, 5 → r = 0.7745966692
        let r = try #require(Statistics.pearson([1, 2, 3, 4, 5], [2, 4, 5, 4, 5]))
        #expect(abs(r - 0.7745966692414834) < 1e-12)
        // ranks of y with ties: 1, 2.5, 4.5, 2.5, 4.5 → ρ = 0.7378647873726218
        let rho = try #require(Statistics.spearman([1, 2, 3, 4, 5], [2, 4, 5, 4, 5]))
        #expect(abs(rho - 0.7378647873726218) < 1e-12)
        #expect(Statistics.spearman([1, 2, 3], [10, 100, 1000]) == 1)
        #expect(Statistics.pearson([1, 1, 1], [1, 2, 3]) == nil)
        #expect(Statistics.pearson([1], [1]) == nil)
    }

    @Test func wilsonInterval() throws {
        // 297 of 400 (the seed's response count): 95 % interval ≈ [0.69748, 0.78290] (computed by hand from Wilson's formula)
        let w = try #require(Statistics.wilson(successes: 297, n: 400))
        #expect(abs(w.lower - 0.69748) < 1e-4)
        #expect(abs(w.upper - 0.78290) < 1e-4)
        #expect(Statistics.wilson(successes: 0, n: 0) == nil)
        let zero = try #require(Statistics.wilson(successes: 0, n: 10))
        #expect(zero.lower == 0)
    }
}

@Suite(.tags(.small)) struct TrafficTests {
    @Test func channels() {
        #expect(Traffic.channel(utmSource: "VK", referrer: "https://t.me/x") == "vk")
        #expect(Traffic.channel(utmSource: nil, referrer: "https://m.vk.com/wall-1") == "vk")
        #expect(Traffic.channel(utmSource: "", referrer: "https://l.instagram.com/?u=x") == "instagram")
        #expect(Traffic.channel(utmSource: nil, referrer: "https://t.co/abc") == "x")
        #expect(Traffic.channel(utmSource: nil, referrer: "https://www.google.com/") == "direct")
        #expect(Traffic.channel(utmSource: nil, referrer: nil) == "direct")
        #expect(Traffic.isSocial(channel: "newsletter", utmMedium: "SMM"))
        #expect(!Traffic.isSocial(channel: "newsletter", utmMedium: "email"))
        #expect(Traffic.isSocial(channel: "telegram", utmMedium: nil))
    }

    @Test func lastClickAndAssisted() {
        let day: Int64 = 86_400
        let path = [
            SessionRecord(sessionID: "a", visitorID: "v", startedAt: 0, utmSource: "google"),
            SessionRecord(sessionID: "b", visitorID: "v", startedAt: 20 * day, utmSource: "vk"),
            SessionRecord(sessionID: "c", visitorID: "v", startedAt: 35 * day, converted: true),  // direct
        ]
        // window: 30 days before c → a (35 days before) is out; last non-direct touch is vk
        let r = Traffic.attribute(conversions: [path[2]], paths: path)
        #expect(r["vk"]?.lastClick == 1)
        #expect(r["direct"]?.assisted == 1)
        #expect(r["google"] == nil)
    }
}
