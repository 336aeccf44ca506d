/// A JSON string literal, written by hand so output is the same on every platform (key
/// order and escaping of JSONSerialization differ between them).
public enum JSONText {
    /// Appends `s` as a quoted JSON string: `"`, `\` and control characters escaped.
    public static func quote(_ s: String, into out: inout String) {
        out += "\""
        if !s.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) {
            out += s
            out += "\""
            return
        }
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        out += "\""
    }

    /// A flat object of strings, keys sorted.
    public static func object(_ d: [String: String]) -> String {
        var out = "{"
        for (i, (k, v)) in d.sorted(by: { $0.key < $1.key }).enumerated() {
            if i > 0 { out += "," }
            quote(k, into: &out)
            out += ":"
            quote(v, into: &out)
        }
        return out + "}"
    }
}
