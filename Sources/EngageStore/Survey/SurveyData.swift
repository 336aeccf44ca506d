import EngageCore

/// A survey wave: a name, the questionnaire it runs (kept whole, as JSON), its dates.
public struct SurveyRecord: Sendable, Equatable {
    public var id: String
    public var name: String
    public var questionnaireJSON: String
    public var createdAt: Int64
    public var closesOn: LocalDate?
    public var closedAt: Int64?
}

/// One anonymous response: the strata copied at invitation (or given with an imported
/// response), its date if known, and the points of each item.
public struct SurveyResponseRecord: Sendable, Equatable {
    public var department: String?
    public var isManager: Bool?
    public var ageBand: String?
    public var gender: String?
    public var day: LocalDate?
    /// item id → points (yes/no items: 1 or 0; `enps`: the 0–10 score)
    public var points: [String: Double]
    /// The free-text comment, if the questionnaire asks for one and it was given.
    public var comment: String? = nil
}

/// Surveys, invitations and responses in the SQL both engines accept.
public struct SurveyData: Sendable {
    public let store: any Store
    public init(store: any Store) { self.store = store }

    public func create(id: String, name: String, questionnaire: Questionnaire, now: Int64, closesOn: LocalDate?) async throws {
        if try await survey(id: id) != nil { throw StoreError("a survey with id '\(id)' already exists") }
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

    /// Every response of a survey with its points per item (no response id leaves here).
    public func responses(surveyID: String) async throws -> [SurveyResponseRecord] {
        let rows = try await store.execute("""
            SELECT r.response_id, r.department, r.is_manager, r.age_band, r.gender, r.day, a.item_id, a.points, a.answer
            FROM survey_responses r JOIN survey_answers a ON a.response_id = r.response_id
            WHERE r.survey_id = ?1 ORDER BY r.response_id COLLATE BINARY
            """, [.text(surveyID)])
        var out: [SurveyResponseRecord] = []
        var current: String?
        for r in rows {
            let id = r[0].text ?? ""
            if id != current {
                current = id
                out.append(SurveyResponseRecord(department: r[1].text, isManager: r[2].int.map { $0 != 0 }, ageBand: r[3].text, gender: r[4].text,
                                                day: r[5].int.map(LocalDate.init(dayNumber:)), points: [:]))
            }
            if r[6].text == "comment" { out[out.count - 1].comment = r[8].text; continue }
            out[out.count - 1].points[r[6].text ?? ""] = r[7].double ?? Double(r[7].int ?? 0)
        }
        return out
    }
}

/// An invitation as the answering page needs it (no employee).
public struct SurveyInvitation: Sendable, Equatable {
    public var surveyID: String
    public var used: Bool
}

extension SurveyData {
    /// Invites every employee employed today (of `department`, if given) not yet invited to
    /// the survey: one single-use token each, stored only as its hash; the strata are
    /// copied now (department, manager or not, age band, gender). Returns (employee id,
    /// token) pairs — the only time a token is seen.
    public func invite(surveyID: String, department: String?, now: Int64, token: () -> String,
                       hash: (String) -> String) async throws -> [(employeeID: String, token: String)] {
        guard let survey = try await survey(id: surveyID) else { throw StoreError("no survey '\(surveyID)'") }
        if survey.closedAt != nil { throw StoreError("survey '\(surveyID)' is closed") }
        let today = LocalDate(dayNumber: Int(now / 86_400))
        var binds: [StoreValue] = [.text(surveyID), .int(today.dayNumber)]
        var filter = ""
        if let department {
            binds.append(.text(department))
            filter = " AND e.department = ?3"
        }
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

    /// Invited employees who have not answered (by their token's state only).
    public func notAnswered(surveyID: String) async throws -> [String] {
        try await store.execute("SELECT employee_id FROM survey_invitations WHERE survey_id = ?1 AND used = 0 ORDER BY employee_id COLLATE BINARY",
                                [.text(surveyID)]).compactMap { $0.first?.text }
    }

    public func close(surveyID: String, now: Int64) async throws {
        guard try await survey(id: surveyID) != nil else { throw StoreError("no survey '\(surveyID)'") }
        try await store.execute("UPDATE surveys SET closed_at = COALESCE(closed_at, ?1) WHERE survey_id = ?2", [.int(Int(now)), .text(surveyID)])
    }

    public func invitation(tokenHash: String) async throws -> SurveyInvitation? {
        try await store.execute("SELECT survey_id, used FROM survey_invitations WHERE token_hash = ?1", [.text(tokenHash)]).first.map {
            SurveyInvitation(surveyID: $0[0].text ?? "", used: ($0[1].int ?? 0) != 0)
        }
    }

    /// Stores one web answer, once: in one transaction the token is claimed (marked used,
    /// with a random claim only this call knows), the response is copied from the
    /// invitation's strata with today's date and a random id, the answers are added, and
    /// the claim is cleared. A second submission — even a concurrent one — claims nothing
    /// and stores nothing. Returns whether this call stored the response.
    public func submit(tokenHash: String, answers: [(itemID: String, answer: String, points: Double)], responseID: String,
                       claim: String, today: LocalDate) async throws -> Bool {
        var statements = [
            SQLStatement("UPDATE survey_invitations SET used = 1, claim = ?2 WHERE token_hash = ?1 AND used = 0", [.text(tokenHash), .text(claim)]),
            SQLStatement("""
                INSERT INTO survey_responses (response_id, survey_id, department, is_manager, age_band, gender, day, import_id)
                SELECT ?1, survey_id, department, is_manager, age_band, gender, ?2, 0 FROM survey_invitations WHERE token_hash = ?3 AND claim = ?4
                """, [.text(responseID), .int(today.dayNumber), .text(tokenHash), .text(claim)]),
        ]
        for a in answers {
            statements.append(SQLStatement("""
                INSERT INTO survey_answers (response_id, item_id, answer, points, import_id)
                SELECT response_id, ?2, ?3, ?4, 0 FROM survey_responses WHERE response_id = ?1
                """, [.text(responseID), .text(a.itemID), .text(a.answer), .double(a.points)]))
        }
        statements.append(SQLStatement("UPDATE survey_invitations SET claim = NULL WHERE token_hash = ?1", [.text(tokenHash)]))
        statements.append(SQLStatement("SELECT COUNT(*) FROM survey_responses WHERE response_id = ?1", [.text(responseID)]))
        return (try await store.execute(statements).first?.first?.int ?? 0) == 1
    }
}
