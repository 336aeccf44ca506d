import EngageCore
import Testing

@Suite(.tags(.small)) struct TimeTests {
    @Test func civilDatesRoundTrip() {
        let d = LocalDate(year: 2026, month: 3, day: 1)
        #expect(d.description == "2026-03-01")
        #expect(LocalDate(year: 1970, month: 1, day: 1).dayNumber == 0)
        #expect(LocalDate(year: 2000, month: 2, day: 29).components == (2000, 2, 29))
        #expect(LocalDate(year: 1969, month: 12, day: 31).dayNumber == -1)
        for n in stride(from: -800_000, to: 800_000, by: 997) {
            let c = LocalDate(dayNumber: n).components
            #expect(LocalDate(year: c.year, month: c.month, day: c.day).dayNumber == n)
        }
    }

    @Test func weekdays() {
        #expect(LocalDate(year: 2026, month: 3, day: 1).weekday == 7)  // a Sunday
        #expect(LocalDate(year: 2026, month: 3, day: 2).weekday == 1)
        #expect(LocalDate(year: 1969, month: 12, day: 29).weekday == 1)
    }

    @Test func strictDateParsing() {
        #expect(LocalDate("2026-02-29") == nil)
        #expect(LocalDate("2024-02-29") != nil)
        #expect(LocalDate("2026-13-01") == nil)
        #expect(LocalDate("2026-1-01") == nil)
        #expect(LocalDate("01.03.2026") == nil)
    }

    @Test func timestampParsing() throws {
        let t = try #require(ISOParse.timestamp(Array("2026-03-01T09:30:00+03:00".utf8)[...]))
        #expect(t.offsetSeconds == 10_800)
        var utc = ZoneClock.utc
        #expect(utc.instant(t).isoUTC == "2026-03-01T06:30:00Z")
        #expect(ISOParse.timestamp(Array("2026-03-01T09:30:00Z".utf8)[...])?.offsetSeconds == 0)
        #expect(ISOParse.timestamp(Array("2026-03-01 09:30".utf8)[...])?.offsetSeconds == nil)
        #expect(ISOParse.timestamp(Array("2026-03-01T09:30:00.123-0500".utf8)[...])?.offsetSeconds == -18_000)
        #expect(ISOParse.timestamp(Array("2026-03-01T25:30:00Z".utf8)[...]) == nil)
        #expect(ISOParse.timestamp(Array("2026-03-01T09:30:00+3".utf8)[...]) == nil)
    }

    @Test func daysAreCutInTheAccountsZone() throws {
        var moscow = try #require(ZoneClock(identifier: "Europe/Moscow"))
        // 21:30 UTC on 1 March is 00:30 on 2 March in Moscow (UTC+3)
        let t = Int64(LocalDate(year: 2026, month: 3, day: 1).dayNumber) * 86_400 + 21 * 3600 + 1800
        #expect(moscow.local(t).date.description == "2026-03-02")
        #expect(moscow.local(t).hour == 0)
        var utc = ZoneClock.utc
        #expect(utc.local(t).date.description == "2026-03-01")
        #expect(utc.local(t).hour == 21)
        // a timestamp without offset is read in the zone
        let local = try #require(ISOParse.timestamp(Array("2026-03-02T00:30:00".utf8)[...]))
        #expect(moscow.instant(local) == t)
    }

    @Test func offsetChangesAreFollowed() throws {
        var berlin = try #require(ZoneClock(identifier: "Europe/Berlin"))
        let winter = Int64(LocalDate(year: 2026, month: 1, day: 15).dayNumber) * 86_400
        let summer = Int64(LocalDate(year: 2026, month: 7, day: 15).dayNumber) * 86_400
        #expect(berlin.offset(atUTC: winter) == 3600)
        #expect(berlin.offset(atUTC: summer) == 7200)
        // Moscow was UTC+4 until 26 October 2014, UTC+3 after
        var moscow = try #require(ZoneClock(identifier: "Europe/Moscow"))
        #expect(moscow.offset(atUTC: Int64(LocalDate(year: 2013, month: 6, day: 1).dayNumber) * 86_400) == 14_400)
        #expect(moscow.offset(atUTC: Int64(LocalDate(year: 2015, month: 6, day: 1).dayNumber) * 86_400) == 10_800)
        // start of a local day across DST: 29 March 2026 in Berlin begins at 23:00 UTC the day before
        #expect(berlin.startOfDay(LocalDate(year: 2026, month: 3, day: 29)).isoUTC == "2026-03-28T23:00:00Z")
    }

    @Test func periods() {
        let p = Period(from: LocalDate(year: 2026, month: 3, day: 1), to: LocalDate(year: 2026, month: 3, day: 31))
        #expect(p.days == 31)
        #expect(p.previous.from.description == "2026-01-29")
        #expect(p.previous.to.description == "2026-02-28")
    }
}

extension Tag {
    @Tag static var small: Self
}
