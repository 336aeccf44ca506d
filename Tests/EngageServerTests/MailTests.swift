import EngageCore
import EngageServer
import EngageStore
import EngageTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// The mail sender's parts that need no server (the SMTP exchange itself is
/// scripts/mail_test.py's, against aiosmtpd): messages, addresses, the schedule's clock.
@Suite struct MailTests {
    @Test func messagesAreMIMEWithTheirAttachment() throws {
        let m = MailMessage(from: "reports@example.com", to: ["a@example.com", "b@example.com"], subject: "Отчёт за ноябрь",
                            text: "Привет\n.\nend", attachments: [.init(filename: "r.csv", contentType: "text/csv", data: Data("a,b\n1,2\n".utf8))])
        let s = m.encoded(date: Date(timeIntervalSince1970: 1_764_547_200), messageID: "x1")
        #expect(s.contains("Subject: =?UTF-8?B?\(Data("Отчёт за ноябрь".utf8).base64EncodedString())?=\r\n"))
        #expect(s.contains("To: a@example.com, b@example.com\r\n") && s.contains("Date: Mon, 01 Dec 2025 00:00:00 +0000\r\n"))
        #expect(s.contains("Content-Type: multipart/mixed; boundary=\"engage-x1\"") && s.hasSuffix("--engage-x1--\r\n"))
        #expect(s.contains("Content-Disposition: attachment; filename=\"r.csv\"\r\n\r\n\(Data("a,b\n1,2\n".utf8).base64EncodedString())\r\n"))
        // the text is base64: a line holding a single dot cannot end the DATA early
        #expect(!s.contains("\r\n.\r\n"))
        // a header cannot be split by a subject with line breaks
        #expect(!MailMessage(from: "r@example.com", to: ["a@example.com"], subject: "x\r\nBcc: evil@example.com", text: "").encoded().contains("\r\nBcc:"))
    }

    @Test func onlyPlainAddressesAreAccepted() {
        #expect(MailMessage.isAddress("ann@zerno.example"))
        for bad in ["ann", "ann@", "@zerno.example", "ann@zerno", "a b@zerno.example", "ann@zerno.example>", "a@b.c,d@e.f", "ann@zerno.example\r\nRCPT TO:<x@y.z>", "a@.example"] {
            #expect(!MailMessage.isAddress(bad), "\(bad)")
        }
    }

    /// Monthly: the 1st at 07:00 UTC, reporting on the calendar month before; weekly: Monday
    /// 07:00 UTC, reporting on Monday to Sunday before.
    @Test func schedulesRunOnTheirDayAndReportOnThePeriodBefore() {
        func t(_ y: Int, _ m: Int, _ d: Int, _ h: Int = 0) -> Int64 { Int64(LocalDate(year: y, month: m, day: d).dayNumber) * 86_400 + Int64(h) * 3_600 }
        #expect(ReportSchedule.nextRegular(after: t(2026, 11, 23, 12), every: "month") == t(2026, 12, 1, 7))
        #expect(ReportSchedule.nextRegular(after: t(2026, 12, 1, 6), every: "month") == t(2026, 12, 1, 7), "before 07:00 on the 1st: today")
        #expect(ReportSchedule.nextRegular(after: t(2026, 12, 1, 7), every: "month") == t(2027, 1, 1, 7), "at 07:00 itself: the next month")
        // 2026-11-23 is a Monday
        #expect(ReportSchedule.nextRegular(after: t(2026, 11, 23, 8), every: "week") == t(2026, 11, 30, 7))
        #expect(ReportSchedule.nextRegular(after: t(2026, 11, 23, 6), every: "week") == t(2026, 11, 23, 7))
        #expect(ReportSchedule.nextRegular(after: t(2026, 11, 26, 12), every: "week") == t(2026, 11, 30, 7))
        #expect(ReportSchedule.period(due: t(2027, 1, 1, 7), every: "month") == Period(from: LocalDate(year: 2026, month: 12, day: 1), to: LocalDate(year: 2026, month: 12, day: 31)))
        #expect(ReportSchedule.period(due: t(2026, 11, 30, 7), every: "week") == Period(from: LocalDate(year: 2026, month: 11, day: 23), to: LocalDate(year: 2026, month: 11, day: 29)))
        // a retry days later still reports on the period it was due for
        #expect(ReportSchedule.period(due: t(2026, 12, 1, 7), every: "month") == Period(from: LocalDate(year: 2026, month: 11, day: 1), to: LocalDate(year: 2026, month: 11, day: 30)))
    }

    /// Admins only; a schedule is taken by one sender at a time; "send now" makes it due.
    @Test(arguments: engines) func schedulesAreForAdminsAndTakenOnce(engine: Engine) async throws {
        try await withFixture(engine) { f, client in
            let viewer = try await signedIn(client, "vera")
            #expect(try await client.execute(uri: "/schedules", method: .get, headers: viewer).status == .forbidden)
            let admin = try await signedIn(client, "ada")
            let page = try await client.execute(uri: "/schedules", method: .get, headers: admin)
            #expect(page.status == .ok && page.text.contains("No mail server is configured"))
            let csrf = try csrfToken(page)
            let tooMany = (0...ReportSchedule.maxRecipients).map { "p\($0)@example.com" }.joined(separator: ",")
            for (body, status) in [("kind=social&every=month&lang=en&format=html&recipients=" + tooMany, HTTPResponse.Status.unprocessableContent),
                                   ("kind=survey&every=month&lang=en&format=html&recipients=a%40example.com", .unprocessableContent),
                                   ("kind=social&every=year&lang=en&format=html&recipients=a%40example.com", .unprocessableContent),
                                   ("kind=social&every=week&lang=ru&format=csv&recipients=a%40example.com%0Ab%40example.com", .seeOther)] {
                let r = try await client.execute(uri: "/schedules", method: .post, headers: admin, body: ByteBuffer(string: "csrf=\(csrf)&" + body))
                #expect(r.status == status, "\(body.prefix(60))")
            }
            let schedules = ReportSchedules(store: f.store)
            let s = try #require(try await schedules.all().first)
            #expect(s.recipients == ["a@example.com", "b@example.com"] && s.createdBy == "ada" && s.dueAt == s.nextAt && s.nextAt > testNow)
            #expect(try await schedules.takeDue(now: testNow, lease: 600).isEmpty, "not due yet")
            _ = try await client.execute(uri: "/schedules/\(s.id)/send", method: .post, headers: admin, body: ByteBuffer(string: "csrf=\(csrf)"))
            async let a = schedules.takeDue(now: testNow, lease: 600)
            async let b = schedules.takeDue(now: testNow, lease: 600)
            let (ta, tb) = try await (a, b)
            #expect(ta.count + tb.count == 1, "two senders at once: one takes it")
            let taken = try #require((ta + tb).first)
            try await schedules.failed(taken, error: "connection refused", retryAt: testNow + 60)
            let after = try await client.execute(uri: "/schedules", method: .get, headers: admin)
            #expect(after.text.contains("not sent, will try again (1): connection refused"))
            try await schedules.sent(taken, now: testNow + 60)
            let sent = try #require(try await schedules.all().first)
            #expect(sent.lastError == nil && sent.attempts == 0 && sent.lastSentAt == testNow + 60 && sent.dueAt > testNow + 60)
            _ = try await client.execute(uri: "/schedules/\(s.id)/delete", method: .post, headers: admin, body: ByteBuffer(string: "csrf=\(csrf)"))
            #expect(try await schedules.all().isEmpty)
        }
    }
}
