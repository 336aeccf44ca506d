/// The ids people choose (a link code, a survey id): they appear in addresses and file
/// names, so they are 1 to 64 ASCII letters, digits, `-` or `_`.
public enum Identifier {
    public static let rule = "1 to 64 letters, digits, - or _"

    public static func isValid(_ s: String) -> Bool {
        (1...64).contains(s.count) && s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
    }
}
