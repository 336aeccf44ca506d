import Foundation

/// A `GET /r/CODE` request head read straight from the connection's bytes, for the
/// redirect fast path (`RedirectFrontHandler`) that answers ahead of the HTTP/1 parser.
///
/// The reading is strict on purpose: it takes only the plainest form of the request —
/// `GET /r/CODE HTTP/1.1`, header lines of token names and printable values, nothing that
/// frames a body (`Content-Length` other than 0, `Transfer-Encoding`), asks for a `100`
/// (`Expect`) or another protocol (`Upgrade`), no folded lines, no repeated field that the
/// redirect reads. Anything else is *declined*: the bytes go to the full HTTP/1 parser and
/// the router, which answer it as before. So what is accepted here is a request any
/// HTTP/1.1 parser reads the same way (the tests check it against NIO's).
struct RedirectRequest: Equatable {
    /// The link code: 1 to 64 bytes of a path segment, without `%`, `/`, `?` or `#`.
    var code: String
    var userAgent: String?
    var referrer: String?
    var forwardedFor: String?
    /// `Connection: close`: the connection ends after the answer.
    var close: Bool
    /// Bytes of the head, final empty line included (where the next request starts).
    var length: Int

    enum Reading: Equatable {
        /// What has arrived is a plain redirect so far, but its head has not ended.
        case incomplete
        /// Not for the fast path: the HTTP/1 parser takes it (and the rest of the connection).
        case decline
        case request(RedirectRequest)
    }

    /// Heads longer than this are declined (the HTTP/1 parser has its own, larger limits).
    static let maxHead = 8 * 1024

    static func read(_ bytes: UnsafeRawBufferPointer) -> Reading {
        var s = Scanner(bytes: bytes)
        return s.read()
    }

    static func read(_ bytes: some Collection<UInt8>) -> Reading {
        let array = Array(bytes)
        return array.withUnsafeBytes { read($0) }
    }

    private struct Scanner {
        let bytes: UnsafeRawBufferPointer
        var i = 0

        /// `incomplete` when the bytes end before the head could, `decline` past `maxHead`.
        var outOfBytes: Reading { bytes.count >= RedirectRequest.maxHead ? .decline : .incomplete }

        /// Matches `literal` at the cursor: true (moved past it), false (a difference), nil
        /// (the bytes end inside it, having matched so far).
        mutating func expect(_ literal: StaticString) -> Bool? {
            let n = literal.utf8CodeUnitCount
            let p = literal.utf8Start
            for k in 0..<n {
                guard i + k < bytes.count else { return nil }
                if bytes[i + k] != p[k] { return false }
            }
            i += n
            return true
        }

        mutating func read() -> Reading {
            switch expect("GET /r/") { case nil: return outOfBytes; case false?: return .decline; default: break }
            let codeStart = i
            while i < bytes.count, bytes[i] != UInt8(ascii: " ") {
                guard Self.isCodeByte(bytes[i]), i - codeStart < 64 else { return .decline }
                i += 1
            }
            guard i < bytes.count else { return outOfBytes }
            guard i > codeStart else { return .decline }
            let code = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[codeStart..<i]), as: UTF8.self)
            switch expect(" HTTP/1.1\r\n") { case nil: return outOfBytes; case false?: return .decline; default: break }
            var r = RedirectRequest(code: code, userAgent: nil, referrer: nil, forwardedFor: nil, close: false, length: 0)
            var seen = Set<Field>()
            while true {
                guard i < bytes.count else { return outOfBytes }
                if bytes[i] == UInt8(ascii: "\r") {
                    guard i + 1 < bytes.count else { return outOfBytes }
                    guard bytes[i + 1] == UInt8(ascii: "\n") else { return .decline }
                    r.length = i + 2
                    return r.length > RedirectRequest.maxHead ? .decline : .request(r)
                }
                // name: one or more token characters, then ':'
                let nameStart = i
                while i < bytes.count, Self.isTokenByte(bytes[i]) { i += 1 }
                guard i < bytes.count else { return outOfBytes }
                guard i > nameStart, bytes[i] == UInt8(ascii: ":") else { return .decline }
                let field = Field(UnsafeRawBufferPointer(rebasing: bytes[nameStart..<i]))
                i += 1
                // value: optional white space, printable bytes (and tabs), CRLF
                while i < bytes.count, bytes[i] == UInt8(ascii: " ") || bytes[i] == UInt8(ascii: "\t") { i += 1 }
                let valueStart = i
                while i < bytes.count, bytes[i] != UInt8(ascii: "\r") {
                    let b = bytes[i]
                    guard b == UInt8(ascii: "\t") || (b >= 0x20 && b != 0x7F) else { return .decline }
                    i += 1
                }
                guard i + 1 < bytes.count else { return outOfBytes }
                guard bytes[i + 1] == UInt8(ascii: "\n") else { return .decline }
                var valueEnd = i
                while valueEnd > valueStart, bytes[valueEnd - 1] == UInt8(ascii: " ") || bytes[valueEnd - 1] == UInt8(ascii: "\t") { valueEnd -= 1 }
                let value = UnsafeRawBufferPointer(rebasing: bytes[valueStart..<valueEnd])
                i += 2
                if i > RedirectRequest.maxHead { return .decline }
                switch field {
                case .other: continue
                case .transferEncoding, .expect, .upgrade: return .decline
                default: break
                }
                guard seen.insert(field).inserted else { return .decline }
                let text = String(decoding: value, as: UTF8.self)
                switch field {
                case .userAgent: r.userAgent = text
                case .referer: r.referrer = text
                case .forwardedFor: r.forwardedFor = text
                case .connection: r.close = text.split(separator: ",").contains { $0.trimmingCharacters(in: .whitespaces).lowercased() == "close" }
                case .contentLength: guard text == "0" else { return .decline }
                default: break
                }
            }
        }

        /// Bytes of a link code in a path: unreserved, sub-delims, ':' and '@' (RFC 3986
        /// pchar without percent-escapes).
        static func isCodeByte(_ b: UInt8) -> Bool {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): return true
            default: return "-._~!$&'()*+,;=:@".utf8.contains(b)
            }
        }

        /// tchar of RFC 9110.
        static func isTokenByte(_ b: UInt8) -> Bool {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): return true
            default: return "!#$%&'*+-.^_`|~".utf8.contains(b)
            }
        }
    }

    /// The header fields the fast path reads or declines on.
    private enum Field: Hashable {
        case userAgent, referer, forwardedFor, connection, contentLength, transferEncoding, expect, upgrade, other

        init(_ name: UnsafeRawBufferPointer) {
            func named(_ s: StaticString) -> Bool {
                guard name.count == s.utf8CodeUnitCount else { return false }
                let p = s.utf8Start
                for k in 0..<name.count where name[k] | 0x20 != p[k] { return false }
                return true
            }
            switch name.count {
            case 10 where named("user-agent"): self = .userAgent
            case 10 where named("connection"): self = .connection
            case 7 where named("referer"): self = .referer
            case 15 where named("x-forwarded-for"): self = .forwardedFor
            case 14 where named("content-length"): self = .contentLength
            case 17 where named("transfer-encoding"): self = .transferEncoding
            case 6 where named("expect"): self = .expect
            case 7 where named("upgrade"): self = .upgrade
            default: self = .other
            }
        }
    }
}
