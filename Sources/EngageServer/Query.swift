import EngageCore
import EngageStore
import Foundation
import Hummingbird

/// Query parameters of one request, read strictly: an unknown parameter, a malformed date or
/// number is a 400 naming it.
struct QueryReader {
    let params: [(String, String)]

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

    /// `from`/`to`, defaulting as the CLI does (the last complete month).
    func period(today: LocalDate) throws -> Period {
        let p = Period.resolve(from: try date("from"), to: try date("to"), today: today)
        guard p.from <= p.to else { throw APIError(.badRequest, "to \(p.to) is before from \(p.from)") }
        guard p.days <= 3_700 else { throw APIError(.badRequest, "the period is longer than ten years") }
        return p
    }
}
