import Crypto
import EngageCore
import EngageStore
import Foundation

/// `responses.csv`: anonymous answers from paper or another tool, for surveys made with
/// `engage survey create`. One row per respondent: survey_id*, response_id*, department,
/// is_manager, age_band, gender, date (optional, not stored), then one column per item id
/// of the survey's questionnaire — yes/no items answered yes/no, да/нет, true/false or 1/0;
/// scored items by option id. Every item of the row's survey must be answered.
///
/// Stored as the web answers are (docs/privacy.md): each row's answers and comment under a
/// key derived from (survey, response id) — so importing the file again stores nothing
/// twice — and its department, role, age band and gender only as additions to each
/// group's tally, never together. A response id imported before is skipped: answers
/// already counted cannot be changed.
struct SurveyResponse: Sendable {
    var surveyID: String
    var responseID: String
    var vector: [StoreValue]
    var answers: SurveyAnswers
    var comment: String?
    var strata: [String: String]
}

/// What the rows written so far add to the tallies and department comments.
final class ResponseTotals: @unchecked Sendable {
    let lock = NSLock()
    var tallies: [[String]: SurveyTally] = [:]
    var comments: [[StoreValue]] = []
}

extension TableImport {
    /// The stored key of an imported response.
    static func vectorKey(surveyID: String, responseID: String) -> String {
        "i" + SHA256.hash(data: Data((surveyID + "\u{0}" + responseID).utf8)).prefix(16).map { String(format: "%02x", $0) }.joined()
    }

    func responses(_ ctx: RowContext) async throws -> Int {
        var surveys: [String: Questionnaire] = [:]
        for (id, text) in try await session.keyValues(table: "surveys", key: "survey_id", value: "questionnaire") {
            if let q = Questionnaire(jsonText: text) { surveys[id] = q }
        }
        let stored = try await session.knownKeys(table: "survey_vectors", column: "vector_key")
        let itemColumns = Set(surveys.values.flatMap { $0.items.map { $0.id.lowercased() } })
        let optional = ["department", "is_manager", "age_band", "gender", "date", "enps", "comment"] + itemColumns.sorted()
        var skipped = 0
        let totals = ResponseTotals()
        let qs = surveys
        let written = try await load(ctx, required: ["survey_id", "response_id"], optional: optional, idColumn: "response_id", parse: { (ctx: RowContext) -> SurveyResponse? in
            let surveyCol = ctx.col("survey_id")
            guard let surveyID = ctx.text(surveyCol, "survey_id", required: true) else { return nil }
            guard let q = surveys[surveyID] else {
                ctx.fail(surveyCol, "survey_id", "no survey '\(surveyID)' (create it with engage survey create)")
                return nil
            }
            guard let responseID = ctx.text(ctx.col("response_id"), "response_id", required: true) else { return nil }
            var strata: [String: String] = [:]
            if let d = ctx.text(ctx.col("department"), "department") { strata["department"] = d }
            if let m = ctx.bool(ctx.col("is_manager"), "is_manager") { strata["role"] = m ? "manager" : "staff" }
            if let a = ctx.text(ctx.col("age_band"), "age_band") { strata["age_band"] = a }
            if let g = ctx.text(ctx.col("gender"), "gender") { strata["gender"] = g }
            _ = ctx.date(ctx.col("date"), "date")  // checked, not stored
            var answers: SurveyAnswers = [:]
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
                    answers[item.id] = yes ? "yes" : "no"
                case .scored:
                    guard let text = ctx.text(c, name, required: true) else { continue }
                    guard let option = item.options.first(where: { $0.id.lowercased() == text.lowercased() }) else {
                        ctx.fail(c, name, "expected one of \(item.options.map(\.id).joined(separator: ", ")), got '\(text.prefix(40))'")
                        continue
                    }
                    answers[item.id] = option.id
                }
            }
            if q.enps != nil, let score = ctx.count(ctx.col("enps"), "enps") {
                if score > 10 { ctx.fail(ctx.col("enps"), "enps", "must be from 0 to 10, got \(score)") } else { answers["enps"] = String(score) }
            }
            let comment = q.comments != nil ? ctx.text(ctx.col("comment"), "comment").map { String($0.prefix(4000)) } : nil
            let key = Self.vectorKey(surveyID: surveyID, responseID: responseID)
            if stored.contains(key) {
                skipped += 1
                return nil
            }
            let vector = SurveyVector(answers: answers, comment: comment)
            return SurveyResponse(surveyID: surveyID, responseID: responseID, vector: [.text(key), .text(surveyID), .text(vector.answersJSON), comment.map { .text($0) } ?? .null],
                                  answers: answers, comment: comment, strata: strata)
        }, write: { [session] (rows: [SurveyResponse]) in
            let dups = try await session.upsert(table: "survey_vectors", key: ["vector_key"], columns: ["survey_id", "answers", "comment"],
                                                rows: rows.map(\.vector))
            let skip = Set(dups)
            totals.lock.withLock {
                for (i, r) in rows.enumerated() where !skip.contains(i) {
                    guard let q = qs[r.surveyID] else { continue }
                    for (dim, group) in r.strata { totals.tallies[[r.surveyID, dim, group], default: SurveyTally()].add(r.answers, q) }
                    if let c = r.comment, !c.isEmpty, let d = r.strata["department"] {
                        totals.comments.append([.text(SurveyData.newKey()), .text(r.surveyID), .text(d), .text(c)])
                    }
                }
            }
            return dups
        })
        // the groups' tallies grow by what this file added (the same file again adds nothing)
        var increments: [[StoreValue]] = []
        for (k, tally) in totals.tallies.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
            for (measure, value) in tally.measures { increments.append(k.map { .text($0) } + [.text(measure), .double(value)]) }
        }
        try await session.increment(table: "survey_tallies", key: ["survey_id", "dimension", "grp", "measure"], column: "value", rows: increments)
        if !totals.comments.isEmpty {
            _ = try await session.upsert(table: "survey_comments", key: ["comment_key"], columns: ["survey_id", "department", "text"], rows: totals.comments.shuffled())
        }
        if skipped > 0 {
            issues.warning(file, 0, 0, "\(skipped) response\(skipped == 1 ? " was" : "s were") imported before and skipped (answers already counted are not changed)")
        }
        return written
    }
}
