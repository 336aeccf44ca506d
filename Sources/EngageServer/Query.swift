import EngageCore
import EngageStore
import Foundation
import Hummingbird

/// Query parameters of one request, read strictly: an unknown parameter, a malformed date or
/// number is a 400 naming it.
struct QueryReader {
    let params: [(String, String)]
    /// The period last shown to this browser (`engage_period` cookie), for pages opened
    /// without `from`/`to`; nil for the API, whose answers depend on the query alone.
    var remembered: Period?

    /// A page's query: like the API's, and a page opened without `from` and `to` shows the
    /// period the browser last chose.
    init(page request: Request, allowed: Set<String>) throws {
        try self.init(request, allowed: allowed)
        remembered = request.cookies[ServerState.periodCookie].flatMap { Period(cookie: $0.value) }
    }

    init(_ request: Request, allowed: Set<String>) throws {
        var out: [(String, String)] = []
        for (k, v) in request.uri.queryParameters {
            let key = String(k)
            guard allowed.contains(key) else {
                throw APIError(.badRequest, "unknown query parameter '\(key)'; this endpoint takes: \(allowed.sorted().joined(separator: ", "))")
            }
            out.append((key, String(v)))
        }
        params = out
    }

    func string(_ name: String) -> String? { params.last { $0.0 == name }?.1 }
    func strings(_ name: String) -> [String] { params.filter { $0.0 == name }.map(\.1).filter { !$0.isEmpty } }

    func date(_ name: String) throws -> LocalDate? {
        guard let s = string(name), !s.isEmpty else { return nil }
        guard let d = LocalDate(s) else { throw APIError(.badRequest, "\(name): '\(s)' is not a date (YYYY-MM-DD)") }
        return d
    }

    /// A whole number in `range`; absent: nil. Present but empty is an error (no form sends
    /// an empty number).
    func int(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let s = string(name) else { return nil }
        guard let v = Int(s), range.contains(v) else {
            throw APIError(.badRequest, "\(name): '\(s)' is not a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return v
    }

    func oneOf(_ name: String, _ values: [String]) throws -> String? {
        guard let s = string(name) else { return nil }
        guard values.contains(s) else { throw APIError(.badRequest, "\(name): '\(s)' is not one of \(values.joined(separator: ", "))") }
        return s
    }

    /// `from`/`to`, defaulting as the CLI does (the last complete month); on a page without
    /// either, the remembered period.
    func period(today: LocalDate) throws -> Period {
        let from = try date("from"), to = try date("to")
        if from == nil, to == nil, let r = remembered { return r }
        let p = Period.resolve(from: from, to: to, today: today)
        guard p.from <= p.to else { throw APIError(.badRequest, "to \(p.to) is before from \(p.from)") }
        guard p.days <= 3_700 else { throw APIError(.badRequest, "the period is longer than ten years") }
        return p
    }
}

extension QueryReader {
    /// The parameters of a comparison range: `compare=year` (the same days a year before),
    /// or `cmp_from`/`cmp_to` (any range).
    static let comparisonParams: Set<String> = ["compare", "cmp_from", "cmp_to"]

    /// The range `period` is compared with, when the query names one (nil: the period before).
    func comparison(for period: Period) throws -> Period? {
        let f = try date("cmp_from"), t = try date("cmp_to")
        if f != nil || t != nil {
            guard let f, let t else { throw APIError(.badRequest, "give both cmp_from and cmp_to (YYYY-MM-DD), or neither") }
            guard f <= t else { throw APIError(.badRequest, "cmp_to \(t) is before cmp_from \(f)") }
            let p = Period(from: f, to: t)
            guard p.days <= 3_700 else { throw APIError(.badRequest, "the comparison range is longer than ten years") }
            return p
        }
        switch try oneOf("compare", ["", "previous", "year"]) {
        case "year": return period.yearBefore
        default: return nil
        }
    }
}

extension LocalDate {
    /// The same day `years` years away (29 February becomes 28 February).
    func addingYears(_ years: Int) -> LocalDate {
        let c = components
        return LocalDate(year: c.year + years, month: c.month, day: min(c.day, LocalDate.daysInMonth(year: c.year + years, month: c.month)))
    }
}

extension Period {
    /// The same days a year before.
    var yearBefore: Period { Period(from: from.addingYears(-1), to: to.addingYears(-1)) }

    /// `FROM_TO` as kept in the `engage_period` cookie.
    var cookieValue: String { "\(from)_\(to)" }

    /// A remembered period, if it is one a page could show (else ignored).
    init?(cookie: String) {
        let parts = cookie.split(separator: "_")
        guard parts.count == 2, let f = LocalDate(String(parts[0])), let t = LocalDate(String(parts[1])), f <= t,
              Period(from: f, to: t).days <= 3_700 else { return nil }
        self.init(from: f, to: t)
    }

    /// `from=…&to=…`, for links that keep the period.
    var query: String { "from=\(from)&to=\(to)" }
}
