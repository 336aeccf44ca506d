import EngageCore
import Foundation

/// Markdown, CSV and HTML for reports without a layout of their own: the JSON's scalar keys
/// as one table, each array of objects as a table of its own, nested objects flattened.
public struct GenericRenderer: Sendable {
    public let title: String
    public init(title: String) { self.title = title }

    struct Table {
        var name: String
        var header: [String]
        var rows: [[String]]
    }

    func tables(_ v: JSONValue) -> [Table] {
        guard case .object(let kv) = v else { return [] }
        var scalars: [[String]] = []
        var out: [Table] = []
        func flat(_ prefix: String, _ v: JSONValue) {
            switch v {
            case .object(let inner): for (k, x) in inner { flat(prefix + "." + k, x) }
            case .array(let items):
                var header: [String] = []
                for case .object(let row) in items { for (k, _) in row where !header.contains(k) { header.append(k) } }
                let rows: [[String]] = items.map { item in
                    guard case .object(let row) = item else { return [cell(item)] }
                    return header.map { h in row.first { $0.0 == h }.map { cell($0.1) } ?? "" }
                }
                out.append(Table(name: prefix, header: header, rows: rows))
            default: scalars.append([prefix, cell(v)])
            }
        }
        for (k, x) in kv { flat(k, x) }
        return [Table(name: title, header: ["metric", "value"], rows: scalars)] + out
    }

    func cell(_ v: JSONValue) -> String {
        switch v {
        case .null: return "—"
        case .double(let d): return String(format: "%.2f", d)
        case .object, .array: return v.serialized()
        default:
            let s = v.serialized()
            return s.hasPrefix("\"") ? String(s.dropFirst().dropLast()) : s
        }
    }

    public func markdown(_ v: JSONValue) -> String {
        var parts: [String] = []
        for t in tables(v) {
            var s = "## \(t.name)\n\n| " + t.header.joined(separator: " | ") + " |\n"
            s += "|" + Array(repeating: "---", count: t.header.count).joined(separator: "|") + "|\n"
            for row in t.rows {
                let cells: [String] = row.map { $0.replacingOccurrences(of: "|", with: "\\|") }
                s += "| " + cells.joined(separator: " | ") + " |\n"
            }
            parts.append(s)
        }
        return parts.joined(separator: "\n")
    }

    public func csv(_ v: JSONValue) -> String {
        let q = CSVText.cell
        return tables(v).map { t in
            "# \(t.name)\n" + t.header.map(q).joined(separator: ",") + "\n" + t.rows.map { $0.map(q).joined(separator: ",") + "\n" }.joined()
        }.joined(separator: "\n")
    }

    public func html(_ v: JSONValue) -> String {
        var s = "<!doctype html><html><head><meta charset=\"utf-8\"><title>\(htmlEscape(title))</title><style>\(HTMLPage.css)</style></head><body><main>"
        s += "<h1>\(htmlEscape(title))</h1>"
        for t in tables(v) {
            s += "<h2>\(htmlEscape(t.name))</h2><div class=\"scroll\">" + HTMLPage.table(t.header, t.rows.map { $0.map(htmlEscape) }) + "</div>"
        }
        return s + "</main></body></html>\n"
    }
}
