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
    /// item id → points (yes/no items: 1 or 0)
    public var points: [String: Double]
}

/// Surveys, invitations and responses in the SQL both engines accept.
public struct SurveyData: Sendable {
    public let store: any Store
    public init(store: any Store) { self.store = store }

    public func create(id: String, name: String, questionnaire: Questionnaire, now: Int64, closesOn: LocalDate?) async throws {
        if try await survey(id: id) != nil { throw StoreError("a survey with id '\(id)' already exists") }
        try await store.execute("""
            INSERT INTO surveys (survey_id, name, questionnaire_id, questionnaire_version, method, questionnaire, created_at, closes_on)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
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
            SELECT r.response_id, r.department, r.is_manager, r.age_band, r.gender, r.day, a.item_id, a.points
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
            out[out.count - 1].points[r[6].text ?? ""] = r[7].double ?? Double(r[7].int ?? 0)
        }
        return out
    }
}
