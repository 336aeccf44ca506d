import EngageCore
import EngageStore

/// Employee advocacy over a period (METRICS.md §3, CONTRACT.md §2 keys).
public struct AdvocacyReport: Sendable {
    public var period: Period
    /// The zone the period was cut in.
    public var timeZone = "UTC"
    public var headcount = 0
    public var members = 0
    public var cohorts: [Advocacy.CohortConversion] = []
    public var invitations = Advocacy.CohortConversion(cohort: "", invited: 0, joined: 0)
    public var activeSharers = 0
    public var topSharers: [Advocacy.SharerTotals] = []
    public var topEngagers: [(Advocacy.SharerTotals, Double)] = []
    public var stories = Advocacy.Stories()
    public var shareTotals = Advocacy.SharerTotals(employeeID: "", shares: 0)
    public var advocateClicks = 0, brandClicks = 0, advocateUniqueVisitors = 0, brandUniqueVisitors = 0
    public var earnedMediaValue = 0.0
    public var leadsByRep: [(String, Int)] = []
    public var leadSources: [Advocacy.SourceFunnel] = []
    public var ssi: [Advocacy.SSIChange] = []
    public var ssiVsShares: (n: Int, pearson: Double?, spearman: Double?) = (0, nil, nil)
    public var hiring = Advocacy.Hiring()
    public var jobPortal: [(channel: String, sessions: Int, advocacy: Int)] = []
    public var pipeline: [PipelineRow] = []
    /// Program funnel: members who shared at least `minShares` times in the period.
    public var regularSharers = 0
    public var minShares = 3
    /// Per content item shared or clicked in the period, by engagements.
    public var content: [ContentRow] = []
    /// Human tracked-link clicks per day of the period (UTC days), advocate and brand links.
    public var dailyClicks: [DailyClicks] = []
    /// employee_id → name, for display (not in the JSON: names stay out of exports).
    public var names: [String: String] = [:]

    public struct ContentRow: Sendable, Equatable {
        public var contentID: String
        public var title: String?
        public var status: String?
        public var shares = 0, sharers = 0, impressions = 0, engagements = 0, clicks = 0, uniqueVisitors = 0
        public init(contentID: String, shares: Int = 0, sharers: Int = 0, impressions: Int = 0, engagements: Int = 0) {
            self.contentID = contentID
            self.shares = shares
            self.sharers = sharers
            self.impressions = impressions
            self.engagements = engagements
        }
        public var erPct: Double? { percent(Double(engagements), Double(impressions)) }
    }

    public struct DailyClicks: Sendable, Equatable {
        public var date: LocalDate
        public var advocate: Int
        public var brand: Int
        public init(date: LocalDate, advocate: Int, brand: Int) {
            self.date = date
            self.advocate = advocate
            self.brand = brand
        }
    }

    public struct PipelineRow: Sendable, Equatable {
        public var employeeID: String
        public var shares = 0, clicks = 0, uniqueVisitors = 0, leads = 0, won = 0
        public var dealValueCents = 0
        public init(employeeID: String, shares: Int = 0, clicks: Int = 0, uniqueVisitors: Int = 0, leads: Int = 0, won: Int = 0, dealValueCents: Int = 0) {
            self.employeeID = employeeID
            self.shares = shares
            self.clicks = clicks
            self.uniqueVisitors = uniqueVisitors
            self.leads = leads
            self.won = won
            self.dealValueCents = dealValueCents
        }
    }

    public var activeParticipationPct: Double? { percent(Double(activeSharers), Double(headcount)) }
    public var activeParticipationMembersPct: Double? { percent(Double(activeSharers), Double(members)) }
    public var advocacyERPct: Double? { percent(Double(shareTotals.engagements), Double(shareTotals.impressions)) }
}

public struct AdvocacyReportBuilder: Sendable {
    public let store: any Store
    public var minSharesForEngagers = 3
    /// Earned media values; nil: the defaults with the imported `emv_rates.csv` over them.
    public var emv: EMVRates?
    public var careersPrefixes = ["/careers", "/jobs"]
    /// The IANA zone the period is cut in; nil: the organisation's setting, else UTC.
    public var timeZone: String?

    public init(store: any Store) { self.store = store }

    public func build(period: Period) async throws -> AdvocacyReport {
        try period.checkLength()
        let data = AdvocacyData(store: store)
        let (zoneName, from, to, shift) = try await Settings(store: store).periodCut(period, override: timeZone)
        var r = AdvocacyReport(period: period)
        r.timeZone = zoneName
        let employees = try await data.employees(), invitations = try await data.invitations()
        (r.headcount, r.members) = Advocacy.headcount(employees, invitations, period: period, toInstant: to)
        (r.cohorts, r.invitations) = Advocacy.inviteConversion(invitations, toInstant: to)

        let sharers = try await data.sharers(from: from, to: to)
        r.activeSharers = sharers.filter { $0.shares > 0 }.count
        r.topSharers = Advocacy.topSharers(sharers)
        r.topEngagers = Advocacy.topEngagers(sharers, minShares: minSharesForEngagers)
        for s in sharers {
            _ = try Checked.sum([s.likes, s.comments, s.reshares], "an advocate's engagements")
            try Checked.add(&r.shareTotals.shares, s.shares, "shares")
            try Checked.add(&r.shareTotals.impressions, s.impressions, "impressions of shares")
            try Checked.add(&r.shareTotals.likes, s.likes, "likes of shares")
            try Checked.add(&r.shareTotals.comments, s.comments, "comments of shares")
            try Checked.add(&r.shareTotals.reshares, s.reshares, "reshares")
            try Checked.add(&r.shareTotals.clicks, s.clicks, "clicks of shares")
        }
        _ = try Checked.sum([r.shareTotals.likes, r.shareTotals.comments, r.shareTotals.reshares], "engagements of shares")
        r.stories = Advocacy.stories(try await data.content(from: from, to: to), fromInstant: from, toInstant: to)
        var rates = EMVRates.defaults
        if let emv { rates = emv } else { rates = rates.overridden(by: try await data.emvRates()) }
        r.earnedMediaValue = rates.value(of: try await data.shareDays(from: from, to: to, shift: shift))

        var pipeline: [String: AdvocacyReport.PipelineRow] = [:]
        for s in sharers { pipeline[s.employeeID, default: .init(employeeID: s.employeeID)].shares = s.shares }
        let links = try await data.links()
        var daily: [Int: (advocate: Int, brand: Int)] = [:]
        for d in try await data.kindClickDays(from: from, to: to, shift: shift) {
            if d.advocate {
                r.advocateClicks += d.clicks
                r.advocateUniqueVisitors += d.uniqueVisitors
                daily[d.day, default: (0, 0)].advocate += d.clicks
            } else {
                r.brandClicks += d.clicks
                r.brandUniqueVisitors += d.uniqueVisitors
                daily[d.day, default: (0, 0)].brand += d.clicks
            }
        }
        for d in try await data.employeeClickDays(from: from, to: to, shift: shift) {
            pipeline[d.employeeID, default: .init(employeeID: d.employeeID)].clicks += d.clicks
            pipeline[d.employeeID, default: .init(employeeID: d.employeeID)].uniqueVisitors += d.uniqueVisitors
        }
        var contentClicks: [String: (clicks: Int, uniqueVisitors: Int)] = [:]
        for d in try await data.linkClickDays(from: from, to: to, shift: shift) {
            guard let c = links[d.linkCode]?.contentID else { continue }
            contentClicks[c, default: (0, 0)].clicks += d.clicks
            contentClicks[c, default: (0, 0)].uniqueVisitors += d.uniqueVisitors
        }
        r.dailyClicks = (period.from.dayNumber...period.to.dayNumber).map { day in
            .init(date: LocalDate(dayNumber: day), advocate: daily[day]?.advocate ?? 0, brand: daily[day]?.brand ?? 0)
        }
        r.regularSharers = sharers.filter { $0.shares >= max(1, minSharesForEngagers) }.count
        r.minShares = max(1, minSharesForEngagers)
        let titles = try await data.contentTitles()
        var content: [String: AdvocacyReport.ContentRow] = [:]
        for c in try await data.contentShares(from: from, to: to) {
            content[c.contentID] = .init(contentID: c.contentID, shares: c.shares, sharers: c.sharers, impressions: c.impressions, engagements: c.engagements)
        }
        for (id, c) in contentClicks {
            content[id, default: .init(contentID: id)].clicks = c.clicks
            content[id, default: .init(contentID: id)].uniqueVisitors = c.uniqueVisitors
        }
        r.content = content.values.map { row in
            var row = row
            row.title = titles[row.contentID]?.title
            row.status = titles[row.contentID]?.status
            return row
        }.sorted { ($0.engagements, $0.clicks, $0.shares, $1.contentID) > ($1.engagements, $1.clicks, $1.shares, $0.contentID) }
        r.names = try await data.employeeNames()
        let leads = try await data.leads(from: from, to: to)
        let owners = try await data.linkOwners()
        r.leadsByRep = Advocacy.leadsByRep(leads, linkOwners: owners, fromInstant: from, toInstant: to)
        for l in leads {
            guard let c = l.utmContent, !c.isEmpty, let e = owners[c] else { continue }
            pipeline[e, default: .init(employeeID: e)].leads += 1
            if l.won {
                pipeline[e]!.won += 1
                try Checked.add(&pipeline[e]!.dealValueCents, l.valueCents ?? 0, "deal value")
            }
        }
        r.pipeline = pipeline.values.sorted { (a: AdvocacyReport.PipelineRow, b: AdvocacyReport.PipelineRow) in
            (a.won, a.leads, a.clicks, a.shares, b.employeeID) > (b.won, b.leads, b.clicks, b.shares, a.employeeID)
        }
        r.leadSources = Advocacy.leadSources(leads, fromInstant: from, toInstant: to)

        r.ssi = Advocacy.ssiChanges(try await data.ssi(period: period), period: period)
        let sharesBy = Dictionary(sharers.map { ($0.employeeID, Double($0.shares)) }, uniquingKeysWith: +)
        let xs = r.ssi.map { sharesBy[$0.employeeID] ?? 0 }, ys = r.ssi.map(\.change)
        r.ssiVsShares = (r.ssi.count, Statistics.pearson(xs, ys), Statistics.spearman(xs, ys))

        r.hiring = Advocacy.hiring(try await data.candidates(from: from, to: to), fromInstant: from, toInstant: to)
        r.jobPortal = Advocacy.jobPortalVisits(try await store.sessions(fromUTC: from, toUTC: to), prefixes: careersPrefixes)
        return r
    }
}

extension AdvocacyReport {
    static func days(_ xs: [Double]) -> JSONValue {
        .object([("median", .from(Statistics.median(xs))), ("mean", .from(Statistics.mean(xs))), ("n", .int(xs.count))])
    }

    /// The keys of CONTRACT.md §2 (advocacy), full precision, null where undefined.
    public var json: JSONValue {
        var kv: [(String, JSONValue)] = []
        kv.append(("period", .object([("from", .string(period.from.description)), ("to", .string(period.to.description))])))
        kv.append(("timezone", .string(timeZone)))
        kv += [("headcount", .int(headcount)), ("members", .int(members)), ("invited", .int(invitations.invited)),
               ("joined", .int(invitations.joined)), ("invite_conversion_pct", .from(invitations.pct))]
        let cohortValues: [JSONValue] = cohorts.map { c in
            .object([("cohort", .string(c.cohort)), ("invited", .int(c.invited)), ("joined", .int(c.joined)), ("invite_conversion_pct", .from(c.pct))])
        }
        kv.append(("cohorts", .array(cohortValues)))
        kv += [("active_sharers", .int(activeSharers)), ("active_participation_pct", .from(activeParticipationPct)),
               ("active_participation_members_pct", .from(activeParticipationMembersPct))]
        let sharerValues: [JSONValue] = topSharers.map { s in .object([("employee_id", .string(s.employeeID)), ("shares", .int(s.shares))]) }
        kv.append(("top_sharers", .array(sharerValues)))
        let engagerValues: [JSONValue] = topEngagers.map { e in
            .object([("employee_id", .string(e.0.employeeID)), ("shares", .int(e.0.shares)), ("engagements_per_share", .double(e.1))])
        }
        kv.append(("top_engagers", .array(engagerValues)))
        kv.append(("story_contributions", .object([("submitted", .int(stories.submitted)), ("approved", .int(stories.approved)),
                                                   ("published", .int(stories.published)), ("contributors", .int(stories.contributors))])))
        let t = shareTotals
        kv.append(("advocacy_engagements", .object([
            ("shares_posted", .int(t.shares)), ("impressions", .int(t.impressions)), ("likes", .int(t.likes)), ("comments", .int(t.comments)),
            ("shares", .int(t.reshares)), ("clicks", .int(t.clicks)), ("engagements", .int(t.engagements)), ("advocacy_er_pct", .from(advocacyERPct)),
        ])))
        kv += [("advocate_clicks", .int(advocateClicks)), ("brand_clicks", .int(brandClicks)),
               ("advocate_unique_visitors", .int(advocateUniqueVisitors)), ("brand_unique_visitors", .int(brandUniqueVisitors)),
               ("earned_media_value", .double(earnedMediaValue))]
        let repValues: [JSONValue] = leadsByRep.map { r in .object([("employee_id", .string(r.0)), ("leads", .int(r.1))]) }
        kv.append(("leads_by_rep", .array(repValues)))
        let sourceValues: [JSONValue] = leadSources.map { s in
            .object([("source", .string(s.source)), ("leads", .int(s.leads)), ("won", .int(s.won)),
                     ("lead_to_deal_pct", .from(s.leadToDealPct)), ("time_to_close_days", Self.days(s.daysToClose))])
        }
        kv.append(("lead_sources", .array(sourceValues)))
        let ssiValues: [JSONValue] = ssi.map { s in
            .object([("employee_id", .string(s.employeeID)), ("first", .double(s.first)), ("last", .double(s.last)), ("change", .double(s.change))])
        }
        kv.append(("ssi", .array(ssiValues)))
        kv.append(("ssi_vs_shares", .object([("n", .int(ssiVsShares.n)), ("pearson_r", .from(ssiVsShares.pearson)),
                                             ("spearman_rho", .from(ssiVsShares.spearman))])))
        kv += [("referrals", .int(hiring.referrals)), ("referral_hires", .int(hiring.referralHires))]
        let hireValues: [JSONValue] = hiring.daysToHire.keys.sorted().map { source in
            .object([("source", .string(source))] + Self.fields(Self.days(hiring.daysToHire[source] ?? [])))
        }
        kv.append(("time_to_hire_days", .array(hireValues)))
        let portalValues: [JSONValue] = jobPortal.map { j in
            .object([("channel", .string(j.channel)), ("sessions", .int(j.sessions)), ("advocacy_sessions", .int(j.advocacy))])
        }
        kv.append(("job_portal_visits", .array(portalValues)))
        let pipelineValues: [JSONValue] = pipeline.map { p in
            .object([("employee_id", .string(p.employeeID)), ("shares", .int(p.shares)), ("clicks", .int(p.clicks)),
                     ("unique_visitors", .int(p.uniqueVisitors)), ("leads", .int(p.leads)), ("won", .int(p.won)),
                     ("deal_value", .double(Double(p.dealValueCents) / 100))])
        }
        kv.append(("pipeline", .array(pipelineValues)))
        kv.append(("funnel", .object([("invited", .int(invitations.invited)), ("joined", .int(invitations.joined)),
                                      ("active", .int(activeSharers)), ("sharing_regularly", .int(regularSharers)),
                                      ("regular_min_shares", .int(minShares))])))
        let contentValues: [JSONValue] = content.map { c in
            .object([("content_id", .string(c.contentID)), ("title", c.title.map(JSONValue.string) ?? .null), ("shares", .int(c.shares)),
                     ("sharers", .int(c.sharers)), ("impressions", .int(c.impressions)), ("engagements", .int(c.engagements)),
                     ("er_pct", .from(c.erPct)), ("clicks", .int(c.clicks)), ("unique_visitors", .int(c.uniqueVisitors))])
        }
        kv.append(("content_performance", .array(contentValues)))
        return .object(kv)
    }

    static func fields(_ v: JSONValue) -> [(String, JSONValue)] {
        if case .object(let kv) = v { return kv }
        return []
    }
}
