import EngageCore
import EngageStore

/// The click tables of a period: human clicks and distinct visitors per (tracked link, day)
/// and per (advocate, day), days cut in the organisation's zone, sorted by day then key.
public struct ClickTables: Sendable {
    public struct Row: Sendable, Equatable {
        public var key: String
        public var date: LocalDate
        public var clicks: Int
        public var uniqueVisitors: Int
        public init(key: String, date: LocalDate, clicks: Int, uniqueVisitors: Int) {
            self.key = key
            self.date = date
            self.clicks = clicks
            self.uniqueVisitors = uniqueVisitors
        }
    }

    public var period: Period
    public var timeZone: String
    public var links: [Row]
    public var employees: [Row]

    public static func build(store: any Store, period: Period, timeZone: String? = nil) async throws -> ClickTables {
        try period.checkLength()
        let (zoneName, from, to, shift) = try await Settings(store: store).periodCut(period, override: timeZone)
        let data = AdvocacyData(store: store)
        func sorted(_ rows: [Row]) -> [Row] { rows.sorted { ($0.date, $0.key) < ($1.date, $1.key) } }
        let links = try await data.linkClickDays(from: from, to: to, shift: shift).map {
            Row(key: $0.linkCode, date: LocalDate(dayNumber: $0.day), clicks: $0.clicks, uniqueVisitors: $0.uniqueVisitors)
        }
        let employees = try await data.employeeClickDays(from: from, to: to, shift: shift).map {
            Row(key: $0.employeeID, date: LocalDate(dayNumber: $0.day), clicks: $0.clicks, uniqueVisitors: $0.uniqueVisitors)
        }
        return ClickTables(period: period, timeZone: zoneName, links: sorted(links), employees: sorted(employees))
    }

    /// `{"period", "timezone", "links": [[link_code, day, clicks, unique_visitors]], "employees": [[employee_id, …]]}`:
    /// rows as arrays, since a year of a large program has hundreds of thousands of them.
    public var json: JSONValue {
        func rows(_ rs: [Row]) -> JSONValue {
            .array(rs.map { .array([.string($0.key), .string($0.date.description), .int($0.clicks), .int($0.uniqueVisitors)]) })
        }
        return .object([
            ("period", .object([("from", .string(period.from.description)), ("to", .string(period.to.description))])),
            ("timezone", .string(timeZone)), ("columns", .array(["key", "day", "clicks", "unique_visitors"].map(JSONValue.string))),
            ("links", rows(links)), ("employees", rows(employees)),
        ])
    }

    /// `json`, serialized directly (the same text as `json.serialized()`, without building
    /// the tree: a year of clicks has hundreds of thousands of rows).
    public var jsonText: String {
        var out = "{\"period\":{\"from\":\"\(period.from)\",\"to\":\"\(period.to)\"},\"timezone\":"
        JSONValue.escape(timeZone, into: &out)
        out += ",\"columns\":[\"key\",\"day\",\"clicks\",\"unique_visitors\"]"
        out.reserveCapacity((links.count + employees.count) * 44 + 200)
        for (name, rs) in [("links", links), ("employees", employees)] {
            out += ",\"\(name)\":["
            for (i, r) in rs.enumerated() {
                if i > 0 { out += "," }
                out += "["
                JSONValue.escape(r.key, into: &out)
                out += ",\"\(r.date)\",\(r.clicks),\(r.uniqueVisitors)]"
            }
            out += "]"
        }
        return out + "}"
    }

    public var csv: String {
        var out = "table,key,day,clicks,unique_visitors\n"
        out.reserveCapacity((links.count + employees.count) * 40)
        for (name, rs) in [("link", links), ("employee", employees)] {
            for r in rs {
                let key = CSVText.cell(r.key)
                out += "\(name),\(key),\(r.date),\(r.clicks),\(r.uniqueVisitors)\n"
            }
        }
        return out
    }
}
