import EngageCore
import PropertyBased
import Testing

@Suite(.tags(.small)) struct PropertyTests {
    @Test func erByFollowersHalvesWhenFollowersDouble() async {
        await propertyCheck(input: Gen.int(in: 0...1_000_000), Gen.int(in: 1...50_000_000)) { eng, followers in
            let a = SocialFormulas.erFollowersPct(engagements: eng, followersEnd: followers)!
            let b = SocialFormulas.erFollowersPct(engagements: eng, followersEnd: followers * 2)!
            #expect(abs(b * 2 - a) <= 1e-9 * max(1, a))
        }
    }

    /// The import's hash index finds what a Dictionary finds, through growth and collisions
    /// (keys drawn from a small range repeat often; keys differing only in high bits land
    /// in the same slot before the multiplicative hash spreads them).
    @Test func indexTableAgreesWithADictionary() async {
        await propertyCheck(input: Gen.int(in: 0...3000).array(of: 0...4000), Gen.int(in: 0...3)) { raw, shift in
            var table = IndexTable(capacity: 4)
            var dict: [UInt64: Int] = [:]
            var entries: [UInt64] = []
            for r in raw {
                let key = UInt64(r) << (shift * 20) | (shift == 3 ? UInt64.max << 62 : 0)
                let (pos, inserted) = table.index(of: key, next: entries.count)
                if let known = dict[key] {
                    #expect(!inserted && pos == known)
                } else {
                    #expect(inserted && pos == entries.count)
                    dict[key] = entries.count
                    entries.append(key)
                }
            }
            #expect(table.count == dict.count)
            for (k, v) in dict { #expect(table.position(of: k) == v) }
            #expect(table.position(of: 0xDEAD_BEEF_0000_0001) == dict[0xDEAD_BEEF_0000_0001])
        }
    }

    @Test func netGrowthNeverExceedsGrossGrowth() async {
        await propertyCheck(input: Gen.int(in: 0...100_000), Gen.int(in: 0...100_000), Gen.int(in: 1...10_000_000)) { new, unf, fe in
            let gross = SocialFormulas.followerGrowthGrossPct(newFollowers: new, followersEnd: fe)!
            let net = SocialFormulas.followerGrowthNetPct(newFollowers: new, unfollows: unf, followersEnd: fe)!
            #expect(net <= gross)
        }
    }

    @Test func erPostAverageLiesBetweenMinAndMaxAndEqualsTheDailyForm() async {
        let post = zip(Gen.int(in: 0...5000), Gen.int(in: 0...3))
        await propertyCheck(input: post.array(of: 1...40), Gen.int(in: 1...100_000).array(of: 4)) { posts, counts in
            let base = LocalDate(year: 2026, month: 3, day: 1)
            let followers = FollowerSeries(counts.enumerated().map { (base.adding(days: $0.offset), $0.element) })
            let single = posts.map { (engagements: $0.0, followers: followers.on(base.adding(days: $0.1))) }
            let perPost = single.map { Double($0.engagements) / Double($0.followers!) * 100 }
            let avg = SocialFormulas.erPostAverage(single)!
            #expect(avg >= perPost.min()! - 1e-9 && avg <= perPost.max()! + 1e-9)
            let days = Dictionary(grouping: posts, by: \.1).map { d, ps in
                DayPosts(date: base.adding(days: d), posts: ps.count, engagements: ps.reduce(0) { $0 + $1.0 })
            }
            let daily = SocialFormulas.erPostAverage(days: days, followers: followers)!
            #expect(abs(daily - avg) <= 1e-9 * max(1, avg))
        }
    }

    @Test func attributedConversionsNeverExceedConversionsTimesTouches() async {
        let channels = ["vk", "telegram", "google", ""]
        let session = zip(Gen.int(in: 0...3), Gen.int(in: 0...(60 * 86_400)), Gen.int(in: 0...3), Gen.bool)
        await propertyCheck(input: session.array(of: 1...30)) { raw in
            let sessions = raw.enumerated().map { i, s in
                SessionRecord(sessionID: "s\(i)", visitorID: "v\(s.0)", startedAt: Int64(s.1),
                              utmSource: channels[s.2].isEmpty ? nil : channels[s.2], converted: s.3)
            }
            let conversions = sessions.filter(\.converted)
            let r = Traffic.attribute(conversions: conversions, paths: sessions)
            let total = r.values.reduce(0) { $0 + $1.lastClick + $1.assisted }
            let maxTouches = Dictionary(grouping: sessions, by: \.visitorID).values.map(\.count).max() ?? 0
            #expect(total <= conversions.count * maxTouches)
            #expect(r.values.reduce(0) { $0 + $1.lastClick } == conversions.count)
        }
    }
}
