import EngageCore
import EngageStore

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

    public var responseRatePct: Double? { percent(Double(respondents), Double(headcount)) }
    public var componentMaxima: [String: Double] {
        Dictionary(uniqueKeysWithValues: questionnaire.components.map { ($0.id, questionnaire.maxPoints(component: $0.id)) })
    }
}

public struct SurveyReportBuilder: Sendable {
    public let store: any Store
    /// Groups with fewer respondents are never shown (never below 3).
    public var threshold = 5
    public init(store: any Store) { self.store = store }

    public static let dimensions = ["department", "role", "age_band", "gender"]

    static func ageBand(birthYear: Int?, in year: Int) -> String? {
        birthYear.map { SurveyData.ageBand(birthYear: $0, in: year) }
    }

    static func role(_ isManager: Bool?) -> String? { isManager.map { $0 ? "manager" : "staff" } }

    public func build(surveyID: String) async throws -> SurveyReport {
        let data = SurveyData(store: store)
        guard let survey = try await data.survey(id: surveyID) else { throw StoreError("no survey '\(surveyID)' (see engage survey create)") }
        guard let q = Questionnaire(jsonText: survey.questionnaireJSON) else { throw StoreError("survey '\(surveyID)' has an unreadable questionnaire") }
        let t = Survey.threshold(threshold)
        let responses = try await data.responses(surveyID: surveyID)
        var r = SurveyReport(surveyID: survey.id, name: survey.name, questionnaire: q, threshold: t,
                             overall: Self.group("all", responses, q))
        r.respondents = responses.count

        // reliability: KR-20 over the yes/no items, Cronbach's α per component
        switch q.method {
        case .yesNo:
            r.reliability["all"] = Survey.kr20(responses.map { resp in q.items.map { (resp.points[$0.id] ?? 0) > 0 } })
        case .scored:
            for c in q.components {
                let ids = q.items.filter { $0.component == c.id }.map(\.id)
                r.reliability[c.id] = Survey.cronbachAlpha(responses.map { resp in ids.map { resp.points[$0] ?? 0 } })
            }
        }

        // headcount as of the survey's day, by stratum
        let day = LocalDate(dayNumber: Int(survey.createdAt / 86_400))
        let year = day.components.year
        let employees = try await store.execute("SELECT department, is_manager, birth_year, gender, hired_on, left_on FROM employees")
        var headcount: [String: [String: Int]] = [:]
        for e in employees {
            let hired = e[4].int.map(LocalDate.init(dayNumber:)), left = e[5].int.map(LocalDate.init(dayNumber:))
            guard hired.map({ $0 <= day }) ?? true, left.map({ $0 >= day }) ?? true else { continue }
            r.headcount += 1
            let keys: [String?] = [e[0].text, Self.role(e[1].int.map { $0 != 0 }), Self.ageBand(birthYear: e[2].int, in: year), e[3].text]
            for (dim, k) in zip(Self.dimensions, keys) { if let k, !k.isEmpty { headcount[dim, default: [:]][k, default: 0] += 1 } }
        }

        for dim in Self.dimensions {
            var by: [String: [SurveyResponseRecord]] = [:]
            for resp in responses {
                let k: String? = switch dim {
                case "department": resp.department
                case "role": Self.role(resp.isManager)
                case "age_band": resp.ageBand
                default: resp.gender
                }
                if let k, !k.isEmpty { by[k, default: []].append(resp) }
            }
            let keys = Set(by.keys).union(headcount[dim]?.keys ?? [:].keys)
            let hidden = Survey.suppressed(Dictionary(uniqueKeysWithValues: keys.map { ($0, by[$0]?.count ?? 0) }), threshold: t)
            var groups: [SurveyReport.Group] = []
            for k in keys.sorted() {
                let members = by[k] ?? []
                var g = hidden.contains(k) ? SurveyReport.Group(key: k, respondents: members.count, suppressed: true) : Self.group(k, members, q)
                g.suppressed = hidden.contains(k)
                groups.append(g)
                r.strata.append(.init(dimension: dim, group: k, headcount: headcount[dim]?[k] ?? 0, respondents: members.count, suppressed: hidden.contains(k)))
            }
            r.breakdowns.append((dim, groups))
        }
        r.warnings = Self.coverageWarnings(r, headcount: headcount)
        return r
    }

    /// The index of the questionnaire's method over `members` (nothing when empty).
    static func group(_ key: String, _ members: [SurveyResponseRecord], _ q: Questionnaire) -> SurveyReport.Group {
        var g = SurveyReport.Group(key: key, respondents: members.count)
        guard !members.isEmpty else { return g }
        switch q.method {
        case .yesNo:
            let k = q.items.count
            let perPerson = members.map { m in q.items.reduce(0.0) { $0 + (m.points[$1.id] ?? 0) } }
            g.engagementPct = Survey.engagementPct(yes: Int(perPerson.reduce(0, +).rounded()), respondents: members.count, items: k)
            g.interval = Survey.meanInterval(perPerson.map { $0 / Double(k) * 100 })
        case .scored:
            for c in q.components {
                let ids = q.items.filter { $0.component == c.id }.map(\.id)
                let sums = members.map { m in ids.reduce(0.0) { $0 + (m.points[$1] ?? 0) } }
                g.componentMeans[c.id] = sums.reduce(0, +) / Double(sums.count)
            }
            g.index = q.components.reduce(0.0) { $0 + (g.componentMeans[$1.id] ?? 0) }
        }
        return g
    }

    /// The coverage rules of METRICS.md §4 as warning codes with their subject.
    static func coverageWarnings(_ r: SurveyReport, headcount: [String: [String: Int]]) -> [String] {
        var out: [String] = []
        if let rate = r.responseRatePct, rate < 50 { out.append("response_rate_below_50") }
        if r.headcount == 0 { out.append("no_headcount") }
        for s in r.strata where s.headcount > 0 && s.respondents == 0 {
            out.append("\(s.dimension)_without_answers: \(s.group)")
        }
        for dim in ["role", "age_band", "gender"] {
            let strata = r.strata.filter { $0.dimension == dim }
            let hc = strata.reduce(0) { $0 + $1.headcount }, resp = strata.reduce(0) { $0 + $1.respondents }
            guard hc > 0, resp > 0 else { continue }
            for s in strata where s.respondents > 0 && s.headcount > 0 {
                // far below its share: under half of what its headcount would give
                if Double(s.respondents) / Double(resp) < 0.5 * Double(s.headcount) / Double(hc) { out.append("\(dim)_under_represented: \(s.group)") }
            }
        }
        return out
    }
}

extension SurveyReport {
    public var band: String? {
        switch questionnaire.method {
        case .yesNo: return overall.engagementPct.map { Survey.expressBand($0).rawValue }
        case .scored: return indexForBand.map { Survey.indexBand($0).rawValue }
        }
    }

    /// The index on the 0–90 scale (equal to the index when every component's maximum is 30).
    public var rescaledIndex: Double? {
        guard questionnaire.method == .scored, overall.respondents > 0 else { return nil }
        return Survey.rescaledIndex(means: questionnaire.components.map { overall.componentMeans[$0.id] ?? 0 },
                                    maxima: questionnaire.components.map { componentMaxima[$0.id] ?? 0 })
    }

    /// Bands are defined on the 0–90 scale.
    var indexForBand: Double? { componentMaxima.values.allSatisfy { $0 == 30 } ? overall.index : rescaledIndex }

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

    func valueFields(_ g: Group) -> [(String, JSONValue)] {
        switch questionnaire.method {
        case .yesNo:
            return [("engagement_pct", .from(g.engagementPct)), ("band", g.engagementPct.map { .string(Survey.expressBand($0).rawValue) } ?? .null),
                    ("engagement_ci95", g.interval.map { .object([("low", .double($0.low)), ("high", .double($0.high))]) } ?? .null)]
        case .scored:
            let bandIndex = componentMaxima.values.allSatisfy { $0 == 30 } ? g.index
                : g.index.map { _ in Survey.rescaledIndex(means: questionnaire.components.map { g.componentMeans[$0.id] ?? 0 },
                                                          maxima: questionnaire.components.map { componentMaxima[$0.id] ?? 0 }) ?? 0 }
            return [("index", .from(g.index)), ("band", bandIndex.map { .string(Survey.indexBand($0).rawValue) } ?? .null),
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
        switch questionnaire.method {
        case .yesNo:
            kv += overallHidden ? [("engagement_pct", .null), ("band", .null), ("engagement_ci95", .null)] : valueFields(overall)
            kv.append(("kr20", .from(overallHidden ? nil : reliability["all"] ?? nil)))
        case .scored:
            kv += [("index", .from(overallHidden ? nil : overall.index)), ("band", overallHidden ? .null : band.map(JSONValue.string) ?? .null),
                   ("index_rescaled_0_90", .from(overallHidden ? nil : rescaledIndex))]
            kv.append(("components", .array(questionnaire.components.map { c in
                .object([("id", .string(c.id)), ("max", .double(componentMaxima[c.id] ?? 0)),
                         ("mean", .from(overallHidden ? nil : overall.componentMeans[c.id])),
                         ("cronbach_alpha", .from(overallHidden ? nil : reliability[c.id] ?? nil))])
            })))
        }
        for (dim, groups) in breakdowns {
            let name = ["department": "departments", "role": "roles", "age_band": "age_bands", "gender": "genders"][dim] ?? dim
            kv.append((name, .array(groups.map { groupJSON($0, keyName: dim) })))
        }
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
