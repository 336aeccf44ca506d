import EngageCore
import Foundation

/// A survey wave: a name, the questionnaire it runs (kept whole, as JSON), its dates.
public struct SurveyRecord: Sendable, Equatable {
    public var id: String
    public var name: String
    public var questionnaireJSON: String
    public var createdAt: Int64
    public var closesOn: LocalDate?
    public var closedAt: Int64?
}

/// One stored response: its answers and comment, nothing else (DESIGN.md, survey anonymity).
public struct SurveyVector: Sendable, Equatable {
    public var answers: SurveyAnswers
    public var comment: String?
    public init(answers: SurveyAnswers, comment: String? = nil) {
        self.answers = answers
        self.comment = comment
    }

    /// The answers as stored: a JSON object, keys sorted.
    public var answersJSON: String {
        JSONText.object(answers)
    }

    public init?(answersJSON: String, comment: String?) {
        guard let data = answersJSON.data(using: .utf8), let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        var out: SurveyAnswers = [:]
        for (k, v) in object {
            if let s = v as? String { out[k] = s } else if let n = v as? NSNumber { out[k] = n.stringValue }
        }
        answers = out
        self.comment = comment
    }
}

/// Surveys, invitations and responses in the SQL both engines accept.
public struct SurveyData: Sendable {
    public let store: any Store
    public init(store: any Store) { self.store = store }

    public func create(id: String, name: String, questionnaire: Questionnaire, now: Int64, closesOn: LocalDate?) async throws {
        guard Identifier.isValid(id) else { throw StoreError.invalid("survey id: \(Identifier.rule)") }
        if try await survey(id: id) != nil { throw StoreError.conflict("a survey with id '\(id)' already exists") }
        try await store.execute("""
            INSERT INTO surveys (survey_id, name, questionnaire_id, questionnaire_version, method, questionnaire, created_at, closes_on, import_id)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0)
            """, [.text(id), .text(name), .text(questionnaire.id), .int(questionnaire.version), .text(questionnaire.method.rawValue),
                  .text(questionnaire.jsonText), .int(Int(now)), closesOn.map { .int($0.dayNumber) } ?? .null])
    }

    static let columns = "survey_id, name, questionnaire, created_at, closes_on, closed_at"

    static func record(_ r: [StoreValue]) -> SurveyRecord {
        SurveyRecord(id: r[0].text ?? "", name: r[1].text ?? "", questionnaireJSON: r[2].text ?? "", createdAt: Int64(r[3].int ?? 0),
                     closesOn: r[4].int.map(LocalDate.init(dayNumber:)), closedAt: r[5].int.map(Int64.init))
    }

    public func survey(id: String) async throws -> SurveyRecord? {
        try await store.execute("SELECT \(Self.columns) FROM surveys WHERE survey_id = ?1", [.text(id)]).first.map(Self.record)
    }

    public func surveys() async throws -> [SurveyRecord] {
        try await store.execute("SELECT \(Self.columns) FROM surveys ORDER BY created_at, survey_id COLLATE BINARY").map(Self.record)
    }

    /// Every stored response of a survey, in key order (random: it says nothing of when).
    public func vectors(surveyID: String) async throws -> [SurveyVector] {
        try await store.execute("SELECT answers, comment FROM survey_vectors WHERE survey_id = ?1 ORDER BY vector_key COLLATE BINARY",
                                [.text(surveyID)]).compactMap { SurveyVector(answersJSON: $0[0].text ?? "{}", comment: $0[1].text) }
    }

    /// The survey's group tallies: dimension → group → tally.
    public func tallies(surveyID: String) async throws -> [String: [String: SurveyTally]] {
        var measures: [String: [String: [(String, Double)]]] = [:]
        for r in try await store.execute("SELECT dimension, grp, measure, value FROM survey_tallies WHERE survey_id = ?1", [.text(surveyID)]) {
            measures[r[0].text ?? "", default: [:]][r[1].text ?? "", default: []].append((r[2].text ?? "", r[3].double ?? 0))
        }
        return measures.mapValues { $0.mapValues(SurveyTally.init(measures:)) }
    }

    /// Comments kept per department (the only breakdown comments are shown by).
    public func departmentComments(surveyID: String) async throws -> [String: [String]] {
        var out: [String: [String]] = [:]
        for r in try await store.execute("SELECT department, text FROM survey_comments WHERE survey_id = ?1", [.text(surveyID)]) {
            out[r[0].text ?? "", default: []].append(r[1].text ?? "")
        }
        return out
    }
}

/// An invitation as the answering page needs it: its survey, whether it was used, and
/// the strata its answers count in (no employee).
public struct SurveyInvitation: Sendable, Equatable {
    /// The invitation's own token hash, whichever of its links was opened (the first
    /// message's or a reminder's): answers wait and are claimed under this one.
    public var key: String
    public var surveyID: String
    public var used: Bool
    /// dimension (department, role, age_band, gender) → group, where known.
    public var strata: [String: String]
}

/// One answer released from memory into the results: the invitation it claims, and what
/// is stored of it (under a fresh random key).
public struct SurveyBallot: Sendable {
    public var tokenHash: String
    public var vector: SurveyVector
    public init(tokenHash: String, vector: SurveyVector) {
        self.tokenHash = tokenHash
        self.vector = vector
    }
}

extension SurveyData {
    /// Invites every employee employed today (of `department`, if given) not yet invited to
    /// the survey: one single-use token each, stored only as its hash; the strata are
    /// copied now (department, manager or not, age band, gender). Returns (employee id,
    /// token) pairs — the only time a token is seen.
    public func invite(surveyID: String, department: String?, now: Int64, token: () -> String,
                       hash: (String) -> String, onlyWithEmail: Bool = false) async throws -> [(employeeID: String, token: String)] {
        guard let survey = try await survey(id: surveyID) else { throw StoreError.notFound("no survey '\(surveyID)'") }
        if survey.closedAt != nil { throw StoreError.conflict("survey '\(surveyID)' is closed") }
        let today = LocalDate(utcInstant: now)
        var binds: [StoreValue] = [.text(surveyID), .int(today.dayNumber)]
        var filter = ""
        if let department {
            binds.append(.text(department))
            filter = " AND e.department = ?3"
        }
        if onlyWithEmail { filter += " AND e.email IS NOT NULL AND e.email <> ''" }
        let rows = try await store.execute("""
            SELECT e.employee_id, e.department, e.is_manager, e.birth_year, e.gender FROM employees e
            WHERE (e.hired_on IS NULL OR e.hired_on <= ?2) AND (e.left_on IS NULL OR e.left_on >= ?2)\(filter)
              AND NOT EXISTS (SELECT 1 FROM survey_invitations i WHERE i.survey_id = ?1 AND i.employee_id = e.employee_id)
            ORDER BY e.employee_id COLLATE BINARY
            """, binds)
        var out: [(String, String)] = []
        var inserts: [[StoreValue]] = []
        for r in rows {
            let t = token()
            let band = r[3].int.map { Survey.ageBand(birthYear: $0, in: today.components.year) }
            inserts.append([.text(hash(t)), .text(surveyID), r[0], r[1], r[2], band.map { .text($0) } ?? .null, r[4], .int(today.dayNumber)])
            out.append((r[0].text ?? "", t))
        }
        if !inserts.isEmpty {
            try await store.executeBatch("""
                INSERT INTO survey_invitations (token_hash, survey_id, employee_id, department, is_manager, age_band, gender, invited_on)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                """, rows: inserts)
        }
        return out
    }

    /// Per wave: invited, and answered (links used) — counts only, never who.
    public func inviteCounts() async throws -> [String: (invited: Int, answered: Int)] {
        var out: [String: (Int, Int)] = [:]
        for r in try await store.execute("SELECT survey_id, COUNT(*), SUM(CASE WHEN used = 0 THEN 0 ELSE 1 END) FROM survey_invitations GROUP BY survey_id") {
            if let id = r[0].text { out[id] = (r[1].int ?? 0, r[2].int ?? 0) }
        }
        return out
    }

    /// Departments of the employees employed on `day`, for invitations by department.
    public func departments(on day: LocalDate) async throws -> [String] {
        try await store.execute("""
            SELECT DISTINCT department FROM employees WHERE department IS NOT NULL AND department <> ''
              AND (hired_on IS NULL OR hired_on <= ?1) AND (left_on IS NULL OR left_on >= ?1) ORDER BY department
            """, [.int(day.dayNumber)]).compactMap { $0.first?.text }
    }

    /// Invited employees who have not answered (by their token's state only).
    public func notAnswered(surveyID: String) async throws -> [String] {
        try await store.execute("SELECT employee_id FROM survey_invitations WHERE survey_id = ?1 AND used = 0 ORDER BY employee_id COLLATE BINARY",
                                [.text(surveyID)]).compactMap { $0.first?.text }
    }

    /// Unused invitations of the survey (of `department`, if given) whose employee has an
    /// e-mail address: (employee, the invitation's key), for reminders.
    public func remindable(surveyID: String, department: String?) async throws -> [(employeeID: String, key: String)] {
        var binds: [StoreValue] = [.text(surveyID)]
        var filter = ""
        if let department {
            binds.append(.text(department))
            filter = " AND i.department = ?2"
        }
        return try await store.execute("""
            SELECT i.employee_id, i.token_hash FROM survey_invitations i JOIN employees e ON e.employee_id = i.employee_id
            WHERE i.survey_id = ?1 AND i.used = 0 AND e.email IS NOT NULL AND e.email <> ''\(filter)
            ORDER BY i.employee_id COLLATE BINARY
            """, binds).map { ($0[0].text ?? "", $0[1].text ?? "") }
    }

    /// Gives an unused invitation a second link (a reminder's): its hash replaces the last
    /// reminder's; the first link keeps working. False when it was used meanwhile.
    public func setReminderHash(key: String, hash: String) async throws -> Bool {
        let r = try await store.executeAll([
            SQLStatement("UPDATE survey_invitations SET reminder_hash = ?1 WHERE token_hash = ?2 AND used = 0", [.text(hash), .text(key)]),
            SQLStatement("SELECT COUNT(*) FROM survey_invitations WHERE token_hash = ?1 AND reminder_hash = ?2", [.text(key), .text(hash)]),
        ])
        return (r.last?.first?.first?.int ?? 0) > 0
    }

    public func close(surveyID: String, now: Int64) async throws {
        guard try await survey(id: surveyID) != nil else { throw StoreError.notFound("no survey '\(surveyID)'") }
        try await store.execute("UPDATE surveys SET closed_at = COALESCE(closed_at, ?1) WHERE survey_id = ?2", [.int(Int(now)), .text(surveyID)])
    }

    public func invitation(tokenHash: String) async throws -> SurveyInvitation? {
        try await store.execute("""
            SELECT survey_id, used, department, is_manager, age_band, gender, token_hash FROM survey_invitations
            WHERE token_hash = ?1 OR reminder_hash = ?1
            """, [.text(tokenHash)]).first.map { r in
            var strata: [String: String] = [:]
            if let d = r[2].text, !d.isEmpty { strata["department"] = d }
            if let m = r[3].int { strata["role"] = m != 0 ? "manager" : "staff" }
            if let a = r[4].text, !a.isEmpty { strata["age_band"] = a }
            if let g = r[5].text, !g.isEmpty { strata["gender"] = g }
            return SurveyInvitation(key: r[6].text ?? "", surveyID: r[0].text ?? "", used: (r[1].int ?? 0) != 0, strata: strata)
        }
    }

    /// Releases a batch of answers into the results, in one transaction: each ballot's
    /// invitation is claimed (marked used, unless it already is: another instance took the
    /// same link) and, for those claimed, the answers are stored under new random keys in
    /// a shuffled order — no token, employee, strata or time goes with them. Returns the
    /// token hashes that were claimed (the rest were answered already and are dropped).
    public func release(surveyID: String, _ ballots: [SurveyBallot]) async throws -> Set<String> {
        guard !ballots.isEmpty else { return [] }
        let batch = Self.randomKey()
        var statements: [SQLStatement] = []
        for b in ballots.shuffled() {
            statements.append(SQLStatement("UPDATE survey_invitations SET used = 1, claim = ?1 WHERE token_hash = ?2 AND survey_id = ?3 AND used = 0",
                                           [.text(batch), .text(b.tokenHash), .text(surveyID)]))
            statements.append(SQLStatement("""
                INSERT INTO survey_vectors (vector_key, survey_id, answers, comment, import_id)
                SELECT ?1, ?2, ?3, ?4, 0 FROM survey_invitations WHERE token_hash = ?5 AND claim = ?6
                """, [.text(Self.randomKey()), .text(surveyID), .text(b.vector.answersJSON), b.vector.comment.map { .text($0) } ?? .null,
                      .text(b.tokenHash), .text(batch)]))
        }
        statements.append(SQLStatement("SELECT token_hash FROM survey_invitations WHERE claim = ?1", [.text(batch)]))
        statements.append(SQLStatement("UPDATE survey_invitations SET claim = NULL WHERE claim = ?1", [.text(batch)]))
        let results = try await store.executeAll(statements)
        return Set(results[results.count - 2].compactMap { $0.first?.text })
    }

    /// Adds a released batch of one group (at least the threshold of people) to its tally,
    /// and, for a department, their comments (each under a random key).
    public func addToGroup(surveyID: String, dimension: String, group: String, tally: SurveyTally, comments: [String]) async throws {
        var statements = tally.measures.map { m, v in
            SQLStatement("""
                INSERT INTO survey_tallies (survey_id, dimension, grp, measure, value) VALUES (?1, ?2, ?3, ?4, ?5)
                ON CONFLICT (survey_id, dimension, grp, measure) DO UPDATE SET value = survey_tallies.value + excluded.value
                """, [.text(surveyID), .text(dimension), .text(group), .text(m), .double(v)])
        }
        if dimension == "department" {
            statements += comments.shuffled().map {
                SQLStatement("INSERT INTO survey_comments (comment_key, survey_id, department, text) VALUES (?1, ?2, ?3, ?4)",
                             [.text(Self.randomKey()), .text(surveyID), .text(group), .text($0)])
            }
        }
        try await store.execute(statements)
    }

    /// A fresh random key for a stored comment (imports too).
    public static func newKey() -> String { randomKey() }

    /// 128 random bits, hex: the key of a stored answer or comment.
    static func randomKey() -> String {
        var g = SystemRandomNumberGenerator()
        return (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &g)) }.joined()
    }
}

extension SurveyData {
    /// Corporate events, by date.
    public func events() async throws -> [(id: String, name: String?, date: LocalDate, invited: Int, attended: Int)] {
        try await store.execute("SELECT event_id, name, day, invited, attended FROM events ORDER BY day, event_id COLLATE BINARY").map {
            ($0[0].text ?? "", $0[1].text, LocalDate(dayNumber: $0[2].int ?? 0), $0[3].int ?? 0, $0[4].int ?? 0)
        }
    }

    /// Each department's latest HR metrics (by period): department → (turnover %, absenteeism %, productivity).
    public func latestHRMetrics() async throws -> [String: (turnoverPct: Double?, absenteeismPct: Double?, productivity: Double?)] {
        var latest: [String: (Double?, Double?, Double?)] = [:]
        for r in try await store.execute("SELECT department, period, turnover_pct, absenteeism_pct, productivity FROM hr_metrics ORDER BY department, period") {
            latest[r[0].text ?? ""] = (r[2].double, r[3].double, r[4].double)
        }
        return latest
    }
}

extension SurveyData {
    /// The anonymity threshold (`settings.survey_threshold`, default 5, never below 3): the
    /// smallest group shown, and the smallest batch of answers released into the results.
    public static let thresholdSetting = "survey_threshold"
    public static let defaultThreshold = 5

    public func threshold() async throws -> Int {
        let v = try await Settings(store: store).value(Self.thresholdSetting).flatMap(Int.init) ?? Self.defaultThreshold
        return Survey.threshold(v)
    }

    /// Sets the threshold (at least 3) and writes who did it to the audit log.
    public func setThreshold(_ value: Int, actor: String, now: Int64) async throws {
        guard value >= 3, value <= 1000 else { throw StoreError.invalid("the anonymity threshold is a whole number from 3 to 1000") }
        let old = try await threshold()
        try await store.execute([
            SQLStatement("INSERT INTO settings (name, value) VALUES (?1, ?2) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                         [.text(Self.thresholdSetting), .text(String(value))]),
            SQLStatement("INSERT INTO audit_log (at, actor, action, detail) VALUES (?1, ?2, 'survey_threshold', ?3)",
                         [.int(Int(now)), .text(actor), .text("\(old) → \(value)")]),
        ])
    }

    /// The audit log, newest first.
    public func auditLog() async throws -> [(at: Int64, actor: String, action: String, detail: String)] {
        try await store.execute("SELECT at, actor, action, detail FROM audit_log ORDER BY at DESC").map {
            (Int64($0[0].int ?? 0), $0[1].text ?? "", $0[2].text ?? "", $0[3].text ?? "")
        }
    }
}
