import EngageCore
import EngageReports
import EngageStore
import Foundation
import Logging
import ServiceLifecycle

/// Sends the scheduled reports: every `interval`, takes the schedules that are due (one
/// instance each), renders the report of the period before the due time, and mails it. A
/// message not sent (server down, refused) is logged, kept on the schedule's row for the
/// admin's page, and tried again later, each wait twice the last (from `retrySeconds`, at
/// most an hour) — never dropped.
struct ReportMailService: Service {
    let state: ServerState
    let logger: Logger

    func run() async throws {
        let interval = Duration.seconds(max(1, min(30, state.config.mailRetrySeconds)))
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            await tick()
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }

    func tick() async {
        guard let smtp = state.config.smtp else { return }
        let schedules = ReportSchedules(store: state.store)
        let now = state.config.now()
        let due: [ReportSchedule]
        do { due = try await schedules.takeDue(now: now, lease: 600) } catch {
            logger.warning("scheduled reports: \(error)")
            return
        }
        for s in due {
            do {
                let message = try await ReportMailer(store: state.store, from: smtp.from).message(for: s)
                try await SMTPClient(config: smtp).send(message)
                try await schedules.sent(s, now: state.config.now())
                EngageMetrics.countMail("sent")
                logger.info("scheduled report \(s.id) (\(s.kind), \(s.every)) sent to \(s.recipients.count) recipient(s)")
            } catch {
                let wait = min(3_600, state.config.mailRetrySeconds << min(s.attempts, 12))
                EngageMetrics.countMail("failed")
                logger.error("scheduled report \(s.id) not sent (attempt \(s.attempts + 1), next in \(wait) s): \(error)")
                try? await schedules.failed(s, error: "\(error)", retryAt: state.config.now() + wait)
            }
        }
    }
}

/// A scheduled report as a message: its period, subject and text in the schedule's
/// language, the report attached in its format.
struct ReportMailer {
    let store: any Store
    let from: String

    func message(for s: ReportSchedule) async throws -> MailMessage {
        let lang = Language(rawValue: s.lang) ?? .en
        let l = Labels(lang)
        let period = ReportSchedule.period(due: s.dueAt, every: s.every)
        let title: String, html: () -> String, json: JSONValue, csv: () -> String
        let name: String
        switch s.kind {
        case "advocacy":
            let r = try await AdvocacyReportBuilder(store: store).build(period: period)
            title = l["adv_title"]
            name = "advocacy-\(period.from)-\(period.to)"
            html = { AdvocacyHTMLRenderer(lang: lang).render(r) }
            json = r.json
            csv = { GenericRenderer(title: name).csv(r.json) }
        case "survey":
            guard let id = s.surveyID, try await SurveyData(store: store).survey(id: id) != nil else {
                throw StoreError.notFound("the survey '\(s.surveyID ?? "")' of this schedule is gone")
            }
            let r = try await SurveyReportBuilder(store: store).build(surveyID: id)
            title = r.name
            name = "survey-\(id)"
            html = { SurveyHTMLRenderer(lang: lang).render(r) }
            json = r.json
            csv = { GenericRenderer(title: name).csv(r.json) }
        default:
            let r = try await SocialReportBuilder(store: store).build(period: period)
            title = l["title"]
            name = "social-\(period.from)-\(period.to)"
            html = { SocialHTMLRenderer(lang: lang).render(r) }
            json = r.json
            csv = { SocialCSVRenderer().render(r) }
        }
        let attachment: MailMessage.Attachment
        switch s.format {
        case "pdf": attachment = .init(filename: name + ".pdf", contentType: "application/pdf", data: try PDFPrinter.pdf(html: html()))
        case "csv": attachment = .init(filename: name + ".csv", contentType: "text/csv; charset=utf-8", data: Data(csv().utf8))
        case "json": attachment = .init(filename: name + ".json", contentType: "application/json", data: Data(json.serialized(indent: 1).utf8))
        default: attachment = .init(filename: name + ".html", contentType: "text/html; charset=utf-8", data: Data(html().utf8))
        }
        let periodText = s.kind == "survey" ? "" : " \(period.from) — \(period.to)"
        let text = lang == .ru
            ? "Отчёт «\(title)»\(periodText) — во вложении (\(attachment.filename)).\n\nРассылку настроил(а) \(s.createdBy) в Engage; изменить или отключить её может администратор на странице «Рассылка отчётов».\n"
            : "The report \"\(title)\"\(periodText) is attached (\(attachment.filename)).\n\nThis mailing was set up by \(s.createdBy) in Engage; an admin changes or stops it on the Scheduled reports page.\n"
        return MailMessage(from: from, to: s.recipients, subject: "Engage: \(title)\(periodText)", text: text, attachments: [attachment])
    }
}
