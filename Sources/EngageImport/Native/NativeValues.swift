import EngageCore
import EngageStore
import Foundation

/// Values as the networks write them: counts with thousands separators or a `.0`,
/// dates in each network's own order, localized month names.
enum NativeValue {
    enum Parsed<T> { case value(T), empty, bad }

    /// A count: `1234`, `1,234`, `1 234`, `1.234` (thousands), `1203.0`; empty, `-`, `N/A`,
    /// `undefined` and `--` are empty. Negative values are kept (TikTok's deleted comments).
    static func count(_ raw: String) -> Parsed<Int> {
        // the common case first: plain digits
        var fast = 0, digits = 0
        for b in raw.utf8 {
            guard b >= 48, b <= 57, digits < 13 else { digits = -1; break }
            fast = fast * 10 + Int(b - 48)
            digits += 1
        }
        if digits > 0 { return fast <= Limits.maxCount ? .value(fast) : .bad }
        var s = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if s.isEmpty || ["-", "--", "n/a", "undefined", "null", "—"].contains(s.lowercased()) { return .empty }
        s = s.replacingOccurrences(of: "\u{00A0}", with: "").replacingOccurrences(of: "\u{202F}", with: "").replacingOccurrences(of: " ", with: "")
        var negative = false
        if s.hasPrefix("-") { negative = true; s.removeFirst() }
        // thousands separators (1,234 · 1.234 · 1,234,567), then a fraction of zeros (1203.0, 1,203.00)
        if s.range(of: #"^\d{1,3}([,.]\d{3})+$"#, options: .regularExpression) != nil {
            s = s.filter(\.isNumber)
        } else if let r = s.range(of: #"[.,]0{1,2}$|[.,]0{4,}$"#, options: .regularExpression) {
            s = String(s[..<r.lowerBound])
            if s.range(of: #"^\d{1,3}([,.]\d{3})+$"#, options: .regularExpression) != nil { s = s.filter(\.isNumber) }
        }
        guard !s.isEmpty, s.allSatisfy({ $0.isASCII && $0.isNumber }), s.count <= 13, let v = Int(s), v <= Limits.maxCount else { return .bad }
        return .value(negative ? -v : v)
    }

    static let englishMonths = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    /// Month names and their common forms: English, Russian (nominative and genitive),
    /// Swedish, German, Spanish, Portuguese.
    static let monthNames: [String: Int] = {
        var m: [String: Int] = [:]
        let lists: [[String]] = [
            ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"],
            englishMonths, ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sept", "oct", "nov", "dec"],
            ["январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь"],
            ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря"],
            ["янв", "фев", "мар", "апр", "мая", "июн", "июл", "авг", "сен", "окт", "ноя", "дек"],
            ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober", "november", "december"],
            ["januar", "februar", "märz", "april", "mai", "juni", "juli", "august", "september", "oktober", "november", "dezember"],
            ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"],
            ["janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro", "outubro", "novembro", "dezembro"],
        ]
        for l in lists { for (i, n) in l.enumerated() where m[n] == nil { m[n] = i + 1 } }
        return m
    }()

    static func month(_ name: some StringProtocol) -> Int? {
        monthNames[name.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: ".,"))]
    }

    static func ymd(_ y: Int, _ m: Int, _ d: Int) -> LocalDate? {
        guard (1970...2200).contains(y), (1...12).contains(m), d >= 1, d <= LocalDate.daysInMonth(year: y, month: m) else { return nil }
        return LocalDate(year: y, month: m, day: d)
    }

    /// Integers in `s` in order (`"2019-10-14 8:30"` → 2019, 10, 14, 8, 30): ASCII digit
    /// runs (other digits, as in `9月13日`, are not read; runs over 9 digits are dropped).
    static func numbers(_ s: String) -> [Int] {
        var out: [Int] = []
        out.reserveCapacity(6)
        var v = 0, len = 0
        for b in s.utf8 {
            if b >= 48, b <= 57 {
                if len < 10 { v = v * 10 + Int(b - 48) }
                len += 1
            } else if len > 0 {
                if len <= 9 { out.append(v) }
                v = 0; len = 0
            }
        }
        if len > 0, len <= 9 { out.append(v) }
        return out
    }

    /// A local wall-clock time (seconds since 1970 as if UTC) from a date and optional
    /// `H:MM[:SS]` in `rest`.
    static func wallClock(_ d: LocalDate, _ rest: ArraySlice<Int>) -> Int64? {
        let h = rest.first ?? 0, mi = rest.dropFirst().first ?? 0, sec = rest.dropFirst(2).first ?? 0
        guard h < 24, mi < 60, sec < 61 else { return nil }
        return Int64(d.dayNumber) * 86_400 + Int64(h * 3600 + mi * 60 + min(sec, 59))
    }

    /// `DD.MM.YYYY[ H:MM]` (VK).
    static func dayMonthYear(_ s: String) -> Int64? {
        let n = numbers(s)
        guard n.count >= 3, s.contains("."), let d = ymd(n[2], n[1], n[0]) else { return nil }
        return wallClock(d, n.dropFirst(3))
    }

    /// `YYYY-MM-DD[ H:MM[:SS]]`, also `YYYY-MM-DDTHH:MM:SS` (VK posts, Meta daily, YouTube).
    static func yearMonthDay(_ s: String) -> Int64? {
        let n = numbers(s)
        guard n.count >= 3, s.count >= 8, s.first?.isNumber == true, let d = ymd(n[0], n[1], n[2]) else { return nil }
        return wallClock(d, n.dropFirst(3))
    }

    /// `MM/DD/YYYY[ HH:MM]` (Meta, LinkedIn: US order in every locale seen).
    static func monthDayYear(_ s: String) -> Int64? {
        let n = numbers(s)
        guard n.count >= 3, s.contains("/"), let d = ymd(n[2], n[0], n[1]) else { return nil }
        return wallClock(d, n.dropFirst(3))
    }

    /// `Sun, Sep 13, 2026`, `Sep 26, 2026`, `13 Sep 2026` (X, YouTube).
    static func namedMonth(_ s: String) -> Int64? {
        let words = s.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
        var m: Int?, nums: [Int] = []
        for w in words {
            if let v = Int(w) { nums.append(v) } else if m == nil, let mm = month(w) { m = mm }
        }
        guard let m, nums.count >= 2 else { return nil }
        let (day, year) = nums[0] > 31 ? (nums[1], nums[0]) : (nums[0], nums[1])
        guard let d = ymd(year, m, day) else { return nil }
        return wallClock(d, [])
    }

    /// A day and month without a year (`September 25`, `28 May`, `28 апреля`, `9月13日`,
    /// `8 de setembro`): month and day.
    static func dayMonth(_ s: String) -> (month: Int, day: Int)? {
        let cjk = numbers(s)
        if s.contains("月"), cjk.count == 2 { return (cjk[0], cjk[1]) }
        let words = s.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "." }).map(String.init)
        var m: Int?, day: Int?
        for w in words {
            if let v = Int(w) { day = day ?? v } else if m == nil, let mm = month(w) { m = mm }
        }
        guard let m, let day, (1...31).contains(day) else { return nil }
        return (m, day)
    }

    /// The year of a day-month date: the latest date on or before `end` (exports run up to
    /// their export day, so a December date in a January export is last year's).
    static func rolled(_ md: (month: Int, day: Int), endingBy end: LocalDate) -> LocalDate? {
        let year = end.components.year
        for y in [year, year - 1] {
            if let d = ymd(y, md.month, md.day), d <= end { return d }
        }
        return nil
    }
}
