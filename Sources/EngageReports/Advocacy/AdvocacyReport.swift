import EngageCore
import EngageStore

/// Employee advocacy over a period (METRICS.md §3, CONTRACT.md §2 keys).
public struct AdvocacyReport: Sendable {
    public var period: Period
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
    public var emv = EMVRates.defaults
    public var careersPrefixes = ["/careers", "/jobs"]

    public init(store: any Store) { self.store = store }

    public func build(period: Period) async throws -> AdvocacyReport {
        let data = AdvocacyData(store: store)
        let from = Int64(period.from.dayNumber) * 86_400, to = Int64(period.to.dayNumber + 1) * 86_400
        var r = AdvocacyReport(period: period)
        let employees = try await data.employees(), invitations = try await data.invitations()
        (r.headcount, r.members) = Advocacy.headcount(employees, invitations, period: period, toInstant: to)
        (r.cohorts, r.invitations) = Advocacy.inviteConversion(invitations, toInstant: to)

        let sharers = try await data.sharers(from: from, to: to)
        r.activeSharers = sharers.filter { $0.shares > 0 }.count
        r.topSharers = Advocacy.topSharers(sharers)
        r.topEngagers = Advocacy.topEngagers(sharers, minShares: minSharesForEngagers)
        for s in sharers {
            r.shareTotals.shares += s.shares
            r.shareTotals.impressions += s.impressions
            r.shareTotals.likes += s.likes
            r.shareTotals.comments += s.comments
            r.shareTotals.reshares += s.reshares
            r.shareTotals.clicks += s.clicks
        }
        r.stories = Advocacy.stories(try await data.content(from: from, to: to), fromInstant: from, toInstant: to)
        r.earnedMediaValue = emv.value(of: try await data.shareDays(from: from, to: to))

        var pipeline: [String: AdvocacyReport.PipelineRow] = [:]
        for s in sharers { pipeline[s.employeeID, default: .init(employeeID: s.employeeID)].shares = s.shares }
        for d in try await data.clickDays(from: from, to: to) {
            if let e = d.employeeID {
                r.advocateClicks += d.clicks
                r.advocateUniqueVisitors += d.uniqueVisitors
                pipeline[e, default: .init(employeeID: e)].clicks += d.clicks
                pipeline[e, default: .init(employeeID: e)].uniqueVisitors += d.uniqueVisitors
            } else {
                r.brandClicks += d.clicks
                r.brandUniqueVisitors += d.uniqueVisitors
            }
        }
        let leads = try await data.leads(from: from, to: to)
        let owners = try await data.linkOwners()
        r.leadsByRep = Advocacy.leadsByRep(leads, linkOwners: owners, fromInstant: from, toInstant: to)
        for l in leads {
            guard let c = l.utmContent, !c.isEmpty, let e = owners[c] else { continue }
            pipeline[e, default: .init(employeeID: e)].leads += 1
            if l.won {
                pipeline[e]!.won += 1
                pipeline[e]!.dealValueCents += l.valueCents ?? 0
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
        return .object(kv)
    }

    static func fields(_ v: JSONValue) -> [(String, JSONValue)] {
        if case .object(let kv) = v { return kv }
        return []
    }
}
