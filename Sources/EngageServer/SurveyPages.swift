import EngageCore
import EngageReports
import EngageStore
import Foundation
import Hummingbird

/// Anonymous answering at `/s/{token}` (no sign-in: the single-use token is the key). The
/// form is in the employee's language; on submit the token is marked used and the answers
/// are stored without token, employee or time of day (SurveyData.submit). A used, unknown
/// or closed link gets a friendly page; a second submit changes nothing.
extension Pages {
    func registerSurveys(on router: Router<EngageContext>) {
        router.get("s/{token}") { request, context in try await surveyForm(request, context, chosen: [:], missing: []) }
        router.post("s/{token}") { request, context in try await surveySubmit(request, context) }
        router.get("surveys") { request, context in
            if let r = signedIn(request, context) { return r }
            try context.require(.viewer)
            _ = try QueryReader(request, allowed: [])
            let t = UIText(lang: context.lang), l = Labels(context.lang)
            let surveys = try await SurveyData(store: app.store).surveys()
            var content = "<h1>\(htmlEscape(t["surveys"]))</h1>"
            if surveys.isEmpty { content += "<p>\(htmlEscape(t["no_surveys"]))</p>" }
            content += "<ul>" + surveys.reversed().map { s in
                let q = Questionnaire(jsonText: s.questionnaireJSON)
                return "<li><a href=\"/surveys/\(htmlEscape(percentEncode(s.id)))\">\(htmlEscape(s.name))</a> <span class=\"muted\">· \(htmlEscape(q.map { "\($0.id) v\($0.version)" } ?? "")) · \(LocalDate(dayNumber: Int(s.createdAt / 86_400)))\(s.closedAt != nil ? " · " + l["status"] : "")</span></li>"
            }.joined() + "</ul>"
            return try page(request, context, title: t["surveys"], current: "/surveys", content: content)
        }
        router.get("surveys/{id}") { request, context in
            if let r = signedIn(request, context) { return r }
            try context.require(.viewer)
            let q = try QueryReader(request, allowed: ["threshold"])
            let id = context.parameters.get("id") ?? ""
            guard try await SurveyData(store: app.store).survey(id: id) != nil else { throw APIError(.notFound, "no survey '\(id)'") }
            var builder = SurveyReportBuilder(store: app.store)
            builder.threshold = try q.int("threshold", in: 3...1000) ?? 5
            let report = try await builder.build(surveyID: id)
            let content = "<style>\(SurveyHTMLRenderer.css)</style>" + SurveyHTMLRenderer(lang: context.lang).body(report)
            return try page(request, context, title: report.name, current: "/surveys", content: content)
        }
    }

    enum SurveyLink {
        case open(SurveyRecord, Questionnaire, tokenHash: String)
        case page(Response)
    }

    func surveyLink(_ request: Request, _ context: EngageContext) async throws -> SurveyLink {
        let t = UIText(lang: context.lang)
        let token = context.parameters.get("token") ?? ""
        let data = SurveyData(store: app.store)
        func notice(_ title: String, _ text: String, _ status: HTTPResponse.Status) throws -> SurveyLink {
            .page(try page(request, context, title: title, current: "", content: "<section class=\"survey\"><h1>\(htmlEscape(title))</h1><p>\(htmlEscape(text))</p></section>",
                           status: status))
        }
        guard (16...64).contains(token.count), let invitation = try await data.invitation(tokenHash: Security.tokenHash(token)),
              let survey = try await data.survey(id: invitation.surveyID), let q = Questionnaire(jsonText: survey.questionnaireJSON) else {
            return try notice(t["survey_unknown_title"], t["survey_unknown"], .notFound)
        }
        if invitation.used { return try notice(t["survey_thanks_title"], t["survey_used"], .ok) }
        if survey.closedAt != nil || survey.closesOn.map({ $0 < app.today() }) == true {
            return try notice(t["survey_closed_title"], t["survey_closed"], .gone)
        }
        return .open(survey, q, tokenHash: Security.tokenHash(token))
    }

    func surveyForm(_ request: Request, _ context: EngageContext, chosen: [String: String], missing: Set<String>,
                    status: HTTPResponse.Status = .ok) async throws -> Response {
        let link = try await surveyLink(request, context)
        guard case .open(_, let q, _) = link else {
            if case .page(let r) = link { return r }
            throw APIError.notFound
        }
        let lang = context.lang.rawValue
        let t = UIText(lang: context.lang)
        let items: [[String: Any]] = q.items.enumerated().map { i, item in
            let options: [(String, String)] = q.method == .yesNo
                ? [("yes", t["yes"]), ("no", t["no"])]
                : item.options.map { ($0.id, $0.text.in_(lang)) }
            return ["number": i + 1, "text": item.text.in_(lang), "missing": missing.contains(item.id),
                    "options": options.map { ["name": item.id, "value": $0.0, "label": $0.1, "checked": chosen[item.id] == $0.0] }]
        }
        var data: [String: Any] = ["title": q.title.in_(lang), "token": context.parameters.get("token") ?? "", "items": items]
        if let e = q.enps { data["enps"] = ["text": e.in_(lang), "scores": Array(0...10)] as [String: Any] }
        if let c = q.comments { data["comments"] = ["text": c.in_(lang), "value": chosen["comment"] ?? ""] }
        let content = try render("survey_form", data, context)
        return try page(request, context, title: q.title.in_(lang), current: "", content: content,
                        error: missing.isEmpty ? nil : APIError(.unprocessableContent, t["survey_missing"]), status: status)
    }

    func surveySubmit(_ request: Request, _ context: EngageContext) async throws -> Response {
        let link = try await surveyLink(request, context)
        guard case .open(_, let q, let tokenHash) = link else {
            if case .page(let r) = link { return r }
            throw APIError.notFound
        }
        let form = try await Form.read(request, context, limit: app.config.maxFormBytes)
        var answers: [(itemID: String, answer: String, points: Double)] = []
        var missing: Set<String> = []
        var chosen: [String: String] = [:]
        for item in q.items {
            let value = form[item.id] ?? ""
            chosen[item.id] = value
            switch q.method {
            case .yesNo:
                guard value == "yes" || value == "no" else { missing.insert(item.id); continue }
                answers.append((item.id, value, value == "yes" ? 1 : 0))
            case .scored:
                guard let o = item.options.first(where: { $0.id == value }) else { missing.insert(item.id); continue }
                answers.append((item.id, o.id, o.points))
            }
        }
        if q.enps != nil, let v = form["enps"], let score = Int(v), (0...10).contains(score) {
            answers.append(("enps", String(score), Double(score)))
        }
        if q.comments != nil, let c = form["comment"]?.trimmingCharacters(in: .whitespacesAndNewlines), !c.isEmpty {
            chosen["comment"] = c
            answers.append(("comment", String(c.prefix(4000)), 0))
        }
        if !missing.isEmpty { return try await surveyForm(request, context, chosen: chosen, missing: missing, status: .unprocessableContent) }
        let t = UIText(lang: context.lang)
        let stored = try await SurveyData(store: app.store).submit(tokenHash: tokenHash, answers: answers, responseID: "w-" + Security.randomToken(bytes: 12),
                                                                   claim: Security.randomToken(bytes: 12), today: app.today())
        let text = stored ? t["survey_thanks"] : t["survey_used"]
        return try page(request, context, title: t["survey_thanks_title"], current: "",
                        content: "<section class=\"survey\"><h1>\(htmlEscape(t["survey_thanks_title"]))</h1><p>\(htmlEscape(text))</p></section>")
    }
}
