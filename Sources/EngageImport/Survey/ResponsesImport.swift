import EngageCore
import EngageStore

/// `responses.csv`: anonymous answers from paper or another tool, for surveys made with
/// `engage survey create`. One row per respondent: survey_id*, response_id*, department,
/// is_manager, age_band, gender, date (optional), then one column per item id of the
/// survey's questionnaire — yes/no items answered yes/no, да/нет, true/false or 1/0;
/// scored items by option id. Every item of the row's survey must be answered.
struct SurveyResponse: Sendable {
    var response: [StoreValue]
    var answers: [[StoreValue]]
}

extension TableImport {
    static let responseColumns = ["survey_id", "department", "is_manager", "age_band", "gender", "day"]

    func responses(_ ctx: RowContext) async throws -> Int {
        var surveys: [String: Questionnaire] = [:]
        for (id, text) in try await session.keyValues(table: "surveys", key: "survey_id", value: "questionnaire") {
            if let q = Questionnaire(jsonText: text) { surveys[id] = q }
        }
        let itemColumns = Set(surveys.values.flatMap { $0.items.map { $0.id.lowercased() } })
        let optional = ["department", "is_manager", "age_band", "gender", "date", "enps", "comment"] + itemColumns.sorted()
        return try await load(ctx, required: ["survey_id", "response_id"], optional: optional, idColumn: "response_id", parse: { (ctx: RowContext) -> SurveyResponse? in
            let surveyCol = ctx.col("survey_id")
            guard let surveyID = ctx.text(surveyCol, "survey_id", required: true) else { return nil }
            guard let q = surveys[surveyID] else {
                ctx.fail(surveyCol, "survey_id", "no survey '\(surveyID)' (create it with engage survey create)")
                return nil
            }
            guard let responseID = ctx.text(ctx.col("response_id"), "response_id", required: true) else { return nil }
            let isManager = ctx.bool(ctx.col("is_manager"), "is_manager")
            let day = ctx.date(ctx.col("date"), "date")
            func v(_ s: String?) -> StoreValue { s.map { .text($0) } ?? .null }
            let response: [StoreValue] = [
                .text(responseID), .text(surveyID), v(ctx.text(ctx.col("department"), "department")), isManager.map { .int($0 ? 1 : 0) } ?? .null,
                v(ctx.text(ctx.col("age_band"), "age_band")), v(ctx.text(ctx.col("gender"), "gender")), day.map { .int($0.dayNumber) } ?? .null,
            ]
            var answers: [[StoreValue]] = []
            for item in q.items {
                let name = item.id.lowercased()
                guard let c = ctx.col(name) else {
                    ctx.fail(nil, name, "survey '\(surveyID)' asks item '\(item.id)': add its column")
                    continue
                }
                switch q.method {
                case .yesNo:
                    guard let yes = ctx.bool(c, name) else {
                        if ctx.rowOK { ctx.fail(c, name, "an answer is required (yes or no)") }
                        continue
                    }
                    answers.append([.text(responseID), .text(item.id), .text(yes ? "yes" : "no"), .double(yes ? 1 : 0)])
                case .scored:
                    guard let text = ctx.text(c, name, required: true) else { continue }
                    guard let option = item.options.first(where: { $0.id.lowercased() == text.lowercased() }) else {
                        ctx.fail(c, name, "expected one of \(item.options.map(\.id).joined(separator: ", ")), got '\(text.prefix(40))'")
                        continue
                    }
                    answers.append([.text(responseID), .text(item.id), .text(option.id), .double(option.points)])
                }
            }
            if q.enps != nil, let score = ctx.count(ctx.col("enps"), "enps") {
                if score > 10 { ctx.fail(ctx.col("enps"), "enps", "must be from 0 to 10, got \(score)") } else {
                    answers.append([.text(responseID), .text("enps"), .text(String(score)), .double(Double(score))])
                }
            }
            if q.comments != nil, let comment = ctx.text(ctx.col("comment"), "comment") {
                answers.append([.text(responseID), .text("comment"), .text(String(comment.prefix(4000))), .double(0)])
            }
            return SurveyResponse(response: response, answers: answers)
        }, write: { [session] (rows: [SurveyResponse]) in
            let dups = try await session.upsert(table: "survey_responses", key: ["response_id"], columns: Array(Self.responseColumns),
                                                rows: rows.map(\.response))
            let skip = Set(dups)
            _ = try await session.upsert(table: "survey_answers", key: ["response_id", "item_id"], columns: ["answer", "points"],
                                         rows: rows.enumerated().filter { !skip.contains($0.offset) }.flatMap(\.element.answers))
            return dups
        })
    }
}
