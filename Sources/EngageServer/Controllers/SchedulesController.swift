import EngageCore
import EngageReports
import EngageStore
import Foundation
import Hummingbird

/// Scheduled reports (admins): which report, how often, in which language and format, to
/// whom; their next run, last delivery and last error; send now, remove.
struct SchedulesController: PageController {
    let app: ServerState

    func register(on router: Router<EngageContext>) {
        router.get("schedules") { request, context in
            if let r = signedIn(request, context) { return r }
            try context.require(.admin)
            _ = try QueryReader(request, allowed: ["done"])
            return try await schedulesPage(request, context, message: doneMessage(request, context, allowed: Self.doneKeys), error: nil)
        }
        router.post("schedules") { request, context in
            if let r = signedIn(request, context) { return r }
            let (p, form) = try await checkedForm(request, context, role: .admin)
            do {
                let s = try await Self.schedule(from: form, store: app.store)
                try await ReportSchedules(store: app.store).add(s, by: p.name, now: app.config.now())
                return doneRedirect("/schedules", done: "schedule_added")
            } catch let e as APIError {
                return try await schedulesPage(request, context, message: nil, error: e, status: e.status)
            }
        }
        router.post("schedules/{id}/send") { request, context in
            if let r = signedIn(request, context) { return r }
            _ = try await checkedForm(request, context, role: .admin)
            try await ReportSchedules(store: app.store).sendNow(id: try Self.id(context), now: app.config.now())
            return doneRedirect("/schedules", done: "schedule_queued")
        }
        router.post("schedules/{id}/delete") { request, context in
            if let r = signedIn(request, context) { return r }
            _ = try await checkedForm(request, context, role: .admin)
            try await ReportSchedules(store: app.store).remove(id: try Self.id(context))
            return doneRedirect("/schedules", done: "schedule_removed")
        }
    }

    static let doneKeys: Set<String> = ["schedule_added", "schedule_queued", "schedule_removed"]

    static func id(_ context: EngageContext) throws -> Int {
        guard let id = Int(context.param("id")), id > 0 else { throw APIError(.notFound, "no such schedule") }
        return id
    }

    /// A schedule from the form, with the same rules as everywhere: known kind, period,
    /// language and format; 1 to 50 valid addresses; a survey that exists.
    static func schedule(from form: Form, store: any Store) async throws -> ReportSchedule {
        func pick(_ name: String, _ values: [String]) throws -> String {
            guard let v = form[name], values.contains(v) else { throw APIError(.unprocessableContent, "\(name): one of \(values.joined(separator: ", "))") }
            return v
        }
        let kind = try pick("kind", ReportSchedule.kinds)
        let every = try pick("every", ReportSchedule.everies)
        let lang = try pick("lang", ["en", "ru"])
        let format = try pick("format", ReportSchedule.formats)
        let recipients = (form["recipients"] ?? "").split(whereSeparator: { $0 == "," || $0 == ";" || $0.isNewline || $0 == " " })
            .map(String.init).filter { !$0.isEmpty }
        guard (1...ReportSchedule.maxRecipients).contains(recipients.count) else {
            throw APIError(.unprocessableContent, "recipients: 1 to \(ReportSchedule.maxRecipients) addresses")
        }
        if let bad = recipients.first(where: { !MailMessage.isAddress($0) }) {
            throw APIError(.unprocessableContent, "recipients: '\(bad.prefix(80))' is not an e-mail address")
        }
        var survey: String?
        if kind == "survey" {
            guard let id = form["survey"], !id.isEmpty, try await SurveyData(store: store).survey(id: id) != nil else {
                throw APIError(.unprocessableContent, "survey: choose a survey wave")
            }
            survey = id
        }
        return ReportSchedule(kind: kind, surveyID: survey, every: every, lang: lang, format: format, recipients: recipients)
    }

    func schedulesPage(_ request: Request, _ context: EngageContext, message: String?, error: APIError?, status: HTTPResponse.Status = .ok) async throws -> Response {
        let p = try context.require(.admin)
        let t = UIText(lang: context.lang)
        let csrf = p.session.map(app.security.csrf(for:)) ?? ""
        func time(_ s: Int64?) -> String { s.map { ImportController.time($0) } ?? "—" }
        let rows: [[String: Any]] = try await ReportSchedules(store: app.store).all().map { s in
            let period = ReportSchedule.period(due: s.dueAt, every: s.every)
            return ["id": s.id, "csrf": csrf, "kind": t["schedule_kind_" + s.kind] + (s.surveyID.map { " · \($0)" } ?? ""),
                    "every": t["schedule_every_" + s.every], "lang": s.lang, "format": s.format.uppercased(),
                    "recipients": s.recipients.joined(separator: ", "), "next": time(s.nextAt),
                    "nextPeriod": s.kind == "survey" ? "" : "\(period.from) — \(period.to)",
                    "lastSent": time(s.lastSentAt), "error": s.lastError ?? "", "hasError": s.lastError != nil, "attempts": s.attempts]
        }
        let surveys = try await SurveyData(store: app.store).surveys()
        let data: [String: Any] = [
            "csrf": csrf, "schedules": rows, "hasSchedules": !rows.isEmpty, "smtp": app.config.smtp != nil,
            "from": app.config.smtp?.from ?? "", "chromium": PDFPrinter.chromium() != nil,
            "surveys": surveys.map { ["id": $0.id, "label": $0.name] },
        ]
        return try page(request, context, title: t["schedules"], current: "/schedules", content: try render("schedules", data, context),
                        message: message, error: error, status: status)
    }
}
