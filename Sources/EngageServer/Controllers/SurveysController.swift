import EngageCore
import EngageImport
import EngageReports
import EngageStore
import Foundation
import Hummingbird

/// Anonymous answering at `/s/{token}` (no sign-in: the single-use token is the key). The
/// form is in the employee's language; on submit the token is marked used and the answers
/// are stored without token, employee or time of day (SurveyData.submit). A used, unknown
/// or closed link gets a friendly page; a second submit changes nothing.

/// Survey waves and their results, and anonymous answering at `/s/{token}` (no sign-in: the
/// single-use token is the key; see SurveyBallotBox and docs/privacy.md).
struct SurveysController: PageController {
    let app: ServerState

    func register(on router: Router<EngageContext>) {
        // the answering page is the same for everyone: nothing of any signed-in session
        router.get("s/{token}") { request, context in try await surveyForm(request, context.anonymous, chosen: [:], missing: []) }
        router.post("s/{token}") { request, context in try await surveySubmit(request, context.anonymous) }
        router.get("surveys") { request, context in
            if let r = signedIn(request, context) { return r }
            try context.requireSurveys()
            _ = try QueryReader(request, allowed: ["done"])
            return try await surveysPage(request, context, message: doneMessage(request, context, allowed: ["survey_created", "wave_closed_done", "invitations_queued", "reminders_queued"]), error: nil)
        }
        router.post("surveys") { request, context in try await createWave(request, context) }
        router.post("surveys/{id}/invite") { request, context in
            if let r = signedIn(request, context) { return r }
            let (_, form) = try await checkedSurveyForm(request, context)
            let id = context.param("id")
            let department = form["department"].flatMap { $0.isEmpty ? nil : $0 }
            let made = try await SurveyData(store: app.store).invite(surveyID: id, department: department, now: app.config.now(),
                                                                     token: ServerSecurity.newSurveyToken, hash: ServerSecurity.tokenHash)
            // the links exist only in this answer (a hash of each token is stored): a CSV for
            // the mail merge, as `engage survey invite` prints it
            let who = try await Employees(store: app.store).contacts()
            var csv = "employee_id,name,email,link\n"
            for (e, token) in made {
                csv += [e, who[e]?.name ?? "", who[e]?.email ?? "", app.surveyLink(token, request: request)].map(CSVText.cell).joined(separator: ",") + "\n"
            }
            var headers = HTTPFields()
            headers[.contentType] = "text/csv; charset=utf-8"
            headers[.contentDisposition] = "attachment; filename=\"invitations-\(id)\(department.map { "-" + $0 } ?? "").csv\""
            headers[.cacheControl] = "no-store"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: csv)))
        }
        router.post("surveys/{id}/send") { request, context in
            if let r = signedIn(request, context) { return r }
            let (_, form) = try await checkedSurveyForm(request, context)
            let id = context.param("id")
            guard let smtp = app.config.smtp else { throw APIError(.unprocessableContent, UIText(lang: context.lang)["mail_not_set_up"]) }
            let department = form["department"].flatMap { $0.isEmpty ? nil : $0 }
            let made = try await SurveyData(store: app.store).invite(surveyID: id, department: department, now: app.config.now(),
                                                                     token: ServerSecurity.newSurveyToken, hash: ServerSecurity.tokenHash, onlyWithEmail: true)
            try await app.surveyMail.enqueue(try await mailJobs(id, made, kind: "invitation", smtp: smtp, fallback: form["lang"], request: request))
            return doneRedirect("/surveys", done: "invitations_queued")
        }
        router.post("surveys/{id}/remind") { request, context in
            if let r = signedIn(request, context) { return r }
            let (_, form) = try await checkedSurveyForm(request, context)
            let id = context.param("id")
            guard let smtp = app.config.smtp else { throw APIError(.unprocessableContent, UIText(lang: context.lang)["mail_not_set_up"]) }
            let data = SurveyData(store: app.store)
            guard let survey = try await data.survey(id: id) else { throw APIError(.notFound, "no survey '\(id)'") }
            if survey.closedAt != nil { throw APIError(.conflict, "survey '\(id)' is closed") }
            // a second link for each unused invitation (the first one's token is not kept);
            // not for one whose answer waits in memory here: it is answered
            var made: [(employeeID: String, token: String)] = []
            for (employee, key) in try await data.remindable(surveyID: id, department: form["department"].flatMap { $0.isEmpty ? nil : $0 }) {
                guard await !app.ballots.isWaiting(key) else { continue }
                let token = ServerSecurity.newSurveyToken()
                if try await data.setReminderHash(key: key, hash: ServerSecurity.tokenHash(token)) { made.append((employee, token)) }
            }
            try await app.surveyMail.enqueue(try await mailJobs(id, made, kind: "reminder", smtp: smtp, fallback: form["lang"], request: request))
            return doneRedirect("/surveys", done: "reminders_queued")
        }
        router.get("surveys/{id}/preview") { request, context in
            if let r = signedIn(request, context) { return r }
            try context.requireSurveys()
            guard let survey = try await SurveyData(store: app.store).survey(id: context.param("id")),
                  let q = Questionnaire(jsonText: survey.questionnaireJSON) else { throw APIError(.notFound, "no survey '\(context.param("id"))'") }
            let t = UIText(lang: context.lang)
            var data = try await formData(q, context, token: "preview", chosen: [:], missing: [])
            data["preview"] = true
            return try page(request, context, title: q.title.in_(context.lang.rawValue), current: "/surveys",
                            content: "<p class=\"note\" role=\"note\">\(htmlEscape(t["preview_note"]))</p>" + (try render("survey_form", data, context)))
        }
        router.get("surveys/{id}/reminders.csv") { request, context in
            if let r = signedIn(request, context) { return r }
            try context.requireSurveys()
            let who = try await Employees(store: app.store).contacts()
            var csv = "employee_id,name,email\n"
            for e in try await SurveyData(store: app.store).notAnswered(surveyID: context.param("id")) {
                csv += [e, who[e]?.name ?? "", who[e]?.email ?? ""].map(CSVText.cell).joined(separator: ",") + "\n"
            }
            var headers = HTTPFields()
            headers[.contentType] = "text/csv; charset=utf-8"
            headers[.contentDisposition] = "attachment; filename=\"reminders-\(context.param("id")).csv\""
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: csv)))
        }
        router.post("surveys/{id}/close") { request, context in
            if let r = signedIn(request, context) { return r }
            _ = try await checkedSurveyForm(request, context)
            try await SurveyData(store: app.store).close(surveyID: context.param("id"), now: app.config.now())
            // the last batch joins the results now, not at the next half-minute check
            await app.releaseSurveys(stopping: false)
            return doneRedirect("/surveys", done: "wave_closed_done")
        }
        router.get("surveys/{id}") { request, context in
            if let r = signedIn(request, context) { return r }
            try context.requireSurveys()
            let q = try QueryReader(request, allowed: ["threshold", "format"])
            let id = context.param("id")
            guard try await SurveyData(store: app.store).survey(id: id) != nil else { throw APIError(.notFound, "no survey '\(id)'") }
            var builder = SurveyReportBuilder(store: app.store)
            builder.threshold = try q.int("threshold", in: 3...1000)  // can only raise the configured one
            let report = try await builder.build(surveyID: id)
            if let format = try q.oneOf("format", ["csv", "json"]) { return download(format, name: "survey-\(id)", report.json) }
            let content = "<style>\(SurveyHTMLRenderer.css)</style>" + SurveyHTMLRenderer(lang: context.lang).body(report)
            return try page(request, context, title: report.name, current: "/surveys", content: content, downloads: true)
        }
    }

    enum SurveyLink {
        case open(SurveyRecord, Questionnaire, SurveyInvitation, tokenHash: String)
        case page(Response)
    }

    func surveyLink(_ request: Request, _ context: EngageContext) async throws -> SurveyLink {
        let t = UIText(lang: context.lang)
        let token = context.param("token")
        let data = SurveyData(store: app.store)
        func notice(_ title: String, _ text: String, _ status: HTTPResponse.Status) throws -> SurveyLink {
            .page(try page(request, context, title: title, current: "", content: "<section class=\"survey\"><h1>\(htmlEscape(title))</h1><p>\(htmlEscape(text))</p></section>",
                           status: status))
        }
        guard (16...64).contains(token.count), let invitation = try await data.invitation(tokenHash: Security.tokenHash(token)),
              let survey = try await data.survey(id: invitation.surveyID), let q = Questionnaire(jsonText: survey.questionnaireJSON) else {
            return try notice(t["survey_unknown_title"], t["survey_unknown"], .notFound)
        }
        let waiting = await app.ballots.isWaiting(invitation.key)
        if invitation.used || waiting {
            return try notice(t["survey_thanks_title"], t["survey_used"], .ok)
        }
        if survey.closedAt != nil || survey.closesOn.map({ $0 < app.today() }) == true {
            return try notice(t["survey_closed_title"], t["survey_closed"], .gone)
        }
        return .open(survey, q, invitation, tokenHash: invitation.key)
    }

    func surveyForm(_ request: Request, _ context: EngageContext, chosen: [String: String], missing: Set<String>,
                    status: HTTPResponse.Status = .ok) async throws -> Response {
        let link = try await surveyLink(request, context)
        guard case .open(_, let q, _, _) = link else {
            if case .page(let r) = link { return r }
            throw APIError.notFound
        }
        let content = try render("survey_form", try await formData(q, context, token: context.param("token"), chosen: chosen, missing: missing), context)
        let t = UIText(lang: context.lang)
        return try page(request, context, title: q.title.in_(context.lang.rawValue), current: "", content: content,
                        error: missing.isEmpty ? nil : APIError(.unprocessableContent, t["survey_missing"]), status: status)
    }

    /// What the answering form shows (the answering page and the preview).
    func formData(_ q: Questionnaire, _ context: EngageContext, token: String, chosen: [String: String], missing: Set<String>) async throws -> [String: Any] {
        let lang = context.lang.rawValue
        let t = UIText(lang: context.lang)
        let items: [[String: Any]] = q.items.enumerated().map { i, item in
            let options: [(String, String)] = q.method == .yesNo
                ? [("yes", t["yes"]), ("no", t["no"])]
                : item.options.map { ($0.id, $0.text.in_(lang)) }
            return ["number": i + 1, "text": item.text.in_(lang), "missing": missing.contains(item.id),
                    "options": options.map { ["name": item.id, "value": $0.0, "label": $0.1, "checked": chosen[item.id] == $0.0] }]
        }
        let others = ((try? await SurveyData(store: app.store).threshold()) ?? SurveyData.defaultThreshold) - 1
        var data: [String: Any] = ["title": q.title.in_(lang), "token": token, "items": items,
                                   "intro": String(format: t["survey_intro"], others)]
        if let e = q.enps { data["enps"] = ["text": e.in_(lang), "scores": Array(0...10)] as [String: Any] }
        if let c = q.comments { data["comments"] = ["text": c.in_(lang), "value": chosen["comment"] ?? ""] }
        return data
    }

    /// One message per employee with an address, in their language (else `fallback`, else
    /// English), with their link.
    func mailJobs(_ surveyID: String, _ made: [(employeeID: String, token: String)], kind: String, smtp: SMTPConfig,
                  fallback: String?, request: Request) async throws -> [SurveyMailer.Job] {
        guard !made.isEmpty, let survey = try await SurveyData(store: app.store).survey(id: surveyID) else { return [] }
        let who = try await Employees(store: app.store).contactsWithLanguage()
        let others = ((try? await SurveyData(store: app.store).threshold()) ?? SurveyData.defaultThreshold) - 1
        return made.map { employee, token in
            guard let c = who[employee], MailMessage.isAddress(c.email) else {
                return SurveyMailer.Job(surveyID: surveyID, employeeID: employee, kind: kind, message: nil)
            }
            let lang = Language(rawValue: c.lang) ?? Language(rawValue: fallback ?? "") ?? .en
            let t = UIText(lang: lang)
            let prefix = kind == "reminder" ? "mail_remind_" : "mail_invite_"
            let closes = survey.closesOn.map { t["mail_closes"].replacingOccurrences(of: "%@", with: $0.description) } ?? ""
            let text = t[prefix + "body"].replacingOccurrences(of: "{name}", with: c.name.isEmpty ? employee : c.name)
                .replacingOccurrences(of: "{survey}", with: survey.name).replacingOccurrences(of: "{others}", with: String(others))
                .replacingOccurrences(of: "{link}", with: app.surveyLink(token, request: request)).replacingOccurrences(of: "{closes}", with: closes)
            let message = MailMessage(from: smtp.from, to: [c.email], subject: t[prefix + "subject"].replacingOccurrences(of: "%@", with: survey.name), text: text)
            return SurveyMailer.Job(surveyID: surveyID, employeeID: employee, kind: kind, message: message)
        }
    }

    func surveySubmit(_ request: Request, _ context: EngageContext) async throws -> Response {
        let link = try await surveyLink(request, context)
        guard case .open(let survey, let q, let invitation, let tokenHash) = link else {
            if case .page(let r) = link { return r }
            throw APIError.notFound
        }
        let form = try await Form.read(request, context, limit: app.config.maxFormBytes)
        var answers: SurveyAnswers = [:]
        var missing: Set<String> = []
        var chosen: [String: String] = [:]
        for item in q.items {
            let value = form[item.id] ?? ""
            chosen[item.id] = value
            guard SurveyTally.points(q, item: item, answer: value) != nil else { missing.insert(item.id); continue }
            answers[item.id] = value
        }
        if q.enps != nil, let v = form["enps"], let score = Int(v), (0...10).contains(score) {
            answers["enps"] = String(score)
        }
        var comment: String?
        if q.comments != nil, let c = form["comment"]?.trimmingCharacters(in: .whitespacesAndNewlines), !c.isEmpty {
            chosen["comment"] = c
            comment = String(c.prefix(4000))
        }
        if !missing.isEmpty { return try await surveyForm(request, context, chosen: chosen, missing: missing, status: .unprocessableContent) }
        let t = UIText(lang: context.lang)
        // held in memory until a batch of at least the threshold joins the results: nothing
        // of this answer is written now
        let taken = await app.ballots.submit(surveyID: survey.id, tokenHash: tokenHash, strata: invitation.strata,
                                             vector: SurveyVector(answers: answers, comment: comment))
        let threshold = (try? await SurveyData(store: app.store).threshold()) ?? SurveyData.defaultThreshold
        let text = taken ? String(format: t["survey_thanks"], threshold - 1) : t["survey_used"]
        return try page(request, context, title: t["survey_thanks_title"], current: "",
                        content: "<section class=\"survey\"><h1>\(htmlEscape(t["survey_thanks_title"]))</h1><p>\(htmlEscape(text))</p></section>")
    }
}

extension SurveysController {
    /// The waves with their status (open or closed, closes on, invited, answered, response
    /// rate); for admins also the way to run one: create, invite, remind, close.
    func surveysPage(_ request: Request, _ context: EngageContext, message: String?, error: APIError?, status: HTTPResponse.Status = .ok) async throws -> Response {
        let p = try context.requireSurveys()
        let t = UIText(lang: context.lang), l = Labels(context.lang)
        let data = SurveyData(store: app.store)
        let counts = try await data.inviteCounts()
        let mail = try await SurveyMail(store: app.store).status()
        let today = app.today()
        let csrf = p.session.map(app.security.csrf(for:)) ?? ""
        let waves: [[String: Any]] = try await data.surveys().reversed().map { s in
            let q = Questionnaire(jsonText: s.questionnaireJSON)
            let c = counts[s.id] ?? (0, 0)
            let closed = s.closedAt != nil || (s.closesOn.map { $0 < today } ?? false)
            return ["id": s.id, "href": "/surveys/" + percentEncode(s.id), "action": "/surveys/" + percentEncode(s.id), "name": s.name,
                    "questionnaire": q.map { "\($0.id) v\($0.version)" } ?? "", "created": LocalDate(utcInstant: s.createdAt).description,
                    "closesOn": s.closesOn?.description ?? "—", "open": !closed, "status": closed ? t["wave_closed"] : t["wave_open"],
                    "invited": l.int(c.invited), "answered": l.int(c.answered),
                    "rate": c.invited > 0 ? l.pct(Double(c.answered) * 100 / Double(c.invited), digits: 0) : "—", "csrf": csrf,
                    "mailStatus": mail[s.id].map { String(format: t["mail_counts"], $0.sent, $0.sending, $0.failed) } ?? "—",
                    "mailError": mail[s.id]?.lastError as Any, "mail": app.config.smtp != nil, "langRu": context.lang == .ru]
        }
        let shipped = (app.config.questionnairesFolder.flatMap { try? FileManager.default.contentsOfDirectory(atPath: $0) } ?? [])
            .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") || $0.hasSuffix(".json") }.sorted()
        let content = try render("surveys", [
            "waves": waves, "hasWaves": !waves.isEmpty, "admin": p.role.seesSurveys, "csrf": csrf, "shipped": shipped, "mail": app.config.smtp != nil,
            "departments": try await data.departments(on: today),
        ], context)
        return try page(request, context, title: t["surveys"], current: "/surveys", content: content, message: message, error: error, status: status)
    }

    /// A new wave from a shipped questionnaire or an uploaded one (YAML or JSON), with the
    /// rules of `engage survey create`.
    func createWave(_ request: Request, _ context: EngageContext) async throws -> Response {
        if let r = signedIn(request, context) { return r }
        let p = try context.requireSurveys()
        var request = request
        let body = try await request.collectBody(upTo: 1024 * 1024)
        guard let type = request.headers[.contentType], type.lowercased().hasPrefix("multipart/form-data") else {
            throw APIError(.unsupportedMediaType, "send the form as multipart/form-data")
        }
        let fields = try Multipart.fields(body: body, contentType: type)
        try checkCSRF(fields["csrf"], p, context)
        do {
            let questionnaire: Questionnaire
            if let (name, file) = try Multipart.files(body: body, contentType: type).first(where: { $0.1.readableBytes > 0 }) {
                questionnaire = try QuestionnaireFile.parse(String(buffer: file), file: name)
            } else {
                guard let chosen = fields["shipped"], !chosen.isEmpty, !chosen.contains("/"), !chosen.hasPrefix("."),
                      let folder = app.config.questionnairesFolder else {
                    throw APIError(.unprocessableContent, "choose a questionnaire, or upload one")
                }
                questionnaire = try QuestionnaireFile.load(path: folder + "/" + chosen)
            }
            let name = (fields["name"] ?? "").trimmingCharacters(in: .whitespaces)
            guard (1...200).contains(name.count) else { throw APIError(.unprocessableContent, "name: 1 to 200 characters") }
            let closes = try fields["closes"].flatMap { $0.isEmpty ? nil : $0 }.map { s -> LocalDate in
                guard let d = LocalDate(s) else { throw APIError(.unprocessableContent, "closes: a date (YYYY-MM-DD)") }
                return d
            }
            let now = app.config.now()
            let id = fields["id"].flatMap { $0.isEmpty ? nil : $0 } ?? "\(questionnaire.id)-\(LocalDate(utcInstant: now))"
            try await SurveyData(store: app.store).create(id: id, name: name, questionnaire: questionnaire, now: now, closesOn: closes)
            return doneRedirect("/surveys", done: "survey_created")
        } catch let e as QuestionnaireFile.Refused {
            return try await surveysPage(request, context, message: nil, error: APIError(.unprocessableContent, e.description), status: .unprocessableContent)
        } catch let e as any UserFacingError {
            let a = APIError(e)
            return try await surveysPage(request, context, message: nil, error: a, status: a.status)
        } catch let e as APIError {
            return try await surveysPage(request, context, message: nil, error: e, status: e.status)
        }
    }
}
