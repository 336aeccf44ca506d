import EngageCore

/// What happened to each survey message (invitation or reminder) of a wave: `sending`,
/// `sent` or `failed` with the last error. Never the link: a message's token lives only in
/// the memory of the process sending it, so a message lost with its process is shown as
/// failed and sent again as a reminder (a new link), never silently dropped.
public struct SurveyMail: Sendable {
    let store: any Store
    public init(store: any Store) { self.store = store }

    public static let kinds = ["invitation", "reminder"]

    /// Marks messages as being sent (a new attempt of a kind replaces the last one's state).
    public func sending(surveyID: String, employees: [String], kind: String, now: Int64) async throws {
        guard !employees.isEmpty else { return }
        try await store.executeBatch("""
            INSERT INTO survey_mail (survey_id, employee_id, kind, status, attempts, last_error, updated_at) VALUES (?1, ?2, ?3, 'sending', 0, NULL, ?4)
            ON CONFLICT (survey_id, employee_id, kind) DO UPDATE SET status = 'sending', attempts = 0, last_error = NULL, updated_at = excluded.updated_at
            """, rows: employees.map { [.text(surveyID), .text($0), .text(kind), .int(Int(now))] })
    }

    public func sent(surveyID: String, employee: String, kind: String, attempts: Int, now: Int64) async throws {
        try await store.execute("""
            UPDATE survey_mail SET status = 'sent', attempts = ?4, last_error = NULL, updated_at = ?5 WHERE survey_id = ?1 AND employee_id = ?2 AND kind = ?3
            """, [.text(surveyID), .text(employee), .text(kind), .int(attempts), .int(Int(now))])
    }

    /// A failed attempt: `final` when no more will be made (else it stays `sending`).
    public func failed(surveyID: String, employee: String, kind: String, attempts: Int, error: String, final: Bool, now: Int64) async throws {
        try await store.execute("""
            UPDATE survey_mail SET status = ?4, attempts = ?5, last_error = ?6, updated_at = ?7 WHERE survey_id = ?1 AND employee_id = ?2 AND kind = ?3
            """, [.text(surveyID), .text(employee), .text(kind), .text(final ? "failed" : "sending"), .int(attempts), .text(String(error.prefix(500))), .int(Int(now))])
    }

    /// At start-up: messages a stopped process was still sending are failed (their links
    /// died with it). Returns how many.
    @discardableResult
    public func abandonSending(now: Int64) async throws -> Int {
        let r = try await store.executeAll([
            SQLStatement("SELECT COUNT(*) FROM survey_mail WHERE status = 'sending' AND updated_at < ?1", [.int(Int(now))]),
            SQLStatement("""
                UPDATE survey_mail SET status = 'failed', last_error = COALESCE(last_error, 'the server stopped before sending it'), updated_at = ?1
                WHERE status = 'sending' AND updated_at < ?1
                """, [.int(Int(now))]),
        ])
        return r.first?.first?.first?.int ?? 0
    }

    public struct Status: Sendable, Equatable {
        public var sent = 0, sending = 0, failed = 0
        public var lastError: String?
        public init() {}
    }

    /// Per survey: counts of messages by state, and the latest error.
    public func status() async throws -> [String: Status] {
        var out: [String: Status] = [:]
        for r in try await store.execute("SELECT survey_id, status, COUNT(*) FROM survey_mail GROUP BY survey_id, status") {
            let id = r[0].text ?? "", n = r[2].int ?? 0
            switch r[1].text {
            case "sent": out[id, default: Status()].sent += n
            case "sending": out[id, default: Status()].sending += n
            default: out[id, default: Status()].failed += n
            }
        }
        for r in try await store.execute("""
            SELECT survey_id, last_error FROM survey_mail WHERE status IN ('failed', 'sending') AND last_error IS NOT NULL ORDER BY updated_at
            """) {
            out[r[0].text ?? "", default: Status()].lastError = r[1].text
        }
        return out
    }
}
