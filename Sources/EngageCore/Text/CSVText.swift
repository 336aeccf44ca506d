/// How Engage writes a CSV cell, in every file it writes (reports, exports, link lists).
///
/// A text a spreadsheet would run as a formula — one starting with `=`, `+`, `-`, `@`, a
/// tab or a carriage return (OWASP's CSV injection list) — gets a leading apostrophe, which
/// spreadsheets show as text; plain numbers (`-5`, `+3.2`) are left as they are. A cell
/// with a delimiter, a quote, a line break or spaces at its ends is quoted. The importer
/// takes one such apostrophe off again (`restored`), so an export imports back unchanged.
public enum CSVText {
    static let triggers: Set<Character> = ["=", "+", "-", "@", "\t", "\r"]

    /// The cell as written.
    public static func cell(_ s: String) -> String {
        quoted(neutralised(s))
    }

    /// `s` with a leading apostrophe when a spreadsheet would read it as a formula (or when
    /// it already starts with an apostrophe before such a character, so that `restored`
    /// gives it back whole).
    public static func neutralised(_ s: String) -> String {
        // most cells start with a letter or a digit: decided on the first byte
        guard let b = s.utf8.first, b == UInt8(ascii: "'") || b == UInt8(ascii: "=") || b == UInt8(ascii: "+") || b == UInt8(ascii: "-")
            || b == UInt8(ascii: "@") || b == UInt8(ascii: "\t") || b == UInt8(ascii: "\r") else { return s }
        let rest = s.drop { $0 == "'" }
        guard let first = rest.first, triggers.contains(first), Double(rest) == nil else { return s }
        return "'" + s
    }

    /// The text a cell written by `neutralised` stood for.
    public static func restored(_ s: String) -> String {
        guard s.first == "'" else { return s }
        let inner = String(s.dropFirst())
        return neutralised(inner) == s ? inner : s
    }

    /// Quoted (inner quotes doubled) when it holds a comma, semicolon, quote or line break,
    /// or starts or ends with a space.
    public static func quoted(_ s: String) -> String {
        let u = s.utf8
        let needs = u.contains(where: { $0 == 44 || $0 == 59 || $0 == 34 || $0 == 10 || $0 == 13 }) || u.first == 32 || u.last == 32
        return needs ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }
}
