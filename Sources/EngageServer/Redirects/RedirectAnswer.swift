import EngageCore
import EngageStore
import Foundation
import HTTPTypes
import Metrics
import NIOCore
import Synchronization

/// What a `GET /r/{code}` comes to: the steps of a redirect (find the link, hash the
/// visitor, build the click, commit it) and their typed outcomes, shared by the router's
/// route and the pipeline handler so that both answer alike.
enum RedirectAnswer: Equatable {
    /// The click is committed: a 302 to the link's target.
    case redirect(target: String)
    /// No such link (or a malformed code): nothing recorded.
    case unknownCode
    /// The click could not be stored: not redirected either (a click answered is a click stored).
    case notRecorded

    static let redirects = Metrics.Counter(label: "engage_redirects_total")

    var status: HTTPResponse.Status {
        switch self {
        case .redirect: return .found
        case .unknownCode: return .notFound
        case .notRecorded: return .serviceUnavailable
        }
    }

    /// The page of an answer that is not a redirect.
    var page: String? {
        switch self {
        case .redirect: return nil
        case .unknownCode: return "<!doctype html><meta charset=\"utf-8\"><title>Not found</title><p>This link does not exist. · Такой ссылки нет.</p>\n"
        case .notRecorded: return "<!doctype html><meta charset=\"utf-8\"><title>Unavailable</title><p>Please try again in a moment. · Попробуйте ещё раз чуть позже.</p>\n"
        }
    }

    /// The answer's header lines (Date and Server aside), counting redirects: the one list
    /// both the router's route and the fast path send.
    func headerLines() -> [(name: String, value: String)] {
        var lines = [("Cache-Control", "no-store")]
        switch self {
        case .redirect(let target):
            lines.append(("Location", Self.headerSafe(target)))
            lines.append(("Content-Length", "0"))
            Self.redirects.increment()
        default:
            lines.append(("Content-Type", "text/html; charset=utf-8"))
            lines.append(("Content-Length", String(page?.utf8.count ?? 0)))
            lines.append(("Content-Security-Policy", "default-src 'none'"))
        }
        return lines
    }

    /// The answer's header fields (without Date and Server), counting redirects.
    func fields() -> HTTPFields {
        var f = HTTPFields()
        for (name, value) in headerLines() { f.append(HTTPField(name: HTTPField.Name(name)!, value: value)) }
        return f
    }

    /// The whole answer as it goes on the wire (HTTP/1.1), for the fast path.
    func wire(close: Bool, now: Int64, into buffer: inout ByteBuffer) {
        if case .redirect(let target) = self {
            // the common answer written without the line list (tests hold it to `headerLines`)
            Self.redirects.increment()
            buffer.writeStaticString("HTTP/1.1 302 Found\r\nCache-Control: no-store\r\nLocation: ")
            buffer.writeString(Self.headerSafe(target))
            buffer.writeStaticString("\r\nContent-Length: 0\r\n")
        } else {
            buffer.writeString("HTTP/1.1 \(status.code) \(status.reasonPhrase)\r\n")
            for (name, value) in headerLines() { buffer.writeString("\(name): \(value)\r\n") }
        }
        buffer.writeStaticString("Date: ")
        buffer.writeString(HTTPDate.string(now))
        buffer.writeStaticString(close ? "\r\nServer: engage\r\nConnection: close\r\n\r\n" : "\r\nServer: engage\r\n\r\n")
        if let page { buffer.writeString(page) }
    }

    /// A header value as sent: bytes outside printable ASCII percent-escaped (a stored
    /// target is ASCII already; this keeps a control character from ever ending the line).
    static func headerSafe(_ s: String) -> String {
        guard !s.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { return s }
        var out = ""
        for b in s.utf8 {
            if b > 0x20 && b < 0x7F { out.unicodeScalars.append(Unicode.Scalar(b)) } else { out += String(format: "%%%02X", b) }
        }
        return out
    }
}

extension ServerState {
    /// The click of a redirect: the one place one is built.
    func click(code: String, at now: Int64, visitor: String, headers: HTTPFields) -> ClickRow {
        click(code: code, at: now, visitor: visitor, userAgent: headers[.userAgent], referrer: headers[.referer])
    }

    func click(code: String, at now: Int64, visitor: String, userAgent ua: String?, referrer: String?) -> ClickRow {
        let agent = AgentClass.of(ua)
        return ClickRow(code: code, at: now, visitor: visitor, userAgent: ua, agentClass: agent.rawValue, referrer: referrer,
                        isBot: agent.isBot, occurrence: nextOccurrence())
    }
}

/// The `Date` header's text (RFC 9110 IMF-fixdate), made once a second.
enum HTTPDate {
    private static let cache = Mutex<(second: Int64, text: String)>((-1, ""))
    private static let weekdays = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    static func string(_ second: Int64) -> String {
        cache.withLock { c in
            if c.second != second { c = (second, format(second)) }
            return c.text
        }
    }

    static func format(_ second: Int64) -> String {
        let day = LocalDate(utcInstant: second)
        let (y, m, d) = day.components
        let t = second - day.startUTC
        func two(_ n: some BinaryInteger) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(weekdays[day.weekday - 1]), \(two(d)) \(months[m - 1]) \(y) \(two(t / 3600)):\(two(t / 60 % 60)):\(two(t % 60)) GMT"
    }
}
