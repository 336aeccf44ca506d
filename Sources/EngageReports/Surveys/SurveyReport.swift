import EngageCore
import EngageStore
import Foundation

/// One survey wave's results (METRICS.md §4): the index of its method company-wide and per
/// stratum, with anonymity suppression, reliability, and coverage against headcount.
public struct SurveyReport: Sendable {
    public struct Group: Sendable {
        public var key: String
        public var respondents: Int
        public var suppressed = false
        public var engagementPct: Double?
        public var interval: Survey.Interval?
        public var componentMeans: [String: Double] = [:]
        public var index: Double?
        /// Σ points over respondents and items (yes/no: the number of yes).
        public var totalPoints = 0.0
        public var enps: Double?
        public var enpsAnswers = 0
        /// Shown only for the whole survey and for departments (never for two breakdowns,
        /// whose lists could be intersected), and only for groups of at least
        /// `Survey.commentsMinimum` respondents; nil where not shown.
        public var comments: [String]?
        /// The group's sums (what is stored for a group).
        public var tally = SurveyTally()
        /// `comments` counted once per group of (near-)identical texts.
        public var commentGroups: [(text: String, count: Int)]? { comments.map(Survey.groupComments) }
    }

    /// One statement's results over the whole wave.
    public struct Item: Sendable {
        public var item: Questionnaire.Item
        /// Respondents who answered it.
        public var n: Int
        public var mean: Double?
        /// The mean on 0–100 (yes/no: % yes).
        public var scorePct: Double?
        /// answer (yes/no, or option id) → count, in the questionnaire's order.
        public var counts: [(answer: String, count: Int)]
        /// % favourable / neutral / unfavourable (scored statements).
        public var leaning: (favourable: Double, neutral: Double, unfavourable: Double)?
        /// The score in the last earlier wave of the same questionnaire (id and version) that
        /// had at least the threshold of respondents, and the change since.
        public var previous: (surveyID: String, scorePct: Double)?
        public var change: Double? { previous.flatMap { p in scorePct.map { $0 - p.scorePct } } }
        public var driver: Survey.Driver?
        public var priority: Survey.Priority?
    }

    public struct Stratum: Sendable {
        public var dimension: String
        public var group: String
        public var headcount: Int
        public var respondents: Int
        public var suppressed: Bool
    }

    public var surveyID: String
    public var name: String
    public var questionnaire: Questionnaire
    public var threshold: Int
    public var respondents = 0
    public var headcount = 0
    public var overall: Group
    public var reliability: [String: Double?] = [:]
    /// dimension (department, role, age_band, gender) → groups
    public var breakdowns: [(String, [Group])] = []
    public var strata: [Stratum] = []
    public var warnings: [String] = []
    /// Per statement, in the questionnaire's order (empty when the whole wave is hidden).
    public var items: [Item] = []
    /// Still collecting answers (not closed, and its closing day not passed).
    public var open = false
    /// Why the figures are preliminary: `wave_open`, `respondents_below_reliability_minimum`.
    public var preliminaryReasons: [String] = []
    public var preliminary: Bool { !preliminaryReasons.isEmpty }
    /// Earlier waves of the same method, oldest first, this one last.
    public var trend: [Wave] = []
    public var events: [(id: String, name: String?, date: LocalDate, invited: Int, attended: Int)] = []
    /// Department values beside HR metrics and advocacy participation, and their correlations.
    public var outcomes: [Outcome] = []
    /// Per-person values of this wave (express: % yes; scored: total points), for changes.
    public var perPerson: [Double] = []

    public struct Wave: Sendable {
        public var surveyID: String
        public var name: String
        public var date: LocalDate
        public var questionnaire: String
        public var value: Double?
        public var respondents: Int
        /// Same questionnaire id and version as this wave.
        public var comparable: Bool
        public var change: (difference: Double, interval: Survey.Interval)?
    }

    public struct Outcome: Sendable {
        public var metric: String
        public var pairs: [(department: String, value: Double, outcome: Double)]
        public var pearson: Double? { Statistics.pearson(pairs.map(\.value), pairs.map(\.outcome)) }
        public var spearman: Double? { Statistics.spearman(pairs.map(\.value), pairs.map(\.outcome)) }
    }

    public var responseRatePct: Double? { percent(Double(respondents), Double(headcount)) }
    public var componentMaxima: [String: Double] {
        Dictionary(uniqueKeysWithValues: questionnaire.components.map { ($0.id, questionnaire.maxPoints(component: $0.id)) })
    }
}

/// A requested anonymity threshold below the configured one (a request can only raise it).
public struct ThresholdBelowSetting: UserFacingError, Sendable {
    public var requested: Int
    public var configured: Int
    public var description: String {
        "threshold \(requested) is below this instance's anonymity threshold (\(configured)): a request can only raise it (an admin sets it with engage config survey-threshold)"
    }
    public var kind: ErrorKind { .badRequest }
}

public struct SurveyReportBuilder: Sendable {
    public let store: any Store
    /// A threshold asked for by a request: it can only raise the configured one
    /// (`SurveyData.threshold()`); nil uses the configured one.
    public var threshold: Int?
    /// The day a wave is judged open or closed on (default: today, UTC).
    public var today: LocalDate?
    public init(store: any Store) { self.store = store }

    public static let dimensions = ["department", "role", "age_band", "gender"]

    static func role(_ isManager: Bool?) -> String? { isManager.map { $0 ? "manager" : "staff" } }

    public func build(surveyID: String) async throws -> SurveyReport {
        let data = SurveyData(store: store)
        guard let survey = try await data.survey(id: surveyID) else { throw StoreError.notFound("no survey '\(surveyID)' (see engage survey create)") }
        guard let q = Questionnaire(jsonText: survey.questionnaireJSON) else { throw StoreError("survey '\(surveyID)' has an unreadable questionnaire") }
        let configured = try await data.threshold()
        if let requested = threshold, requested < configured { throw ThresholdBelowSetting(requested: requested, configured: configured) }
        let t = max(configured, threshold ?? configured)
        // the stored responses (answers only) give the whole survey; groups come from tallies
        let vectors = Self.canonical(try await data.vectors(surveyID: surveyID))
        var all = SurveyTally()
        for v in vectors { all.add(v.answers, q) }
        var r = SurveyReport(surveyID: survey.id, name: survey.name, questionnaire: q, threshold: t,
                             overall: Self.group("all", all, q, comments: vectors.compactMap(\.comment)))
        r.respondents = vectors.count

        // reliability: KR-20 over the yes/no items, Cronbach's α per component
        func points(_ v: SurveyVector, _ item: Questionnaire.Item) -> Double {
            v.answers[item.id].flatMap { SurveyTally.points(q, item: item, answer: $0) } ?? 0
        }
        switch q.method {
        case .yesNo:
            r.reliability["all"] = Survey.kr20(vectors.map { v in q.items.map { points(v, $0) > 0 } })
        case .scored:
            for c in q.components {
                let items = q.items.filter { $0.component == c.id }
                r.reliability[c.id] = Survey.cronbachAlpha(vectors.map { v in items.map { points(v, $0) } })
            }
        }

        // small samples: while the wave is open, or below the minimum n, the index is
        // preliminary and reliability is withheld
        let today = self.today ?? LocalDate(utcInstant: Int64(Date().timeIntervalSince1970))
        r.open = survey.closedAt == nil && (survey.closesOn.map { $0 >= today } ?? true)
        if r.open { r.preliminaryReasons.append("wave_open") }
        if vectors.count < Survey.reliabilityMinimum { r.preliminaryReasons.append("respondents_below_reliability_minimum") }
        if r.preliminary { for k in r.reliability.keys { r.reliability[k] = .some(nil) } }
        r.items = Self.items(vectors, all, q)

        // headcount as of the survey's day, by stratum
        let day = LocalDate(utcInstant: survey.createdAt)
        let year = day.components.year
        var headcount: [String: [String: Int]] = [:]
        for e in try await Employees(store: store).strata() {
            guard e.hiredOn.map({ $0 <= day }) ?? true, e.leftOn.map({ $0 >= day }) ?? true else { continue }
            r.headcount += 1
            let keys: [String?] = [e.department, Self.role(e.isManager), e.birthYear.map { Survey.ageBand(birthYear: $0, in: year) }, e.gender]
            for (dim, k) in zip(Self.dimensions, keys) { if let k, !k.isEmpty { headcount[dim, default: [:]][k, default: 0] += 1 } }
        }

        let tallies = try await data.tallies(surveyID: surveyID)
        // a department's comments are shown only where no set of fewer than
        // `commentsMinimum` people's comments could be had by subtracting the shown lists
        // from the whole list (respondents without a department count as a group of their own)
        var byDepartment = (tallies["department"] ?? [:]).mapValues(\.n)
        let withDepartment = byDepartment.values.reduce(0, +)
        if vectors.count > withDepartment { byDepartment["\u{0}none"] = vectors.count - withDepartment }
        let commentsHidden = Survey.suppressed(byDepartment, threshold: Survey.commentsMinimum)
        let departmentComments = try await data.departmentComments(surveyID: surveyID).filter { !commentsHidden.contains($0.key) }
        for dim in Self.dimensions {
            let by = tallies[dim] ?? [:]
            let keys = Set(by.keys).union(headcount[dim]?.keys ?? [:].keys)
            let counts = Dictionary(uniqueKeysWithValues: keys.map { ($0, by[$0]?.n ?? 0) })
            // small groups, and the next smallest with them; a group without answers looks
            // the same as a small one
            let hidden = Survey.suppressed(counts, threshold: t).union(counts.filter { $0.value < t }.map(\.key))
            var groups: [SurveyReport.Group] = []
            for k in keys.sorted() {
                let n = counts[k] ?? 0
                var g = hidden.contains(k) ? SurveyReport.Group(key: k, respondents: n)
                    : Self.group(k, by[k] ?? SurveyTally(), q, comments: dim == "department" && !commentsHidden.contains(k) ? departmentComments[k] ?? [] : nil)
                g.suppressed = hidden.contains(k)
                groups.append(g)
                r.strata.append(.init(dimension: dim, group: k, headcount: headcount[dim]?[k] ?? 0, respondents: n, suppressed: hidden.contains(k)))
            }
            r.breakdowns.append((dim, groups))
        }
        r.warnings = Self.coverageWarnings(r, headcount: headcount)
        r.perPerson = Self.perPerson(vectors, q)

        // waves of the same method, up to this one, with the change since the one before
        var previous: [Double]?
        var lastComparable: (String, SurveyTally)?
        for s in try await data.surveys() where s.createdAt <= survey.createdAt {
            guard let wq = Questionnaire(jsonText: s.questionnaireJSON), wq.method == q.method else { continue }
            let wv = s.id == survey.id ? vectors : Self.canonical(try await data.vectors(surveyID: s.id))
            var tally = SurveyTally()
            for v in wv { tally.add(v.answers, wq) }
            let g = Self.group(s.id, tally, wq, comments: nil)
            let values = Self.perPerson(wv, wq)
            var w = SurveyReport.Wave(surveyID: s.id, name: s.name, date: LocalDate(utcInstant: s.createdAt),
                                      questionnaire: "\(wq.id) v\(wq.version)", value: wv.count < t ? nil : (q.method == .yesNo ? g.engagementPct : g.index),
                                      respondents: wv.count, comparable: wq.id == q.id && wq.version == q.version)
            if let p = previous, wv.count >= t, p.count >= t { w.change = Survey.differenceInterval(p, values) }
            previous = values
            r.trend.append(w)
            if s.id != survey.id, w.comparable, wv.count >= t { lastComparable = (s.id, tally) }
        }
        if let (id, before) = lastComparable {
            for i in r.items.indices {
                let item = r.items[i].item
                if let p = Self.scorePct(before, item, q) { r.items[i].previous = (id, p) }
            }
        }

        r.events = try await data.events()

        // department value beside HR metrics (each department's latest period) and advocacy
        // participation (sharers in the 90 days before the survey / employed), over the
        // departments shown
        let shown = (r.breakdowns.first { $0.0 == "department" }?.1 ?? []).filter { !$0.suppressed && $0.respondents > 0 }
        let valueOf = Dictionary(uniqueKeysWithValues: shown.compactMap { g in (q.method == .yesNo ? g.engagementPct : g.index).map { (g.key, $0) } })
        let latest = try await data.latestHRMetrics()
        let metrics: [(String, KeyPath<(turnoverPct: Double?, absenteeismPct: Double?, productivity: Double?), Double?>)] =
            [("turnover_pct", \.turnoverPct), ("absenteeism_pct", \.absenteeismPct), ("productivity", \.productivity)]
        for (metric, path) in metrics {
            let pairs = valueOf.keys.sorted().compactMap { d -> (String, Double, Double)? in
                guard let v = valueOf[d], let o = latest[d]?[keyPath: path] else { return nil }
                return (d, v, o)
            }
            r.outcomes.append(.init(metric: metric, pairs: pairs))
        }
        if let sharing = try await Employees(store: store).sharingByDepartment(from: survey.createdAt - 90 * LocalDate.secondsPerDay, to: survey.createdAt) {
            let pairs = sharing.compactMap { s -> (String, Double, Double)? in
                guard let v = valueOf[s.department], s.employees > 0 else { return nil }
                return (s.department, v, Double(s.sharers) / Double(s.employees) * 100)
            }.sorted { $0.0 < $1.0 }
            r.outcomes.append(.init(metric: "advocacy_participation_pct", pairs: pairs))
        }
        return r
    }

    /// A statement's mean on 0–100 in a group's tally (nil when nobody answered it).
    public static func scorePct(_ tally: SurveyTally, _ item: Questionnaire.Item, _ q: Questionnaire) -> Double? {
        let answered = tally.answerCounts[item.id]?.values.reduce(0, +) ?? 0
        guard answered > 0 else { return nil }
        return Survey.scorePct(mean: (tally.itemSums[item.id] ?? 0) / Double(answered), range: Survey.pointRange(q, item))
    }

    /// % favourable, neutral and unfavourable answers of a scored statement in a tally.
    public static func leaning(_ tally: SurveyTally, _ item: Questionnaire.Item, _ q: Questionnaire) -> (favourable: Double, neutral: Double, unfavourable: Double)? {
        guard q.method == .scored, let counts = tally.answerCounts[item.id] else { return nil }
        let range = Survey.pointRange(q, item)
        var f = 0, m = 0, u = 0
        for o in item.options {
            let c = counts[o.id] ?? 0
            switch Survey.leaning(points: o.points, range: range) {
            case .favourable: f += c
            case .neutral: m += c
            case .unfavourable: u += c
            }
        }
        let n = Double(f + m + u)
        guard n > 0 else { return nil }
        return (Double(f) / n * 100, Double(m) / n * 100, Double(u) / n * 100)
    }

    /// Per-statement results of the whole wave, with drivers over the respondents who
    /// answered every statement.
    static func items(_ vectors: [SurveyVector], _ all: SurveyTally, _ q: Questionnaire) -> [SurveyReport.Item] {
        var rows: [[Double]] = []
        for v in vectors {
            let row = q.items.compactMap { item in v.answers[item.id].flatMap { SurveyTally.points(q, item: item, answer: $0) } }
            if row.count == q.items.count { rows.append(row) }
        }
        let drivers = q.items.count >= 2 ? Survey.drivers(rows) : []
        var out: [SurveyReport.Item] = q.items.enumerated().map { i, item in
            let counts = all.answerCounts[item.id] ?? [:]
            let answers = q.method == .yesNo ? ["yes", "no"] : item.options.map(\.id)
            let n = counts.values.reduce(0, +)
            return SurveyReport.Item(item: item, n: n, mean: n > 0 ? (all.itemSums[item.id] ?? 0) / Double(n) : nil,
                                     scorePct: scorePct(all, item, q), counts: answers.map { ($0, counts[$0] ?? 0) },
                                     leaning: leaning(all, item, q), driver: i < drivers.count ? drivers[i] : nil)
        }
        let ranked = Survey.priorities(out.map { it in (it.driver.flatMap { $0.enough ? $0.rho : nil }, it.scorePct) })
        for i in out.indices { out[i].priority = ranked[i] }
        return out
    }

    /// Responses in an order of their content (their keys are random): floating-point sums
    /// then come out the same on every engine and after a move.
    static func canonical(_ vectors: [SurveyVector]) -> [SurveyVector] {
        vectors.map { ($0.answersJSON, $0) }.sorted { ($0.0, $0.1.comment ?? "") < ($1.0, $1.1.comment ?? "") }.map(\.1)
    }

    /// Each respondent's value: express, the % of yes; scored, the total points.
    static func perPerson(_ vectors: [SurveyVector], _ q: Questionnaire) -> [Double] {
        vectors.map { v in
            var one = SurveyTally()
            one.add(v.answers, q)
            return q.method == .yesNo ? one.personSum / Double(max(1, q.items.count)) * 100 : one.personSum
        }
    }

    /// The index of the questionnaire's method over a group's tally (nothing when empty).
    /// `comments`: the group's comments, where a group shows them at all.
    static func group(_ key: String, _ tally: SurveyTally, _ q: Questionnaire, comments: [String]?) -> SurveyReport.Group {
        var g = SurveyReport.Group(key: key, respondents: tally.n)
        g.tally = tally
        guard tally.n > 0 else { return g }
        if q.enps != nil {
            g.enps = tally.enps
            g.enpsAnswers = tally.enpsAnswers
        }
        if q.comments != nil, let comments {
            // sorted, so their order says nothing about when or by whom
            g.comments = tally.n >= Survey.commentsMinimum ? comments.filter { !$0.isEmpty }.sorted() : nil
        }
        switch q.method {
        case .yesNo:
            let k = Double(max(1, q.items.count)), scale = 100 / k
            g.totalPoints = tally.personSum
            g.engagementPct = Survey.engagementPct(yes: Int(tally.personSum.rounded()), respondents: tally.n, items: q.items.count)
            g.interval = Survey.meanInterval(n: tally.n, sum: tally.personSum * scale, sumOfSquares: tally.personSquares * scale * scale)
        case .scored:
            for c in q.components {
                g.componentMeans[c.id] = q.items.filter { $0.component == c.id }.reduce(0.0) { $0 + (tally.itemSums[$1.id] ?? 0) } / Double(tally.n)
            }
            g.index = q.components.reduce(0.0) { $0 + (g.componentMeans[$1.id] ?? 0) }
        }
        return g
    }

    /// The coverage rules of METRICS.md §4 as warning codes with their subject. A group
    /// below the threshold is named as such, whether it has no answers or a few: the two
    /// must look the same.
    static func coverageWarnings(_ r: SurveyReport, headcount: [String: [String: Int]]) -> [String] {
        var out: [String] = []
        if let rate = r.responseRatePct, rate < 50 { out.append("response_rate_below_50") }
        if r.headcount == 0 { out.append("no_headcount") }
        for s in r.strata where s.headcount > 0 && s.suppressed {
            out.append("\(s.dimension)_below_threshold: \(s.group)")
        }
        for dim in ["role", "age_band", "gender"] {
            let strata = r.strata.filter { $0.dimension == dim }
            let hc = strata.reduce(0) { $0 + $1.headcount }, resp = strata.reduce(0) { $0 + $1.respondents }
            guard hc > 0, resp > 0 else { continue }
            for s in strata where s.respondents > 0 && s.headcount > 0 && !s.suppressed {
                // far below its share: under half of what its headcount would give
                if Double(s.respondents) / Double(resp) < 0.5 * Double(s.headcount) / Double(hc) { out.append("\(dim)_under_represented: \(s.group)") }
            }
        }
        return out
    }
}

extension SurveyReport {
    /// A group's index on the 0–90 scale the bands are defined on: the index itself when
    /// every component's maximum is 30 (the shipped template), else rescaled.
    public func rescaled(_ g: Group) -> Double? {
        guard questionnaire.method == .scored, let index = g.index else { return nil }
        if componentMaxima.values.allSatisfy({ $0 == 30 }) { return index }
        return Survey.rescaledIndex(means: questionnaire.components.map { g.componentMeans[$0.id] ?? 0 },
                                    maxima: questionnaire.components.map { componentMaxima[$0.id] ?? 0 })
    }

    /// A group's band (`high`, `satisfactory`, … as in JSON), nil without respondents.
    public func band(_ g: Group) -> String? {
        switch questionnaire.method {
        case .yesNo: return g.engagementPct.map { Survey.expressBand($0).rawValue }
        case .scored: return rescaled(g).map { Survey.indexBand($0).rawValue }
        }
    }

    public var band: String? { band(overall) }
    public var rescaledIndex: Double? { rescaled(overall) }

    func groupJSON(_ g: Group, keyName: String) -> JSONValue {
        var kv: [(String, JSONValue)] = [(keyName, .string(g.key)), ("suppressed", .bool(g.suppressed))]
        if g.suppressed {
            kv.append(("respondents", .null))
        } else {
            kv.append(("respondents", .int(g.respondents)))
            kv += valueFields(g)
        }
        return .object(kv)
    }

    func valueFields(_ g: Group) -> [(String, JSONValue)] { methodFields(g) + extraFields(g) }

    func itemJSON(_ it: Item) -> JSONValue {
        var kv: [(String, JSONValue)] = [("id", .string(it.item.id))]
        if let c = it.item.component { kv.append(("component", .string(c))) }
        kv += [("text", .object([("en", .string(it.item.text.en)), ("ru", .string(it.item.text.ru))])), ("n", .int(it.n))]
        kv.append(questionnaire.method == .yesNo ? ("yes_pct", .from(it.scorePct)) : ("mean", .from(it.mean)))
        kv.append(("score_pct", .from(it.scorePct)))
        kv.append(("answers", .array(it.counts.map { a in
            .object([("answer", .string(a.answer)), ("count", .int(a.count)), ("pct", .from(percent(Double(a.count), Double(it.n))))])
        })))
        if questionnaire.method == .scored {
            kv += [("favourable_pct", .from(it.leaning?.favourable)), ("neutral_pct", .from(it.leaning?.neutral)),
                   ("unfavourable_pct", .from(it.leaning?.unfavourable))]
        }
        kv.append(("previous", it.previous.map { .object([("survey_id", .string($0.surveyID)), ("score_pct", .double($0.scorePct))]) } ?? .null))
        kv.append(("change", .from(it.change)))
        kv.append(("driver", it.driver.map { d in
            .object([("rho", .from(d.enough ? d.rho : nil)),
                     ("ci95", d.enough ? d.interval.map { .object([("low", .double($0.low)), ("high", .double($0.high))]) } ?? .null : .null),
                     ("n", .int(d.n)), ("enough", .bool(d.enough))])
        } ?? .null))
        kv.append(("priority", .from(it.priority?.rawValue)))
        return .object(kv)
    }

    func extraFields(_ g: Group) -> [(String, JSONValue)] {
        var extra: [(String, JSONValue)] = []
        if questionnaire.enps != nil { extra.append(("enps", .from(g.enps))) }
        if questionnaire.comments != nil {
            extra.append(("comments", g.comments.map { .array($0.map(JSONValue.string)) } ?? .null))
            extra.append(("comment_groups", g.commentGroups.map { .array($0.map { .object([("text", .string($0.text)), ("count", .int($0.count))]) }) } ?? .null))
        }
        return extra
    }

    func methodFields(_ g: Group) -> [(String, JSONValue)] {
        switch questionnaire.method {
        case .yesNo:
            return [("engagement_pct", .from(g.engagementPct)), ("band", .from(band(g))),
                    ("engagement_ci95", g.interval.map { .object([("low", .double($0.low)), ("high", .double($0.high))]) } ?? .null)]
        case .scored:
            return [("index", .from(g.index)), ("band", .from(band(g))),
                    ("components", .object(questionnaire.components.map { ($0.id, .from(g.componentMeans[$0.id])) }))]
        }
    }

    /// CONTRACT.md §2 survey keys; full precision; suppressed groups carry no figures.
    public var json: JSONValue {
        var kv: [(String, JSONValue)] = [
            ("survey_id", .string(surveyID)), ("name", .string(name)), ("method", .string(questionnaire.method.rawValue)),
            ("questionnaire", .object([("id", .string(questionnaire.id)), ("version", .int(questionnaire.version))])),
            ("anonymity_threshold", .int(threshold)), ("respondents", .int(respondents)), ("headcount", .int(headcount)),
            ("response_rate_pct", .from(responseRatePct)),
        ]
        let overallHidden = respondents < threshold
        kv += [("preliminary", .bool(preliminary)), ("preliminary_reasons", .array(preliminaryReasons.map(JSONValue.string))),
               ("reliability_withheld", .bool(preliminary)), ("reliability_minimum_respondents", .int(Survey.reliabilityMinimum))]
        switch questionnaire.method {
        case .yesNo:
            kv += overallHidden ? [("engagement_pct", .null), ("band", .null), ("engagement_ci95", .null)] : valueFields(overall)
            kv.append(("kr20", .from(overallHidden ? nil : reliability["all"] ?? nil)))
        case .scored:
            kv += [("index", .from(overallHidden ? nil : overall.index)), ("band", overallHidden ? .null : .from(band)),
                   ("index_rescaled_0_90", .from(overallHidden ? nil : rescaledIndex))]
            kv.append(("components", .array(questionnaire.components.map { c in
                .object([("id", .string(c.id)), ("max", .double(componentMaxima[c.id] ?? 0)),
                         ("mean", .from(overallHidden ? nil : overall.componentMeans[c.id])),
                         ("cronbach_alpha", .from(overallHidden ? nil : reliability[c.id] ?? nil))])
            })))
            if !overallHidden { kv += extraFields(overall) }
        }
        for (dim, groups) in breakdowns {
            let name = ["department": "departments", "role": "roles", "age_band": "age_bands", "gender": "genders"][dim] ?? dim
            kv.append((name, .array(groups.map { groupJSON($0, keyName: dim) })))
        }
        kv.append(("driver_minimum_respondents", .int(Survey.driverMinimum)))
        kv.append(("items", .array(overallHidden ? [] : items.map(itemJSON))))
        kv.append(("item_groups", .array(overallHidden ? [] : breakdowns.flatMap { dim, groups in groups.map { g in
            .object([("dimension", .string(dim)), ("group", .string(g.key)), ("suppressed", .bool(g.suppressed)),
                     ("respondents", g.suppressed ? .null : .int(g.respondents)),
                     ("items", g.suppressed ? .null : .array(questionnaire.items.map { item in
                         var cell: [(String, JSONValue)] = [("id", .string(item.id)),
                                                             ("score_pct", .from(SurveyReportBuilder.scorePct(g.tally, item, questionnaire)))]
                         if questionnaire.method == .scored {
                             cell.append(("favourable_pct", .from(SurveyReportBuilder.leaning(g.tally, item, questionnaire)?.favourable)))
                         }
                         return .object(cell)
                     }))])
        } })))
        kv.append(("trend", .array(trend.map { w in
            .object([("survey_id", .string(w.surveyID)), ("name", .string(w.name)), ("date", .string(w.date.description)),
                     ("questionnaire", .string(w.questionnaire)), ("comparable", .bool(w.comparable)),
                     ("respondents", w.respondents < threshold ? .null : .int(w.respondents)), ("value", .from(w.value)),
                     ("change", w.change.map { c in .object([("difference", .double(c.difference)), ("ci95_low", .double(c.interval.low)),
                                                            ("ci95_high", .double(c.interval.high))]) } ?? .null)])
        })))
        kv.append(("events", .array(events.map { e in
            .object([("event_id", .string(e.id)), ("name", .from(e.name)), ("date", .string(e.date.description)), ("invited", .int(e.invited)),
                     ("attended", .int(e.attended)), ("attendance_pct", .from(percent(Double(e.attended), Double(e.invited)))),
                     ("failed", .bool(e.invited > 0 && Double(e.attended) < 0.5 * Double(e.invited)))])
        })))
        kv.append(("outcomes", .array(outcomes.map { o in
            let n = o.pairs.count
            return .object([("metric", .string(o.metric)), ("n", .int(n)), ("pearson_r", .from(o.pearson)), ("spearman_rho", .from(o.spearman)),
                            ("pearson_ci95", o.pearson.flatMap { Survey.correlationInterval($0, n: n) }.map { .object([("low", .double($0.low)), ("high", .double($0.high))]) } ?? .null),
                            ("spearman_ci95", o.spearman.flatMap { Survey.spearmanInterval($0, n: n) }.map { .object([("low", .double($0.low)), ("high", .double($0.high))]) } ?? .null),
                            ("conclusive", .bool(n >= Survey.minimumPairs)),
                            ("departments", .array(o.pairs.map { .object([("department", .string($0.department)), ("value", .double($0.value)), ("outcome", .double($0.outcome))]) }))])
        })))
        kv.append(("coverage", .object([
            ("response_rate_pct", .from(responseRatePct)),
            ("strata", .array(strata.map { s in
                .object([("dimension", .string(s.dimension)), ("group", .string(s.group)), ("headcount", .int(s.headcount)),
                         ("respondents", s.suppressed ? .null : .int(s.respondents)),
                         ("response_rate_pct", s.suppressed ? .null : .from(percent(Double(s.respondents), Double(s.headcount))))])
            })),
            ("warnings", .array(warnings.map(JSONValue.string))),
        ])))
        return .object(kv)
    }
}
