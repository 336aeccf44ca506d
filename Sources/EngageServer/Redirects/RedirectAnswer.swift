import EngageCore
import EngageStore
import Foundation
import HTTPTypes
import Metrics

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

    /// The answer's header fields (without the body's), counting redirects.
    func fields() -> HTTPFields {
        var f = HTTPFields()
        f[.cacheControl] = "no-store"
        switch self {
        case .redirect(let target):
            f[.location] = target
            f[.contentLength] = "0"
            Self.redirects.increment()
        default:
            f[.contentType] = "text/html; charset=utf-8"
            f[.contentLength] = String(page?.utf8.count ?? 0)
        }
        return f
    }

    /// A link code as the path carries it: 1 to 64 characters, no `/`, `?` or `%`.
    static func code(fromPath path: String) -> String? {
        guard path.hasPrefix("/r/") else { return nil }
        let code = String(path.dropFirst(3))
        guard (1...64).contains(code.count), !code.contains(where: { $0 == "/" || $0 == "?" || $0 == "%" }) else { return nil }
        return code
    }
}

extension ServerState {
    /// The click of a redirect: the one place one is built.
    func click(code: String, at now: Int64, visitor: String, headers: HTTPFields) -> ClickRow {
        let ua = headers[.userAgent]
        let agent = AgentClass.of(ua)
        return ClickRow(code: code, at: now, visitor: visitor, userAgent: ua, agentClass: agent.rawValue, referrer: headers[.referer],
                        isBot: agent.isBot, occurrence: nextOccurrence())
    }
}
