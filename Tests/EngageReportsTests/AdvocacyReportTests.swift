import EngageCore
import EngageImport
import EngageReports
import EngageStore
import EngageTestSupport
import Foundation
import Testing

/// The advocacy report on the sample data set, against values worked out by hand (see the
/// comments), on both engines.
@Suite struct AdvocacyReportTests {
    let feb = Period(from: LocalDate(year: 2026, month: 2, day: 1), to: LocalDate(year: 2026, month: 2, day: 28))

    func build(_ engine: Engine, _ period: Period) async throws -> AdvocacyReport {
        try await withStore(engine) { store, dir in
            guard case .success = try await importFiles(advocacySampleFiles, into: store, dir: dir) else { throw StoreError("sample refused") }
            return try await AdvocacyReportBuilder(store: store).build(period: period)
        }
    }

    @Test(arguments: engines) func februaryByHand(engine: Engine) async throws {
        let r = try await build(engine, feb)
        // e1, e2 (left 15 Feb), e3 (hired 5 Jan) were all employed in February
        #expect(r.headcount == 3)
        // joined by the end of February: e1, e3
        #expect(r.members == 2)
        // 3 invited, 2 joined; wave-1: e1 joined, e2 not; e3 has no cohort: its month
        #expect(r.invitations.invited == 3 && r.invitations.joined == 2)
        #expect(abs(r.invitations.pct! - 200.0 / 3) < 1e-9)
        #expect(r.cohorts.map(\.cohort) == ["2026-02", "wave-1"])
        #expect(r.cohorts.map(\.pct) == [100, 50])
        // e1 and e3 shared: 2 of 3 employed, 2 of 2 members
        #expect(abs(r.activeParticipationPct! - 200.0 / 3) < 1e-9)
        #expect(r.activeParticipationMembersPct == 100)
        #expect(r.topSharers.map(\.employeeID) == ["e1", "e3"])
        #expect(r.topEngagers.isEmpty, "nobody has 3 shares")
        #expect(r.stories == { var s = Advocacy.Stories(); s.submitted = 1; s.approved = 1; s.published = 1; s.contributors = 1; return s }())
        // impressions 1200 + 300; engagements (30+4+2) + (5+0+0) = 41; ER = 41 / 1500 × 100
        #expect(r.shareTotals.impressions == 1500 && r.shareTotals.engagements == 41 && r.shareTotals.clicks == 16)
        #expect(abs(r.advocacyERPct! - 41.0 / 1500 * 100) < 1e-9)
        // abc (e1): two human clicks of v1 on 3 Feb, a LinkedInBot preview left out; brand1: one click of v2
        #expect(r.advocateClicks == 2 && r.advocateUniqueVisitors == 1)
        #expect(r.brandClicks == 1 && r.brandUniqueVisitors == 1)
        // linkedin 3 Feb: 1.2 × 10.80 + 15 × 0.90 + 30 × 0.10 + 4 × 0.45 + 2 × 0.90 = 33.06
        // vk 4 Feb: 0.3 × 10.80 + 1 × 0.90 + 5 × 0.10 = 4.64
        #expect(abs(r.earnedMediaValue - 37.70) < 1e-9)
        // l1 carries utm_content e1-office, the content of e1's link abc
        #expect(r.leadsByRep.map(\.0) == ["e1"] && r.leadsByRep.map(\.1) == [1])
        // l1: no source → its utm_medium "advocacy"; won 15 days after it was created. l2: ads, open.
        #expect(r.leadSources.map(\.source) == ["ads", "advocacy"])
        #expect(r.leadSources.map(\.leadToDealPct) == [0, 100])
        #expect(r.leadSources[1].daysToClose == [15])
        #expect(r.ssi == [Advocacy.SSIChange(employeeID: "e1", first: 55.5, last: 61)])
        #expect(r.ssi.first?.change == 5.5)
        #expect(r.ssiVsShares.n == 1 && r.ssiVsShares.pearson == nil)
        // both candidates were first contacted in January
        #expect(r.hiring.referrals == 0)
        #expect(r.pipeline.map(\.employeeID) == ["e1", "e3"])
        #expect(r.pipeline.first == AdvocacyReport.PipelineRow(employeeID: "e1", shares: 1, clicks: 2, uniqueVisitors: 1, leads: 1, won: 1, dealValueCents: 150_050))
        // funnel: 3 invited, 2 joined, 2 shared once, nobody three times
        let funnel: [Int] = [r.invitations.invited, r.invitations.joined, r.activeSharers, r.regularSharers]
        #expect(funnel == [3, 2, 2, 0])
        // content: c1 shared once by e1 (1200 impressions, 36 engagements); clicked through abc
        // (2 human clicks, 1 visitor) and brand1 (1 click, 1 visitor); s2 has no content
        var c1 = AdvocacyReport.ContentRow(contentID: "c1", shares: 1, sharers: 1, impressions: 1200, engagements: 36)
        c1.title = "Our new office"
        c1.status = "published"
        c1.clicks = 3
        c1.uniqueVisitors = 2
        #expect(r.content == [c1])
        #expect(r.dailyClicks.count == 28)
        #expect(r.dailyClicks[2] == .init(date: LocalDate(year: 2026, month: 2, day: 3), advocate: 2, brand: 0))
        #expect(r.dailyClicks[3] == .init(date: LocalDate(year: 2026, month: 2, day: 4), advocate: 0, brand: 1))
        #expect(r.dailyClicks.reduce(0) { $0 + $1.advocate + $1.brand } == r.advocateClicks + r.brandClicks)
        #expect(r.names["e1"] == "Anna")
    }

    /// Imported values replace the defaults from their date on (the sample's LinkedIn click
    /// value starts on 4 Feb, after s1: February is unchanged above).
    @Test(arguments: engines) func importedEMVValuesApplyFromTheirDate(engine: Engine) async throws {
        try await withStore(engine) { store, dir in
            var files = advocacySampleFiles
            files["emv_rates.csv"] = "network,action,value,from\nlinkedin,clicks,2.00,2026-02-01\n"
            guard case .success = try await importFiles(files, into: store, dir: dir) else { throw StoreError("sample refused") }
            let r = try await AdvocacyReportBuilder(store: store).build(period: feb)
            // s1's 15 clicks on 3 Feb now count 2.00 instead of 0.90: 37.70 + 15 × 1.10 = 54.20
            #expect(abs(r.earnedMediaValue - 54.20) < 1e-9)
        }
    }

    /// The period is cut in the organisation's zone: 4 Feb on Kiritimati (UTC+14) runs from
    /// 3 Feb 10:00 to 4 Feb 10:00 UTC, so abc's clicks at 3 Feb 10:00Z are in it and brand1's
    /// at 4 Feb 11:00Z are not — the other way round from 4 Feb in UTC.
    @Test(arguments: engines) func periodsAreCutInTheOrganisationsZone(engine: Engine) async throws {
        let feb4 = Period(from: LocalDate(year: 2026, month: 2, day: 4), to: LocalDate(year: 2026, month: 2, day: 4))
        try await withStore(engine) { store, dir in
            guard case .success = try await importFiles(advocacySampleFiles, into: store, dir: dir) else { throw StoreError("sample refused") }
            let utc = try await AdvocacyReportBuilder(store: store).build(period: feb4)
            #expect(utc.timeZone == "UTC" && utc.advocateClicks == 0 && utc.brandClicks == 1)
            try await Settings(store: store).set(Settings.orgTimeZoneSetting, "Pacific/Kiritimati")
            let local = try await AdvocacyReportBuilder(store: store).build(period: feb4)
            #expect(local.json["timezone"] == .string("Pacific/Kiritimati"))
            #expect(local.advocateClicks == 2 && local.brandClicks == 0)
            #expect(local.dailyClicks == [.init(date: feb4.from, advocate: 2, brand: 0)])
            // s2 (4 Feb 09:00Z) is in both; s1 (3 Feb 09:00Z) in neither
            #expect(local.shareTotals.shares == 1 && utc.shareTotals.shares == 1)
            var pinned = AdvocacyReportBuilder(store: store)
            pinned.timeZone = "UTC"
            #expect(try await pinned.build(period: feb4).brandClicks == 1)
        }
    }

    @Test(arguments: engines) func clickTablesByHand(engine: Engine) async throws {
        try await withStore(engine) { store, dir in
            guard case .success = try await importFiles(advocacySampleFiles, into: store, dir: dir) else { throw StoreError("sample refused") }
            let t = try await ClickTables.build(store: store, period: feb)
            let feb3 = LocalDate(year: 2026, month: 2, day: 3), feb4 = LocalDate(year: 2026, month: 2, day: 4)
            // abc: two clicks of v1 on 3 Feb (the LinkedInBot preview left out); brand1: v2 on 4 Feb
            #expect(t.links == [.init(key: "abc", date: feb3, clicks: 2, uniqueVisitors: 1), .init(key: "brand1", date: feb4, clicks: 1, uniqueVisitors: 1)])
            #expect(t.employees == [.init(key: "e1", date: feb3, clicks: 2, uniqueVisitors: 1)])
            #expect(t.csv == "table,key,day,clicks,unique_visitors\nlink,abc,2026-02-03,2,1\nlink,brand1,2026-02-04,1,1\nemployee,e1,2026-02-03,2,1\n")
            #expect(t.json["links"] == .array([.array([.string("abc"), .string("2026-02-03"), .int(2), .int(1)]),
                                               .array([.string("brand1"), .string("2026-02-04"), .int(1), .int(1)])]))
            #expect(t.jsonText == t.json.serialized())
            // another zone at offset 0 gives the same tables
            let pinned = try await ClickTables.build(store: store, period: feb, timeZone: "Etc/GMT")
            #expect(pinned.links == t.links && pinned.employees == t.employees)
        }
    }

    @Test func theHTMLReportHasEverySectionWithItsFormulas() async throws {
        let r = try await build(.sqlite, feb)
        for lang in Language.allCases {
            let html = AdvocacyHTMLRenderer(lang: lang).render(r)
            for s in AdvocacyHTMLRenderer.Section.allCases { #expect(html.contains("id=\"\(s.rawValue)\""), "\(s) in \(lang)") }
            // advocacy ER with its inputs; names instead of ids, the id in the tooltip
            #expect(html.contains("title=\"41 / 1\(lang == .en ? "," : "\u{00A0}")500 × 100\""))
            #expect(html.contains("<span title=\"e1\">Anna</span>"))
            #expect(html.contains("Our new office"))
            #expect(!html.contains("<script"))
        }
        #expect(AdvocacyHTMLRenderer(lang: .ru).render(r).contains("Воронка программы"))
    }

    @Test(arguments: engines) func recruitingOverTwoMonths(engine: Engine) async throws {
        let r = try await build(engine, Period(from: LocalDate(year: 2026, month: 1, day: 1), to: feb.to))
        // k1 referred by e1 and hired: offer accepted 22 days after first contact
        #expect(r.hiring.referrals == 1 && r.hiring.referralHires == 1)
        #expect(r.hiring.daysToHire == ["referral": [22]])
    }

    @Test func emptyDatabaseGivesNullsNotErrors() async throws {
        try await withStore(.sqlite) { store, _ in
            let r = try await AdvocacyReportBuilder(store: store).build(period: feb)
            #expect(r.activeParticipationPct == nil && r.invitations.pct == nil && r.advocacyERPct == nil)
            let json = r.json
            #expect(json["invite_conversion_pct"] == .null)
            #expect(json["earned_media_value"] == .double(0))
        }
    }

    @Test func laterRatesNeverRewriteEarlierMonths() {
        var rates = EMVRates.defaults
        rates.rates.append(.init(network: "linkedin", action: .clicks, value: 2.0, from: LocalDate(year: 2026, month: 3, day: 1)))
        let feb3 = EMVRates.Day(network: "LinkedIn", date: LocalDate(year: 2026, month: 2, day: 3), clicks: 10)
        let mar3 = EMVRates.Day(network: "linkedin", date: LocalDate(year: 2026, month: 3, day: 3), clicks: 10)
        #expect(rates.value(of: [feb3]) == 9.0)
        #expect(rates.value(of: [mar3]) == 20.0)
        #expect(rates.value(of: [EMVRates.Day(network: "vk", date: mar3.date, clicks: 10)]) == 9.0)
    }
}
