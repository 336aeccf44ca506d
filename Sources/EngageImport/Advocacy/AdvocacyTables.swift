import EngageCore
import EngageStore

/// How a CSV field is read, stored and written back.
enum FieldType: Sendable {
    case text, date, instant, bool, count, money
    /// A decimal from 0 to `max` (SSI and its parts).
    case score(max: Int)
    /// One of these (lower case).
    case oneOf([String])
    /// An absolute http(s) URL.
    case url
}

/// A row's parsed values by field name, stored by the field's position in its spec. A spec
/// has a dozen fields at most, so a name is found by comparing it with each (short ASCII
/// strings compare as a couple of machine words), not by hashing it: the per-row
/// `[String: StoreValue]` this replaces spent a tenth of a click import hashing field names.
struct RowValues {
    let names: [String]
    var values: [StoreValue?]

    init(names: [String]) {
        self.names = names
        values = Array(repeating: nil, count: names.count)
    }

    subscript(_ name: String) -> StoreValue? {
        guard let i = names.firstIndex(of: name) else { return nil }
        return values[i]
    }
}

/// One CSV column of a table.
struct FieldSpec: Sendable {
    var name: String
    var column: String
    var type: FieldType
    var required: Bool
    /// The table and column a non-empty value must exist in (this import or an earlier one).
    var references: (table: String, column: String, noun: String)?

    init(_ name: String, _ type: FieldType, required: Bool = false, column: String? = nil,
         references: (table: String, column: String, noun: String)? = nil) {
        self.name = name
        self.column = column ?? name
        self.type = type
        self.required = required
        self.references = references
    }

    /// The error for a value that names no row of the referenced table.
    func unknown(_ id: String) -> String {
        "no \(references?.noun ?? name) '\(id)' (in \(references?.table ?? "").csv of this import or an earlier one)"
    }
}

/// A CSV file of CONTRACT.md §1 stored in one table through `ImportSession.upsert(table:…)`.
struct TableSpec: Sendable {
    var file: String
    var table: String
    /// Key columns (table names); rows with the same key update each other.
    var key: [String]
    var fields: [FieldSpec]
    /// The column a duplicate error points at.
    var idColumn: String
    /// Text fields stored as the id of their value in a table of distinct values (the field's
    /// `column` holds the id): column → (table, its id column, its value column).
    var interned: [String: (table: String, id: String, value: String)] = [:]
    /// The order `engage export` writes the rows in, if not the key's.
    var exportOrder: [String]?
    /// Checks across fields, on the parsed values (by field name); a message per failure.
    var checks: [@Sendable (_ v: RowValues) -> (field: String, message: String)?] = []
    /// Table columns written after the key, in order.
    var valueColumns: [String] {
        fields.map(\.column).filter { !key.contains($0) }
    }
}

private let employee = (table: "employees", column: "employee_id", noun: "employee")

/// `later` must not be earlier than `earlier` when both are given.
private func notBefore(_ later: String, _ earlier: String) -> @Sendable (RowValues) -> (field: String, message: String)? {
    { v in
        guard let a = v[later]?.int, let b = v[earlier]?.int, a < b else { return nil }
        return (later, "is earlier than \(earlier)")
    }
}

/// The advocacy files, in the order they are imported (what is referred to comes first).
enum AdvocacyTables {
    static let specs: [TableSpec] = [
        TableSpec(file: "employees.csv", table: "employees", key: ["employee_id"], fields: [
            FieldSpec("employee_id", .text, required: true), FieldSpec("name", .text), FieldSpec("email", .text),
            FieldSpec("department", .text), FieldSpec("title", .text), FieldSpec("is_manager", .bool),
            FieldSpec("hired_on", .date), FieldSpec("left_on", .date), FieldSpec("birth_year", .count), FieldSpec("gender", .text),
            FieldSpec("lang", .oneOf(["en", "ru"])),
        ], idColumn: "employee_id", checks: [notBefore("left_on", "hired_on"), { v in
            guard let y = v["birth_year"]?.int, !(1900...2100).contains(y) else { return nil }
            return ("birth_year", "\(y) is not a plausible year of birth")
        }]),
        TableSpec(file: "invitations.csv", table: "invitations", key: ["employee_id", "invited_at"], fields: [
            FieldSpec("employee_id", .text, required: true, references: employee), FieldSpec("invited_at", .instant, required: true),
            FieldSpec("cohort", .text), FieldSpec("joined_at", .instant),
        ], idColumn: "employee_id", checks: [notBefore("joined_at", "invited_at")]),
        TableSpec(file: "content.csv", table: "content", key: ["content_id"], fields: [
            FieldSpec("content_id", .text, required: true), FieldSpec("title", .text), FieldSpec("url", .url),
            FieldSpec("submitted_by", .text, references: employee), FieldSpec("submitted_at", .instant),
            FieldSpec("status", .oneOf(["submitted", "approved", "rejected", "published"])),
            FieldSpec("approved_at", .instant), FieldSpec("published_at", .instant),
        ], idColumn: "content_id", checks: [notBefore("approved_at", "submitted_at"), notBefore("published_at", "submitted_at")]),
        TableSpec(file: "shares.csv", table: "shares", key: ["share_id"], fields: [
            FieldSpec("share_id", .text, required: true), FieldSpec("employee_id", .text, required: true, references: employee),
            FieldSpec("shared_at", .instant, required: true),
            FieldSpec("content_id", .text, references: (table: "content", column: "content_id", noun: "content item")),
            FieldSpec("network", .text), FieldSpec("impressions", .count), FieldSpec("likes", .count), FieldSpec("comments", .count),
            FieldSpec("shares", .count), FieldSpec("clicks", .count),
        ], idColumn: "share_id"),
        TableSpec(file: "links.csv", table: "links", key: ["link_code"], fields: [
            FieldSpec("link_code", .text, required: true), FieldSpec("target", .url, required: true),
            FieldSpec("employee_id", .text, references: employee),
            FieldSpec("content_id", .text, references: (table: "content", column: "content_id", noun: "content item")),
            FieldSpec("utm_source", .text), FieldSpec("utm_medium", .text), FieldSpec("utm_campaign", .text),
            FieldSpec("utm_content", .text), FieldSpec("utm_term", .text), FieldSpec("created_at", .instant),
        ], idColumn: "link_code"),
        // read by `TableImport.clicks` into typed rows (`ImportedClick`): numbered by their
        // order in the file (no natural key), agents stored once, classed, credited to the
        // link's owner as of the import
        TableSpec(file: "clicks.csv", table: "clicks", key: ["link_code", "clicked_at", "visitor_hash", "occurrence"], fields: [
            FieldSpec("link_code", .text, required: true, references: (table: "links", column: "link_code", noun: "tracked link")),
            FieldSpec("clicked_at", .instant, required: true), FieldSpec("visitor_hash", .text),
            FieldSpec("user_agent", .text, column: "agent_id"), FieldSpec("referrer", .text),
        ], idColumn: "clicked_at", interned: ["agent_id": (table: "user_agents", id: "agent_id", value: "user_agent")],
        exportOrder: ["clicked_at", "link_code", "visitor_hash", "occurrence"]),
        TableSpec(file: "leads.csv", table: "leads", key: ["lead_id"], fields: [
            FieldSpec("lead_id", .text, required: true), FieldSpec("created_at", .instant, required: true), FieldSpec("source", .text),
            FieldSpec("utm_source", .text), FieldSpec("utm_medium", .text), FieldSpec("utm_campaign", .text),
            FieldSpec("utm_content", .text), FieldSpec("rep_id", .text), FieldSpec("stage", .text),
            FieldSpec("closed_at", .instant), FieldSpec("won", .bool), FieldSpec("value", .money, column: "value_cents"),
        ], idColumn: "lead_id", checks: [notBefore("closed_at", "created_at")]),
        TableSpec(file: "ssi.csv", table: "ssi", key: ["employee_id", "day"], fields: [
            FieldSpec("employee_id", .text, required: true, references: employee), FieldSpec("date", .date, required: true, column: "day"),
            FieldSpec("total", .score(max: 100), required: true), FieldSpec("brand", .score(max: 25)), FieldSpec("people", .score(max: 25)),
            FieldSpec("insights", .score(max: 25)), FieldSpec("relationships", .score(max: 25)),
        ], idColumn: "employee_id", checks: [{ v in
            // LinkedIn's SSI is the sum of its four parts
            let parts = ["brand", "people", "insights", "relationships"].compactMap { v[$0]?.double }
            guard parts.count == 4, let total = v["total"]?.double, abs(parts.reduce(0, +) - total) > 1 else { return nil }
            return ("total", "\(total) is not the sum of its four parts (\(parts.reduce(0, +)))")
        }]),
        TableSpec(file: "candidates.csv", table: "candidates", key: ["candidate_id"], fields: [
            FieldSpec("candidate_id", .text, required: true), FieldSpec("source", .text, required: true),
            FieldSpec("first_contact_at", .instant, required: true), FieldSpec("referred_by", .text, references: employee),
            FieldSpec("position", .text), FieldSpec("offer_accepted_at", .instant), FieldSpec("hired", .bool),
        ], idColumn: "candidate_id", checks: [notBefore("offer_accepted_at", "first_contact_at")]),
        // Earned media value per network and action, from a date (METRICS.md §3); `*` is
        // every network without a value of its own. Replaces the built-in default it matches.
        TableSpec(file: "emv_rates.csv", table: "emv_rates", key: ["network", "action", "from_day"], fields: [
            FieldSpec("network", .text, required: true), FieldSpec("action", .oneOf(EMVRates.Action.allCases.map(\.rawValue)), required: true),
            FieldSpec("value", .score(max: 1_000_000), required: true), FieldSpec("from", .date, required: true, column: "from_day"),
        ], idColumn: "network"),
        // employee surveys: the waves and their invitations (as `engage export` writes them,
        // so a database moves whole; waves are made with `engage survey create`)
        TableSpec(file: "surveys.csv", table: "surveys", key: ["survey_id"], fields: [
            FieldSpec("survey_id", .text, required: true), FieldSpec("name", .text, required: true),
            FieldSpec("questionnaire_id", .text, required: true), FieldSpec("questionnaire_version", .count, required: true),
            FieldSpec("method", .oneOf(["yes_no", "scored"]), required: true), FieldSpec("questionnaire", .text, required: true),
            FieldSpec("created_at", .instant, required: true), FieldSpec("closes_on", .date), FieldSpec("closed_at", .instant),
        ], idColumn: "survey_id", checks: [{ v in
            guard let text = v["questionnaire"]?.text, Questionnaire(jsonText: text) == nil else { return nil }
            return ("questionnaire", "not a questionnaire as engage export writes it (JSON)")
        }]),
        TableSpec(file: "survey_invitations.csv", table: "survey_invitations", key: ["token_hash"], fields: [
            FieldSpec("token_hash", .text, required: true),
            FieldSpec("survey_id", .text, required: true, references: (table: "surveys", column: "survey_id", noun: "survey")),
            FieldSpec("employee_id", .text, required: true, references: employee), FieldSpec("department", .text),
            FieldSpec("is_manager", .bool), FieldSpec("age_band", .text), FieldSpec("gender", .text),
            FieldSpec("invited_on", .date, required: true), FieldSpec("used", .bool, required: true),
            FieldSpec("reminder_hash", .text),
        ], idColumn: "token_hash"),
        // employee surveys: HR figures per department and period, corporate events
        TableSpec(file: "hr_metrics.csv", table: "hr_metrics", key: ["department", "period"], fields: [
            FieldSpec("department", .text, required: true), FieldSpec("period", .text, required: true), FieldSpec("headcount", .count),
            FieldSpec("turnover_pct", .score(max: 100)), FieldSpec("absenteeism_pct", .score(max: 100)),
            FieldSpec("productivity", .score(max: 1_000_000_000)),
        ], idColumn: "department"),
        TableSpec(file: "events.csv", table: "events", key: ["event_id"], fields: [
            FieldSpec("event_id", .text, required: true), FieldSpec("date", .date, required: true, column: "day"),
            FieldSpec("invited", .count, required: true), FieldSpec("attended", .count, required: true), FieldSpec("name", .text),
        ], idColumn: "event_id", checks: [{ v in
            guard let a = v["attended"]?.int, let i = v["invited"]?.int, a > i else { return nil }
            return ("attended", "\(a) is more than the \(i) invited")
        }]),
        // survey groups as stored (engage export writes them; docs/privacy.md): additive
        // tallies per breakdown, and comments per department
        TableSpec(file: "survey_tallies.csv", table: "survey_tallies", key: ["survey_id", "dimension", "grp", "measure"], fields: [
            FieldSpec("survey_id", .text, required: true, references: (table: "surveys", column: "survey_id", noun: "survey")),
            FieldSpec("dimension", .oneOf(["department", "role", "age_band", "gender"]), required: true),
            FieldSpec("group", .text, required: true, column: "grp"), FieldSpec("measure", .text, required: true),
            FieldSpec("value", .score(max: 1_000_000_000_000), required: true),
        ], idColumn: "measure"),
        TableSpec(file: "survey_comments.csv", table: "survey_comments", key: ["comment_key"], fields: [
            FieldSpec("comment_key", .text, required: true),
            FieldSpec("survey_id", .text, required: true, references: (table: "surveys", column: "survey_id", noun: "survey")),
            FieldSpec("department", .text, required: true), FieldSpec("text", .text, required: true),
        ], idColumn: "comment_key"),
    ]

    static let files = specs.map(\.file)
}
