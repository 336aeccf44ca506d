import Foundation

/// A calendar date without a time zone, stored as the number of days since 1970-01-01.
///
/// Periods, follower snapshots and a post's local day are all `LocalDate`s; the zone that
/// cut them is the account's (see `ZoneClock`).
public struct LocalDate: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public var dayNumber: Int

    public init(dayNumber: Int) { self.dayNumber = dayNumber }

    /// Seconds in a (UTC) day.
    public static let secondsPerDay: Int64 = 86_400

    /// The UTC day of an instant (seconds since 1970; days before 1970 too).
    public init(utcInstant t: Int64) {
        dayNumber = Int(t >= 0 ? t / Self.secondsPerDay : (t - Self.secondsPerDay + 1) / Self.secondsPerDay)
    }

    /// The instant this day starts at, 00:00 UTC.
    public var startUTC: Int64 { Int64(dayNumber) * Self.secondsPerDay }

    /// Today in UTC, by the system clock.
    public static var utcToday: LocalDate { LocalDate(utcInstant: Int64(Date().timeIntervalSince1970)) }

    /// Proleptic Gregorian calendar (H. Hinnant's days-from-civil).
    public init(year: Int, month: Int, day: Int) {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        dayNumber = era * 146_097 + doe - 719_468
    }

    public var components: (year: Int, month: Int, day: Int) {
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// ISO weekday: 1 = Monday … 7 = Sunday.
    public var weekday: Int {
        let w = (dayNumber + 3) % 7  // 1970-01-01 was a Thursday
        return (w < 0 ? w + 7 : w) + 1
    }

    public func adding(days: Int) -> LocalDate { LocalDate(dayNumber: dayNumber + days) }

    public static func < (a: LocalDate, b: LocalDate) -> Bool { a.dayNumber < b.dayNumber }

    /// `YYYY-MM-DD`.
    public var description: String {
        let c = components
        guard (0...9999).contains(c.year) else { return String(format: "%04d-%02d-%02d", c.year, c.month, c.day) }
        // by hand: String(format:) is slow on Linux, and reports print hundreds of thousands of dates
        let digit = { (n: Int) in UInt8(48 + n) }
        let bytes: [UInt8] = [digit(c.year / 1000), digit(c.year / 100 % 10), digit(c.year / 10 % 10), digit(c.year % 10), 45,
                              digit(c.month / 10), digit(c.month % 10), 45, digit(c.day / 10), digit(c.day % 10)]
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Parses `YYYY-MM-DD` strictly (month 1–12, day valid for the month).
    public init?(_ text: some StringProtocol) {
        guard let v = ISOParse.date(Array(text.utf8)[...]) else { return nil }
        self = v
    }

    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    public init(from decoder: Decoder) throws {
        let s = try decoder.singleValueContainer().decode(String.self)
        guard let d = LocalDate(s) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a date: \(s)"))
        }
        self = d
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// A period `[from, to]`, both days inclusive.
/// A report period longer than `Limits.maxPeriodDays`.
public struct PeriodTooLong: UserFacingError, Sendable {
    public var days: Int
    public var description: String { "the period has \(days) days; a report covers at most \(Limits.maxPeriodDays) (about ten years)" }
    public var kind: ErrorKind { .badRequest }
}

public struct Period: Hashable, Sendable {
    public var from: LocalDate
    public var to: LocalDate

    public init(from: LocalDate, to: LocalDate) {
        self.from = from
        self.to = to
    }

    public var days: Int { to.dayNumber - from.dayNumber + 1 }

    /// Throws `PeriodTooLong` past `Limits.maxPeriodDays` (reports check this first).
    public func checkLength() throws {
        if days > Limits.maxPeriodDays { throw PeriodTooLong(days: days) }
    }

    /// The period a report covers when given `from`, `to`, both or neither: both as given;
    /// only `from`: up to today; only `to`: from the first of its month; neither: the last
    /// complete calendar month before `today`.
    public static func resolve(from: LocalDate?, to: LocalDate?, today: LocalDate) -> Period {
        if let from, let to { return Period(from: from, to: to) }
        if let from { return Period(from: from, to: max(from, today)) }
        if let to {
            let c = to.components
            return Period(from: LocalDate(year: c.year, month: c.month, day: 1), to: to)
        }
        let c = today.components
        let lastOfPrevious = LocalDate(year: c.year, month: c.month, day: 1).adding(days: -1)
        let p = lastOfPrevious.components
        return Period(from: LocalDate(year: p.year, month: p.month, day: 1), to: lastOfPrevious)
    }

    /// The period of equal length ending the day before `from`.
    public var previous: Period {
        Period(from: from.adding(days: -days), to: from.adding(days: -1))
    }

    public func contains(_ d: LocalDate) -> Bool { d >= from && d <= to }
}

/// Byte-level ISO 8601 parsers shared by the importer (fast, allocation-free).
public enum ISOParse {
    @inline(__always)
    static func digits(_ b: ArraySlice<UInt8>, _ at: Int, _ n: Int) -> Int? {
        var v = 0
        for i in at..<(at + n) {
            let c = b[i]
            guard c >= 48 && c <= 57 else { return nil }
            v = v * 10 + Int(c - 48)
        }
        return v
    }

    /// `YYYY-MM-DD`.
    public static func date(_ b: ArraySlice<UInt8>) -> LocalDate? {
        let s = b.startIndex
        guard b.count == 10, b[s + 4] == 45, b[s + 7] == 45,
              let y = digits(b, s, 4), let m = digits(b, s + 5, 2), let d = digits(b, s + 8, 2),
              m >= 1, m <= 12, d >= 1, d <= LocalDate.daysInMonth(year: y, month: m)
        else { return nil }
        return LocalDate(year: y, month: m, day: d)
    }

    /// A parsed timestamp: seconds of the local wall clock since 1970 and, if given, the
    /// offset east of UTC in seconds.
    public struct Timestamp: Sendable, Equatable {
        public var localSeconds: Int64
        public var offsetSeconds: Int?
    }

    /// `YYYY-MM-DDTHH:MM[:SS[.fff…]][Z|±HH:MM|±HHMM]`; a space may stand for `T`.
    /// A date alone (`YYYY-MM-DD`) is midnight.
    public static func timestamp(_ b: ArraySlice<UInt8>) -> Timestamp? {
        let s = b.startIndex
        guard b.count >= 10, let d = date(b[s..<(s + 10)]) else { return nil }
        var local = Int64(d.dayNumber) * 86_400
        if b.count == 10 { return Timestamp(localSeconds: local, offsetSeconds: nil) }
        guard b.count >= 16, b[s + 10] == 84 || b[s + 10] == 32 || b[s + 10] == 116, b[s + 13] == 58,
              let hh = digits(b, s + 11, 2), let mi = digits(b, s + 14, 2), hh < 24, mi < 60
        else { return nil }
        var i = s + 16
        var ss = 0
        if i < b.endIndex, b[i] == 58 {
            guard i + 3 <= b.endIndex, let v = digits(b, i + 1, 2), v < 61 else { return nil }
            ss = min(v, 59)
            i += 3
            if i < b.endIndex, b[i] == 46 || b[i] == 44 {  // fraction: dropped
                i += 1
                let f = i
                while i < b.endIndex, b[i] >= 48, b[i] <= 57 { i += 1 }
                guard i > f else { return nil }
            }
        }
        local += Int64(hh * 3600 + mi * 60 + ss)
        if i == b.endIndex { return Timestamp(localSeconds: local, offsetSeconds: nil) }
        let c = b[i]
        if c == 90 || c == 122 {  // Z
            return i + 1 == b.endIndex ? Timestamp(localSeconds: local, offsetSeconds: 0) : nil
        }
        guard c == 43 || c == 45 else { return nil }
        let sign = c == 43 ? 1 : -1
        let rest = b.endIndex - i - 1
        let oh: Int?, om: Int?
        if rest == 5, b[i + 3] == 58 {
            oh = digits(b, i + 1, 2); om = digits(b, i + 4, 2)
        } else if rest == 4 {
            oh = digits(b, i + 1, 2); om = digits(b, i + 3, 2)
        } else if rest == 2 {
            oh = digits(b, i + 1, 2); om = 0
        } else {
            return nil
        }
        guard let h = oh, let m = om, h <= 18, m < 60 else { return nil }
        return Timestamp(localSeconds: local, offsetSeconds: sign * (h * 3600 + m * 60))
    }
}
