import Foundation

/// Cuts UTC instants into local days and hours of one IANA time zone.
///
/// Offsets are memoised per UTC quarter-hour: every offset change since the 1970s falls on
/// a quarter-hour boundary, so a bucket has one offset, and a year of posts needs only a
/// few thousand look-ups into Foundation's zone data.
public struct ZoneClock: Sendable {
    public let identifier: String
    private let zone: TimeZone
    private var memo: [Int64: Int32] = [:]

    /// nil when the identifier is not a known IANA zone.
    public init?(identifier: String) {
        guard let z = TimeZone(identifier: identifier) else { return nil }
        self.identifier = identifier
        zone = z
    }

    public static let utc = ZoneClock(identifier: "UTC")!

    /// Offset east of UTC, in seconds, at a UTC instant.
    public mutating func offset(atUTC epoch: Int64) -> Int {
        if identifier == "UTC" { return 0 }
        let bucket = epoch >= 0 ? epoch / 900 : (epoch - 899) / 900
        if let v = memo[bucket] { return Int(v) }
        let v = zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(bucket * 900)))
        memo[bucket] = Int32(v)
        return v
    }

    /// The UTC instant of a wall-clock time in this zone (the earlier one in a repeated
    /// hour; a time in a skipped hour is read with the offset before the gap).
    public mutating func utc(fromLocal local: Int64) -> Int64 {
        let first = offset(atUTC: local)
        let candidate = local - Int64(first)
        let second = offset(atUTC: candidate)
        if second == first { return candidate }
        let other = local - Int64(second)
        return offset(atUTC: other) == second ? min(other, candidate) : candidate
    }

    /// The local day and hour of a UTC instant.
    public mutating func local(_ epoch: Int64) -> (date: LocalDate, hour: Int) {
        let l = epoch + Int64(offset(atUTC: epoch))
        let day = l >= 0 ? l / 86_400 : (l - 86_399) / 86_400
        return (LocalDate(dayNumber: Int(day)), Int((l - day * 86_400) / 3600))
    }

    /// The UTC instant at which local day `d` starts.
    public mutating func startOfDay(_ d: LocalDate) -> Int64 {
        utc(fromLocal: Int64(d.dayNumber) * 86_400)
    }

    /// A parsed timestamp as a UTC instant; without an offset it is read in this zone.
    public mutating func instant(_ t: ISOParse.Timestamp) -> Int64 {
        if let o = t.offsetSeconds { return t.localSeconds - Int64(o) }
        return utc(fromLocal: t.localSeconds)
    }
}

extension Int64 {
    /// An epoch-seconds instant as ISO 8601 in UTC (`2026-03-01T06:30:00Z`).
    public var isoUTC: String {
        let day = self >= 0 ? self / 86_400 : (self - 86_399) / 86_400
        let s = Int(self - day * 86_400)
        // by hand rather than String(format:): exports write one per post, a million a year
        var out = LocalDate(dayNumber: Int(day)).description
        out.reserveCapacity(20)
        for (i, v) in [s / 3600, s % 3600 / 60, s % 60].enumerated() {
            out.unicodeScalars.append(i == 0 ? "T" : ":")
            out.unicodeScalars.append(Unicode.Scalar(UInt8(48 + v / 10)))
            out.unicodeScalars.append(Unicode.Scalar(UInt8(48 + v % 10)))
        }
        out.unicodeScalars.append("Z")
        return out
    }
}
