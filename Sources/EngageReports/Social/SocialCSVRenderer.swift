import EngageCore

/// `--format csv`: one row per account with every scalar metric of METRICS.md §1
/// (JSON keys as the header; `.` decimal point; empty where undefined).
public struct SocialCSVRenderer: Sendable {
    public init() {}

    static func field(_ s: String) -> String { CSVText.cell(s) }

    static func text(_ v: JSONValue) -> String {
        switch v {
        case .null: return ""
        case .string(let s): return s
        default: return v.serialized()
        }
    }

    public func render(_ r: SocialReport) -> String {
        let head = ["period_from", "period_to", "account_id", "network", "name", "competitor", "timezone"]
        let metricKeys = SocialMetrics(AccountFigures(), period: r.period, previous: nil).jsonFields.map(\.0)
        var lines = [(head + metricKeys).joined(separator: ",")]
        for a in r.accounts {
            var row = [r.period.from.description, r.period.to.description, a.account.accountID, a.account.network,
                       a.account.name ?? "", a.account.competitor ? "true" : "false", a.account.timezone]
            row += a.metrics.jsonFields.map { Self.text($0.1) }
            lines.append(row.map(Self.field).joined(separator: ","))
        }
        return lines.joined(separator: "\n")
    }
}
