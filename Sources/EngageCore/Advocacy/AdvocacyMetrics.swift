/// Employee advocacy (METRICS.md §3): plain inputs in, every metric out. Instants are UTC
/// seconds; the period is cut in the organisation's zone by the caller (`fromInstant`,
/// `toInstant` = the start of the day after `to`).
public enum Advocacy {
    public struct Employee: Sendable, Equatable {
        public var id: String
        public var hiredOn: LocalDate?
        public var leftOn: LocalDate?
        public init(id: String, hiredOn: LocalDate? = nil, leftOn: LocalDate? = nil) {
            self.id = id
            self.hiredOn = hiredOn
            self.leftOn = leftOn
        }
    }

    public struct Invitation: Sendable, Equatable {
        public var employeeID: String
        public var invitedAt: Int64
        public var cohort: String?
        public var joinedAt: Int64?
        public init(employeeID: String, invitedAt: Int64, cohort: String? = nil, joinedAt: Int64? = nil) {
            self.employeeID = employeeID
            self.invitedAt = invitedAt
            self.cohort = cohort
            self.joinedAt = joinedAt
        }
    }

    /// One employee's shares in the period, summed.
    public struct SharerTotals: Sendable, Equatable {
        public var employeeID: String
        public var shares: Int
        public var impressions = 0, likes = 0, comments = 0, reshares = 0, clicks = 0
        public init(employeeID: String, shares: Int, impressions: Int = 0, likes: Int = 0, comments: Int = 0, reshares: Int = 0, clicks: Int = 0) {
            self.employeeID = employeeID
            self.shares = shares
            self.impressions = impressions
            self.likes = likes
            self.comments = comments
            self.reshares = reshares
            self.clicks = clicks
        }
        public var engagements: Int { Checked.saturating(Checked.saturating(likes, comments), reshares) }
    }

    public struct ContentItem: Sendable, Equatable {
        public var submittedBy: String?
        public var submittedAt: Int64?
        public var status: String?
        public init(submittedBy: String?, submittedAt: Int64?, status: String?) {
            self.submittedBy = submittedBy
            self.submittedAt = submittedAt
            self.status = status
        }
    }

    public struct Lead: Sendable, Equatable {
        public var createdAt: Int64
        public var source: String?
        public var utmMedium: String?
        public var utmContent: String?
        public var closedAt: Int64?
        public var won: Bool
        public var valueCents: Int?
        public init(createdAt: Int64, source: String? = nil, utmMedium: String? = nil, utmContent: String? = nil,
                    closedAt: Int64? = nil, won: Bool = false, valueCents: Int? = nil) {
            self.createdAt = createdAt
            self.source = source
            self.utmMedium = utmMedium
            self.utmContent = utmContent
            self.closedAt = closedAt
            self.won = won
            self.valueCents = valueCents
        }

        /// `source`, else `utm_medium`, else `unknown`.
        public var sourceName: String {
            if let s = source, !s.isEmpty { return s }
            if let m = utmMedium, !m.isEmpty { return m }
            return "unknown"
        }
    }

    public struct SSIPoint: Sendable, Equatable {
        public var employeeID: String
        public var date: LocalDate
        public var total: Double
        public init(employeeID: String, date: LocalDate, total: Double) {
            self.employeeID = employeeID
            self.date = date
            self.total = total
        }
    }

    public struct Candidate: Sendable, Equatable {
        public var source: String
        public var firstContactAt: Int64
        public var referredBy: String?
        public var offerAcceptedAt: Int64?
        public var hired: Bool
        public init(source: String, firstContactAt: Int64, referredBy: String? = nil, offerAcceptedAt: Int64? = nil, hired: Bool = false) {
            self.source = source
            self.firstContactAt = firstContactAt
            self.referredBy = referredBy
            self.offerAcceptedAt = offerAcceptedAt
            self.hired = hired
        }
    }

    // MARK: rules

    /// Employed in the period: hired on or before `to` (or unknown), and not left before `from`.
    public static func employed(_ e: Employee, in p: Period) -> Bool {
        (e.hiredOn.map { $0 <= p.to } ?? true) && (e.leftOn.map { $0 >= p.from } ?? true)
    }

    /// A cohort's name: its `cohort`, else the month of the invitation (`YYYY-MM`, UTC).
    public static func cohort(_ i: Invitation) -> String {
        if let c = i.cohort, !c.isEmpty { return c }
        return String(LocalDate(dayNumber: Int(floorDiv(i.invitedAt, 86_400))).description.prefix(7))
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : -((-a + b - 1) / b) }

    public struct CohortConversion: Sendable, Equatable {
        public var cohort: String
        public var invited: Int
        public var joined: Int
        public init(cohort: String, invited: Int, joined: Int) {
            self.cohort = cohort
            self.invited = invited
            self.joined = joined
        }
        public var pct: Double? { percent(Double(joined), Double(invited)) }
    }

    /// Invitations up to the end of the period, per cohort (sorted by name) and overall.
    public static func inviteConversion(_ invitations: [Invitation], toInstant: Int64) -> (cohorts: [CohortConversion], overall: CohortConversion) {
        var by: [String: CohortConversion] = [:]
        var all = CohortConversion(cohort: "", invited: 0, joined: 0)
        for i in invitations where i.invitedAt < toInstant {
            let c = cohort(i)
            let joined = i.joinedAt.map { $0 < toInstant } ?? false
            by[c, default: CohortConversion(cohort: c, invited: 0, joined: 0)].invited += 1
            all.invited += 1
            if joined {
                by[c]!.joined += 1
                all.joined += 1
            }
        }
        return (by.values.sorted { $0.cohort < $1.cohort }, all)
    }

    /// Headcount (employed in the period) and members (employed, joined by the end of it).
    public static func headcount(_ employees: [Employee], _ invitations: [Invitation], period: Period, toInstant: Int64) -> (headcount: Int, members: Int) {
        let joined = Set(invitations.filter { ($0.joinedAt.map { $0 < toInstant }) ?? false }.map(\.employeeID))
        let employedIDs = employees.filter { employed($0, in: period) }.map(\.id)
        return (employedIDs.count, employedIDs.filter(joined.contains).count)
    }

    /// Top 10 by shares (ties: employee id).
    public static func topSharers(_ sharers: [SharerTotals], limit: Int = 10) -> [SharerTotals] {
        Array(sharers.filter { $0.shares > 0 }.sorted { ($0.shares, $1.employeeID) > ($1.shares, $0.employeeID) }.prefix(limit))
    }

    /// Top 10 by mean engagements per share among those with at least `minShares` shares.
    public static func topEngagers(_ sharers: [SharerTotals], minShares: Int = 3, limit: Int = 10) -> [(SharerTotals, Double)] {
        let ranked = sharers.filter { $0.shares >= max(1, minShares) }
            .map { ($0, Double($0.engagements) / Double($0.shares)) }
            .sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0.employeeID < $1.0.employeeID }
        return Array(ranked.prefix(limit))
    }

    public struct Stories: Sendable, Equatable {
        public var submitted = 0, approved = 0, published = 0, contributors = 0
        public init() {}
    }

    /// Content submitted by employees in the period.
    public static func stories(_ items: [ContentItem], fromInstant: Int64, toInstant: Int64) -> Stories {
        var s = Stories()
        var who: Set<String> = []
        for c in items {
            guard let by = c.submittedBy, !by.isEmpty, let at = c.submittedAt, at >= fromInstant, at < toInstant else { continue }
            s.submitted += 1
            if c.status == "approved" || c.status == "published" { s.approved += 1 }
            if c.status == "published" { s.published += 1 }
            who.insert(by)
        }
        s.contributors = who.count
        return s
    }

    /// Leads created in the period credited to the employee whose tracked link carries the
    /// same non-empty utm_content: employee → leads (sorted by leads, then id).
    public static func leadsByRep(_ leads: [Lead], linkOwners: [String: String], fromInstant: Int64, toInstant: Int64) -> [(String, Int)] {
        var by: [String: Int] = [:]
        for l in leads where l.createdAt >= fromInstant && l.createdAt < toInstant {
            if let c = l.utmContent, !c.isEmpty, let e = linkOwners[c] { by[e, default: 0] += 1 }
        }
        return by.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
    }

    public struct SourceFunnel: Sendable, Equatable {
        public var source: String
        public var leads = 0
        public var won = 0
        public var daysToClose: [Double] = []
        public var leadToDealPct: Double? { percent(Double(won), Double(leads)) }
    }

    /// Per lead source over leads created in the period (sorted by source).
    public static func leadSources(_ leads: [Lead], fromInstant: Int64, toInstant: Int64) -> [SourceFunnel] {
        var by: [String: SourceFunnel] = [:]
        for l in leads where l.createdAt >= fromInstant && l.createdAt < toInstant {
            let s = l.sourceName
            by[s, default: SourceFunnel(source: s)].leads += 1
            if l.won {
                by[s]!.won += 1
                if let c = l.closedAt { by[s]!.daysToClose.append(Double(c - l.createdAt) / 86_400) }
            }
        }
        return by.values.sorted { $0.source < $1.source }
    }

    public struct SSIChange: Sendable, Equatable {
        public var employeeID: String
        public var first: Double
        public var last: Double
        public init(employeeID: String, first: Double, last: Double) {
            self.employeeID = employeeID
            self.first = first
            self.last = last
        }
        public var change: Double { last - first }
    }

    /// Per employee: the first and last SSI dated in the period (sorted by employee).
    public static func ssiChanges(_ points: [SSIPoint], period: Period) -> [SSIChange] {
        var by: [String: (first: SSIPoint, last: SSIPoint)] = [:]
        for p in points where p.date >= period.from && p.date <= period.to {
            if let e = by[p.employeeID] {
                by[p.employeeID] = (p.date < e.first.date ? p : e.first, p.date > e.last.date ? p : e.last)
            } else {
                by[p.employeeID] = (p, p)
            }
        }
        return by.map { SSIChange(employeeID: $0.key, first: $0.value.first.total, last: $0.value.last.total) }.sorted { $0.employeeID < $1.employeeID }
    }

    public struct Hiring: Sendable, Equatable {
        public var referrals = 0
        public var referralHires = 0
        /// source → days from first contact to accepted offer
        public var daysToHire: [String: [Double]] = [:]
        public init() {}
    }

    public static func hiring(_ candidates: [Candidate], fromInstant: Int64, toInstant: Int64) -> Hiring {
        var h = Hiring()
        for c in candidates where c.firstContactAt >= fromInstant && c.firstContactAt < toInstant {
            if let r = c.referredBy, !r.isEmpty {
                h.referrals += 1
                if c.hired { h.referralHires += 1 }
            }
            if let o = c.offerAcceptedAt { h.daysToHire[c.source, default: []].append(Double(o - c.firstContactAt) / 86_400) }
        }
        return h
    }

    /// The path of a landing page (a full URL or a path).
    public static func path(of landingPage: String) -> String {
        var s = Substring(landingPage)
        if let r = s.range(of: "://") {
            s = s[r.upperBound...]
            s = s.firstIndex(of: "/").map { s[$0...] } ?? "/"
        }
        return String(s)
    }

    /// Sessions landing on the careers pages, by channel: (channel, sessions, advocacy sessions).
    public static func jobPortalVisits(_ sessions: [SessionRecord], prefixes: [String] = ["/careers", "/jobs"]) -> [(channel: String, sessions: Int, advocacy: Int)] {
        var by: [String: (Int, Int)] = [:]
        for s in sessions {
            guard let lp = s.landingPage, prefixes.contains(where: { path(of: lp).lowercased().hasPrefix($0) }) else { continue }
            let ch = Traffic.channel(of: s)
            var e = by[ch] ?? (0, 0)
            e.0 += 1
            if s.utmMedium?.lowercased() == "advocacy" { e.1 += 1 }
            by[ch] = e
        }
        return by.map { ($0.key, $0.value.0, $0.value.1) }.sorted { $0.sessions != $1.sessions ? $0.sessions > $1.sessions : $0.channel < $1.channel }
    }
}
