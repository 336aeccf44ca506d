import EngageCore
import Foundation

/// What every HTML report shares: the stylesheet, the self-contained page around a report
/// (inline CSS and SVG, no scripts, no network fetches), tables, and a value carrying its
/// formula and inputs as a tooltip.
public enum HTMLPage {
    public static let css = """
        :root{--fg:#111827;--muted:#6b7280;--line:#e5e7eb;--accent:#2563eb;--warn:#b45309;--bg:#fff;--card:#f9fafb}
        *{box-sizing:border-box}body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:var(--fg);background:var(--bg);margin:0}
        main{max-width:1100px;margin:0 auto;padding:24px}h1{font-size:26px;margin:0 0 4px}h2{font-size:20px;margin:36px 0 8px;padding-top:12px;border-top:2px solid var(--line)}
        h3{font-size:15px;margin:22px 0 8px;color:#374151}.muted{color:var(--muted)}
        table{border-collapse:collapse;width:100%;margin:6px 0 12px;font-variant-numeric:tabular-nums}th,td{padding:5px 8px;white-space:nowrap;border-bottom:1px solid var(--line);text-align:right;vertical-align:top}
        th:first-child,td:first-child{text-align:left}th{font-weight:600;color:#374151;background:var(--card)}
        .kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:10px;margin:10px 0}
        .kpi .d{font-size:12px;margin-top:4px}.kpi .d.up{color:#047857}.kpi .d.down{color:#b91c1c}.kpi .d.na,.kpi .d.same{color:var(--muted)}.kpi .d .prev{display:block;color:var(--muted)}
        .kpi{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px 12px}.kpi .v{font-size:22px;font-weight:650}.kpi .k{color:var(--muted);font-size:12px}
        .warn{background:#fffbeb;border:1px solid #fcd34d;color:var(--warn);border-radius:8px;padding:10px 12px;margin:10px 0}
        .note{background:#f8fafc;border:1px solid #cbd5e1;border-radius:8px;padding:8px 12px;margin:10px 0;font-size:14px}.note ul{margin:4px 0 0 18px;padding:0}
        .charts{display:flex;flex-wrap:wrap;gap:16px}.chart{max-width:100%;height:auto}.chart .grid{stroke:var(--line)}.chart .lbl{font-size:10px;fill:var(--muted)}
        figure{margin:0}figcaption{font-size:12px;color:var(--muted);margin-bottom:2px}
        [title]{text-decoration:underline dotted #9ca3af;text-underline-offset:3px;cursor:help}
        .formulas{font-size:12px;color:#374151}.formulas li{margin:2px 0}.tag{font-size:11px;background:#eef2ff;color:#3730a3;border-radius:4px;padding:1px 6px;margin-left:6px}
        .scroll{overflow-x:auto}.scroll table{font-size:13px}.cols{display:grid;grid-template-columns:repeat(auto-fit,minmax(240px,1fr));gap:16px}.cols>div{min-width:0;overflow-x:auto}
        .tip:focus{outline:2px solid var(--accent);outline-offset:1px}.tip:focus::after{content:attr(title);display:block;font-size:12px;font-weight:400;line-height:1.35;color:#374151;background:#f3f4f6;border-radius:4px;padding:3px 6px;margin-top:3px;white-space:normal;text-align:left;overflow-wrap:anywhere}
        @media print{.tip:focus::after{content:none}main{padding:0}h2{break-before:page}.chart,table,.kpis{break-inside:avoid}[title]{text-decoration:none}}
        """

    /// A whole page: `body` inside `<main>`, with the stylesheet and `css` after it.
    public static func document(lang: Language, title: String, css extra: String = "", _ body: String) -> String {
        "<!doctype html><html lang=\"\(lang.rawValue)\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
            + "<title>\(htmlEscape(title))</title><style>\(css)\(extra)</style></head><body><main>" + body + "</main></body></html>\n"
    }

    /// A value with its formula as a tooltip (the text alone when there is none). On a touch
    /// screen, where nothing hovers, a tap focuses it and the formula opens under it (`.tip`).
    public static func value(_ text: String, _ formula: String?) -> String {
        guard let formula else { return htmlEscape(text) }
        return "<span class=\"tip\" tabindex=\"0\" title=\"\(htmlEscape(formula))\">\(htmlEscape(text))</span>"
    }

    /// A chart axis label: `dd.mm`.
    public static func shortDate(_ d: LocalDate) -> String {
        let c = d.components
        return String(format: "%02d.%02d", c.day, c.month)
    }

    /// A table: the header escaped, the cells as given (already HTML). Each cell carries its
    /// column's name (`data-label`): on a narrow screen a row is a card of labelled values.
    public static func table(_ header: [String], _ rows: [[String]]) -> String {
        let labels = header.map { " data-label=\"\(htmlEscape($0))\"" }
        return "<table><thead><tr>" + header.map { "<th>\(htmlEscape($0))</th>" }.joined() + "</tr></thead><tbody>"
            + rows.map { row in "<tr>" + row.enumerated().map { "<td\($0.offset < labels.count ? labels[$0.offset] : "")>\($0.element)</td>" }.joined() + "</tr>" }.joined()
            + "</tbody></table>"
    }
}
