/// Value parsers over a field's bytes. Each returns nil when the text is not of its kind;
/// the caller turns that into a `file:line:column` error naming the column.
enum Values {
    @inline(__always)
    static func isSeparatorSpace(_ b: ArraySlice<UInt8>, _ i: Int) -> Int {
        // ASCII space, NBSP (C2 A0), narrow NBSP (E2 80 AF): thousands separators in Russian exports
        let c = b[i]
        if c == 32 || c == 39 { return 1 }
        if c == 0xC2, i + 1 < b.endIndex, b[i + 1] == 0xA0 { return 2 }
        if c == 0xE2, i + 2 < b.endIndex, b[i + 1] == 0x80, b[i + 2] == 0xAF { return 3 }
        return 0
    }

    /// A whole number, optionally signed, with optional thousands separators (spaces).
    static func int(_ b: ArraySlice<UInt8>) -> Int? {
        var i = b.startIndex
        let end = b.endIndex
        guard i < end else { return nil }
        var neg = false
        if b[i] == 45 || b[i] == 43 { neg = b[i] == 45; i += 1 }
        var v = 0, digits = 0
        while i < end {
            let c = b[i]
            if c >= 48 && c <= 57 {
                let (m, o1) = v.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(Int(c - 48))
                if o1 || o2 { return nil }
                v = a
                digits += 1
                i += 1
            } else {
                let s = isSeparatorSpace(b, i)
                guard s > 0, digits > 0 else { return nil }
                i += s
            }
        }
        guard digits > 0 else { return nil }
        return neg ? -v : v
    }

    /// A decimal amount in hundredths (cents), rounded half away from zero. Accepts `.` as
    /// the decimal point, and `,` too when the file uses a decimal comma.
    static func cents(_ b: ArraySlice<UInt8>, decimalComma: Bool) -> Int? {
        var i = b.startIndex
        let end = b.endIndex
        guard i < end else { return nil }
        var neg = false
        if b[i] == 45 || b[i] == 43 { neg = b[i] == 45; i += 1 }
        var whole = 0, digits = 0, frac = 0, fracDigits = 0, roundUp = false
        var inFrac = false
        while i < end {
            let c = b[i]
            if c >= 48 && c <= 57 {
                if inFrac {
                    if fracDigits < 2 { frac = frac * 10 + Int(c - 48) } else if fracDigits == 2 { roundUp = c >= 53 }
                    fracDigits += 1
                } else {
                    let (m, o1) = whole.multipliedReportingOverflow(by: 10)
                    let (a, o2) = m.addingReportingOverflow(Int(c - 48))
                    if o1 || o2 || a > Int.max / 1000 { return nil }
                    whole = a
                }
                digits += 1
                i += 1
            } else if !inFrac && (c == 46 || (decimalComma && c == 44)) {
                inFrac = true
                i += 1
            } else {
                let s = isSeparatorSpace(b, i)
                guard s > 0, !inFrac, digits > 0 else { return nil }
                i += s
            }
        }
        guard digits > 0 else { return nil }
        if fracDigits == 1 { frac *= 10 }
        let v = whole * 100 + frac + (roundUp ? 1 : 0)
        return neg ? -v : v
    }

    /// true/false, 1/0, yes/no, да/нет (any case).
    static func bool(_ b: ArraySlice<UInt8>) -> Bool? {
        switch String(decoding: b, as: UTF8.self).lowercased() {
        case "true", "1", "yes", "y", "да", "д": return true
        case "false", "0", "no", "n", "нет", "н": return false
        default: return nil
        }
    }
}
