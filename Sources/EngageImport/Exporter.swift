import EngageCore
import EngageStore
import Foundation

/// Writes the whole database back out as CONTRACT.md CSV files, in the formats the importer
/// reads: a user moves SQLite → PostgreSQL with `engage export` then `engage import`.
/// Instants are written in UTC (`2026-03-01T06:30:00Z`), money with two decimals.
public struct Exporter: Sendable {
    public var store: any Store

    public init(store: any Store) { self.store = store }

    enum Kind { case text, int, date, instant, money, bool, decimal }

    /// File → (table, order, [(csv column, table column, kind)]).
    static let files: [(file: String, table: String, order: [String], columns: [(String, String, Kind)])] = [
        ("accounts.csv", "accounts", ["account_id"], [
            ("account_id", "account_id", .text), ("network", "network", .text), ("name", "name", .text), ("handle", "handle", .text),
            ("competitor", "competitor", .bool), ("timezone", "timezone", .text)]),
        ("account_daily.csv", "account_daily", ["account_id", "day"], [
            ("account_id", "account_id", .text), ("date", "day", .date), ("followers", "followers", .int),
            ("new_followers", "new_followers", .int), ("unfollows", "unfollows", .int), ("reach", "reach", .int),
            ("reach_organic", "reach_organic", .int), ("reach_viral", "reach_viral", .int), ("reach_paid", "reach_paid", .int),
            ("impressions", "impressions", .int), ("page_views", "page_views", .int), ("unique_visitors", "unique_visitors", .int),
            ("engaged_users", "engaged_users", .int)]),
        ("account_periods.csv", "account_periods", ["account_id", "from_day", "to_day"], [
            ("account_id", "account_id", .text), ("from", "from_day", .date), ("to", "to_day", .date), ("reach", "reach", .int),
            ("reach_organic", "reach_organic", .int), ("reach_viral", "reach_viral", .int), ("reach_paid", "reach_paid", .int),
            ("unique_visitors", "unique_visitors", .int), ("engaged_users", "engaged_users", .int)]),
        ("posts.csv", "posts", ["post_id"], [
            ("post_id", "post_id", .text), ("account_id", "account_id", .text), ("published_at", "published_at", .instant),
            ("type", "type", .text), ("rubric", "rubric", .text), ("url", "url", .text), ("text", "text", .text),
            ("likes", "likes", .int), ("comments", "comments", .int), ("shares", "shares", .int), ("saves", "saves", .int),
            ("views", "views", .int), ("reach", "reach", .int), ("clicks", "clicks", .int), ("spend", "spend_cents", .money)]),
        ("costs.csv", "costs", ["day", "account_id", "note", "amount_cents", "occurrence"], [
            ("date", "day", .date), ("amount", "amount_cents", .money), ("account_id", "account_id", .text), ("note", "note", .text)]),
        ("messages.csv", "messages", ["message_id"], [
            ("message_id", "message_id", .text), ("account_id", "account_id", .text), ("received_at", "received_at", .instant),
            ("is_question", "is_question", .bool), ("replied_at", "replied_at", .instant)]),
        ("sessions.csv", "sessions", ["session_id"], [
            ("session_id", "session_id", .text), ("visitor_id", "visitor_id", .text), ("started_at", "started_at", .instant),
            ("utm_source", "utm_source", .text), ("utm_medium", "utm_medium", .text), ("utm_campaign", "utm_campaign", .text),
            ("utm_content", "utm_content", .text), ("utm_term", "utm_term", .text), ("referrer", "referrer", .text),
            ("landing_page", "landing_page", .text), ("converted", "converted", .bool),
            ("conversion_value", "conversion_value_cents", .money), ("lead", "lead", .bool)]),
    ]

    /// Social files, then the advocacy files from their import specs.
    static var allFiles: [(file: String, table: String, order: [String], columns: [(String, String, Kind)])] {
        files + AdvocacyTables.specs.map { spec in
            (spec.file, spec.table, spec.exportOrder ?? spec.key, spec.fields.map { f in
                let kind: Kind
                switch f.type {
                case .text, .oneOf, .url: kind = .text
                case .date: kind = .date
                case .instant: kind = .instant
                case .bool: kind = .bool
                case .count: kind = .int
                case .money: kind = .money
                case .score: kind = .decimal
                }
                // an interned value is read back from its table
                let column = spec.interned[f.column].map { internedColumn(spec.table, f.column, values: $0.table, id: $0.id, value: $0.value) }
                    ?? f.column
                return (f.name, column, kind)
            })
        }
    }

    /// Writes every file into `folder` (created if missing); returns rows per file.
    public func export(to folder: String) async throws -> [ImportSummary.FileResult] {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var out: [ImportSummary.FileResult] = []
        for f in Self.allFiles {
            let started = Date()
            let path = (folder as NSString).appendingPathComponent(f.file)
            guard FileManager.default.createFile(atPath: path, contents: nil), let h = FileHandle(forWritingAtPath: path) else {
                throw StoreError("cannot write \(path)")
            }
            var buffer = f.columns.map(\.0).joined(separator: ",") + "\n"
            var rows = 0
            try await store.forEachRow(table: f.table, columns: f.columns.map(\.1), orderBy: f.order) { values in
                // a day of a native export whose follower total is unknown: the contract needs one
                if f.table == "account_daily", values[2].isNull { return }
                buffer += zip(values, f.columns).map { Self.field($0, $1.2) }.joined(separator: ",") + "\n"
                rows += 1
                if buffer.utf8.count > 1 << 20 {
                    h.write(Data(buffer.utf8))
                    buffer = ""
                }
            }
            h.write(Data(buffer.utf8))
            try h.close()
            out.append(.init(file: f.file, rows: rows, seconds: Date().timeIntervalSince(started)))
        }
        out.append(try await exportResponses(to: (folder as NSString).appendingPathComponent("responses.csv")))
        return out
    }

    /// responses.csv: one row per stored response (its key as response_id; no strata or
    /// date: none is stored), one column per item id of every survey's questionnaire
    /// (yes/no items as yes/no, scored items by option id), plus enps and comment; in the
    /// order the importer reads. The groups go out as survey_tallies.csv.
    func exportResponses(to path: String) async throws -> ImportSummary.FileResult {
        let started = Date()
        let data = SurveyData(store: store)
        var items: [String] = []
        let surveys = try await data.surveys()
        for s in surveys {
            for i in Questionnaire(jsonText: s.questionnaireJSON)?.items ?? [] where !items.contains(i.id) { items.append(i.id) }
        }
        let head = ["survey_id", "response_id", "department", "is_manager", "age_band", "gender", "date", "enps", "comment"]
        var text = (head + items).joined(separator: ",") + "\n"
        var count = 0
        for s in surveys.sorted(by: { $0.id < $1.id }) {
            for (i, v) in try await data.vectors(surveyID: s.id).enumerated() {
                var cells = [Self.field(.text(s.id), .text), Self.field(.text("v\(i + 1)"), .text), "", "", "", "", "",
                             Self.field(v.answers["enps"].map { .text($0) } ?? .null, .text), Self.field(v.comment.map { .text($0) } ?? .null, .text)]
                cells += items.map { Self.field(v.answers[$0].map { .text($0) } ?? .null, .text) }
                text += cells.joined(separator: ",") + "\n"
                count += 1
            }
        }
        do { try text.write(toFile: path, atomically: true, encoding: .utf8) } catch { throw StoreError("cannot write \(path)") }
        return .init(file: "responses.csv", rows: count, seconds: Date().timeIntervalSince(started))
    }

    static func field(_ v: StoreValue, _ kind: Kind) -> String {
        switch (v, kind) {
        case (.null, _): return ""
        case (.int(let i), .date): return LocalDate(dayNumber: i).description
        case (.int(let i), .instant): return Int64(i).isoUTC
        case (.int(let i), .money): return String(format: "%@%d.%02d", i < 0 ? "-" : "", abs(i) / 100, abs(i) % 100)
        case (.int(let i), .bool): return i != 0 ? "true" : "false"
        case (.int(let i), _): return String(i)
        case (.double(let d), _): return "\(d)"
        case (.text(let s), _):
            if kind == .text, s.isEmpty { return "" }
            return CSVText.cell(s)
        }
    }
}
