import EngageCore
import EngageStore
import Foundation
import Logging

/// Sends survey invitations and reminders, one message per employee in their language,
/// through the app's one SMTP sender. A message holds the employee's link, so it lives only
/// here, in memory: its state (sending, sent, failed and why) is written to `survey_mail`,
/// its link never. A message the server refuses or cannot reach is tried again, each wait
/// twice the last (from `--mail-retry-seconds`, at most an hour), `maxAttempts` times in
/// all, then shown as failed on `/surveys` and in the log; "Send reminders" then sends a
/// new link. Messages a stopped process was still sending are marked failed at the next
/// start (`SurveyMail.abandonSending`) — a failure is always shown, never silently lost.
actor SurveyMailer {
    struct Job: Sendable {
        var surveyID: String
        var employeeID: String
        var kind: String
        /// nil when the employee's address is not one this server sends to (failed at once).
        var message: MailMessage?
        var attempts = 0
        var nextAt = ContinuousClock.now
    }

    static let maxAttempts = 5

    let store: any Store
    let smtp: SMTPConfig?
    let retrySeconds: Int64
    let now: @Sendable () -> Int64
    let logger = Logger(label: "engage.mail")
    private var queue: [Job] = []
    private var running = false

    init(store: any Store, smtp: SMTPConfig?, retrySeconds: Int64, now: @escaping @Sendable () -> Int64) {
        self.store = store
        self.smtp = smtp
        self.retrySeconds = retrySeconds
        self.now = now
    }

    /// Messages waiting or being retried (counts only).
    var pending: Int { queue.count }

    func enqueue(_ jobs: [Job]) async throws {
        guard !jobs.isEmpty else { return }
        let mail = SurveyMail(store: store)
        for (key, group) in Dictionary(grouping: jobs, by: { "\($0.surveyID)\u{0}\($0.kind)" }) {
            let parts = key.split(separator: "\u{0}").map(String.init)
            try await mail.sending(surveyID: parts[0], employees: group.map(\.employeeID), kind: parts[1], now: now())
        }
        queue += jobs
        if !running {
            running = true
            Task { await drain() }
        }
    }

    private func drain() async {
        defer { running = false }
        let mail = SurveyMail(store: store)
        while !queue.isEmpty && !Task.isCancelled {
            let clock = ContinuousClock.now
            guard let i = queue.indices.first(where: { queue[$0].nextAt <= clock }) else {
                let next = queue.map(\.nextAt).min()!
                try? await Task.sleep(until: next, clock: .continuous)
                continue
            }
            var job = queue.remove(at: i)
            job.attempts += 1
            do {
                guard let smtp else { throw SMTPError("SMTP is not set up (engage serve --smtp-host …)") }
                guard let message = job.message else {
                    job.attempts = Self.maxAttempts
                    throw SMTPError("the employee's e-mail address is not a plain address (name@domain)")
                }
                try await SMTPClient(config: smtp).send(message)
                EngageMetrics.countMail("sent")
                try? await mail.sent(surveyID: job.surveyID, employee: job.employeeID, kind: job.kind, attempts: job.attempts, now: now())
            } catch {
                EngageMetrics.countMail("failed")
                let final = job.attempts >= Self.maxAttempts
                let wait = min(3_600, retrySeconds << min(job.attempts - 1, 12))
                // the log names the wave and the kind, never the employee or the link
                logger.error("survey \(job.kind) for wave \(job.surveyID) not sent (attempt \(job.attempts)\(final ? ", giving up: shown as failed on /surveys" : ", next in \(wait) s")): \(error)")
                try? await mail.failed(surveyID: job.surveyID, employee: job.employeeID, kind: job.kind, attempts: job.attempts,
                                       error: "\(error)", final: final, now: now())
                if !final {
                    job.nextAt = ContinuousClock.now + .seconds(wait)
                    queue.append(job)
                }
            }
        }
    }
}
