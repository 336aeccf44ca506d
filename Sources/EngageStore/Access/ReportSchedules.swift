import EngageCore

/// A report mailed on a schedule.
public struct ReportSchedule: Sendable, Equatable {
    /// `social`, `advocacy` or `survey`.
    public var kind: String
    /// The wave, for `survey`.
    public var surveyID: String?
    /// `month` (the last calendar month, sent on the 1st) or `week` (Monday to Sunday, sent
    /// on Monday), at 07:00 UTC.
    public var every: String
    public var lang: String
    /// `html`, `pdf`, `csv` or `json`.
    public var format: String
    public var recipients: [String]
    public var id = 0
    public var createdBy = ""
    public var dueAt: Int64 = 0
    public var nextAt: Int64 = 0
    public var attempts = 0
    public var lastSentAt: Int64?
    public var lastError: String?

    public init(kind: String, surveyID: String? = nil, every: String, lang: String, format: String, recipients: [String]) {
        self.kind = kind
        self.surveyID = surveyID
        self.every = every
        self.lang = lang
        self.format = format
        self.recipients = recipients
    }

    public static let kinds = ["social", "advocacy", "survey"], everies = ["month", "week"], formats = ["html", "pdf", "csv", "json"]
    public static let maxRecipients = 50

    /// The first regular sending time after `t`: the 1st of the next month, or the next
    /// Monday, at 07:00 UTC.
    public static func nextRegular(after t: Int64, every: String) -> Int64 {
        let hour: Int64 = 7 * 3_600
        var d = LocalDate(utcInstant: t - hour)
        if every == "week" {
            d = d.adding(days: 8 - d.weekday)
        } else {
            let c = d.components
            d = c.month == 12 ? LocalDate(year: c.year + 1, month: 1, day: 1) : LocalDate(year: c.year, month: c.month + 1, day: 1)
        }
        return Int64(d.dayNumber) * 86_400 + hour
    }

    /// The period a run due at `due` reports on: the calendar month, or the Monday-to-Sunday
    /// week, before the day it is due.
    public static func period(due: Int64, every: String) -> Period {
        let day = LocalDate(utcInstant: due)
        if every == "week" {
            let monday = day.adding(days: 1 - day.weekday).adding(days: -7)
            return Period(from: monday, to: monday.adding(days: 6))
        }
        return Period.resolve(from: nil, to: nil, today: day)
    }
}

/// The schedules (`report_schedules`), written by admins and read by the sender.
public struct ReportSchedules: Sendable {
    public let store: any Store
    public init(store: any Store) { self.store = store }

    static let columns = "schedule_id, kind, survey_id, every, lang, format, recipients, created_by, created_at, due_at, next_at, attempts, last_sent_at, last_error"

    @discardableResult
    public func add(_ s: ReportSchedule, by: String, now: Int64) async throws -> Int {
        let due = ReportSchedule.nextRegular(after: now, every: s.every)
        return try await store.execute("""
            INSERT INTO report_schedules (kind, survey_id, every, lang, format, recipients, created_by, created_at, due_at, next_at)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9) RETURNING schedule_id
            """, [.text(s.kind), s.surveyID.map { .text($0) } ?? .null, .text(s.every), .text(s.lang), .text(s.format),
                  .text(s.recipients.joined(separator: ",")), .text(by), .int(Int(now)), .int(Int(due))]).first?.first?.int ?? 0
    }

    public func all() async throws -> [ReportSchedule] {
        try await store.execute("SELECT \(Self.columns) FROM report_schedules ORDER BY schedule_id").map(Self.schedule)
    }

    public func remove(id: Int) async throws {
        try await store.execute("DELETE FROM report_schedules WHERE schedule_id = ?1", [.int(id)])
    }

    /// "Send now": the current period again, at once.
    public func sendNow(id: Int, now: Int64) async throws {
        try await store.execute("UPDATE report_schedules SET next_at = ?1, due_at = CASE WHEN due_at > ?1 THEN ?1 ELSE due_at END WHERE schedule_id = ?2",
                                [.int(Int(now)), .int(id)])
    }

    /// Schedules due at `now`, each taken for this sender for `lease` seconds (another
    /// instance sees it moved and leaves it).
    public func takeDue(now: Int64, lease: Int64) async throws -> [ReportSchedule] {
        var taken: [ReportSchedule] = []
        for s in try await store.execute("SELECT \(Self.columns) FROM report_schedules WHERE next_at <= ?1 ORDER BY next_at LIMIT 20", [.int(Int(now))]).map(Self.schedule) {
            let moved = try await store.execute("""
                UPDATE report_schedules SET next_at = ?1 WHERE schedule_id = ?2 AND next_at = ?3 RETURNING schedule_id
                """, [.int(Int(now + lease)), .int(s.id), .int(Int(s.nextAt))])
            if !moved.isEmpty { taken.append(s) }
        }
        return taken
    }

    /// Sent: the next regular time after the one served.
    public func sent(_ s: ReportSchedule, now: Int64) async throws {
        let next = max(ReportSchedule.nextRegular(after: s.dueAt, every: s.every), ReportSchedule.nextRegular(after: now, every: s.every))
        try await store.execute("""
            UPDATE report_schedules SET due_at = ?1, next_at = ?1, attempts = 0, last_sent_at = ?2, last_error = NULL WHERE schedule_id = ?3
            """, [.int(Int(next)), .int(Int(now)), .int(s.id)])
    }

    /// Not sent: tried again at `retryAt`, the error kept for the admin's page.
    public func failed(_ s: ReportSchedule, error: String, retryAt: Int64) async throws {
        try await store.execute("""
            UPDATE report_schedules SET next_at = ?1, attempts = attempts + 1, last_error = ?2 WHERE schedule_id = ?3
            """, [.int(Int(retryAt)), .text(String(error.prefix(500))), .int(s.id)])
    }

    static func schedule(_ r: [StoreValue]) -> ReportSchedule {
        var s = ReportSchedule(kind: r[1].text ?? "", surveyID: r[2].text, every: r[3].text ?? "month", lang: r[4].text ?? "en",
                               format: r[5].text ?? "html", recipients: (r[6].text ?? "").split(separator: ",").map(String.init))
        s.id = r[0].int ?? 0
        s.createdBy = r[7].text ?? ""
        s.dueAt = Int64(r[9].int ?? 0)
        s.nextAt = Int64(r[10].int ?? 0)
        s.attempts = r[11].int ?? 0
        s.lastSentAt = r[12].int.map(Int64.init)
        s.lastError = r[13].text
        return s
    }
}
