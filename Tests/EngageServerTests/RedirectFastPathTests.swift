import Crypto
import EngageCore
@testable import EngageServer
import EngageStore
import EngageTestSupport
import Foundation
import HummingbirdTesting
import NIOCore
import NIOEmbedded
import NIOHTTP1
import PropertyBased
import Testing

/// The redirect fast path: `GET /r/CODE` read from the connection's bytes ahead of the HTTP/1
/// parser. Its reading must agree with a real HTTP/1 parser's on everything it accepts and
/// hand everything else over; over a socket it keeps the order of pipelined requests, the
/// deadlines and the stored click of the router's path.
@Suite struct RedirectFastPathTests {
    // MARK: reading a head

    @Test func aPlainRedirectHeadIsRead() {
        let head = "GET /r/abc HTTP/1.1\r\nHost: go.example.com\r\nUser-Agent:  Mozilla/5.0 (iPhone) \r\nreferer: https://t.co/x\r\n"
            + "X-Forwarded-For: 203.0.113.9\r\nConnection: Keep-Alive, close\r\nContent-Length: 0\r\n\r\nGET /next"
        #expect(RedirectRequest.read(Array(head.utf8)) == .request(RedirectRequest(
            code: "abc", userAgent: "Mozilla/5.0 (iPhone)", referrer: "https://t.co/x", forwardedFor: "203.0.113.9", close: true,
            length: head.utf8.count - "GET /next".utf8.count)))
        #expect(RedirectRequest.read(Array("GET /r/abc HTTP/1.1\r\n\r\n".utf8)) == .request(RedirectRequest(
            code: "abc", userAgent: nil, referrer: nil, forwardedFor: nil, close: false, length: 23)))
    }

    @Test(arguments: [
        "POST /r/abc HTTP/1.1\r\n\r\n", "HEAD /r/abc HTTP/1.1\r\n\r\n", "get /r/abc HTTP/1.1\r\n\r\n", "GET /r/ HTTP/1.1\r\n\r\n",
        "GET /r/abc?x=1 HTTP/1.1\r\n\r\n", "GET /r/a%62c HTTP/1.1\r\n\r\n", "GET /r/abc/ HTTP/1.1\r\n\r\n", "GET /r/abc HTTP/1.0\r\n\r\n",
        "GET /r/\(String(repeating: "a", count: 65)) HTTP/1.1\r\n\r\n", "GET /healthz HTTP/1.1\r\n\r\n", "GET  /r/abc HTTP/1.1\r\n\r\n",
        "GET /r/abc HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello", "GET /r/abc HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
        "GET /r/abc HTTP/1.1\r\nExpect: 100-continue\r\n\r\n", "GET /r/abc HTTP/1.1\r\nUpgrade: websocket\r\n\r\n",
        "GET /r/abc HTTP/1.1\r\nUser-Agent: a\r\n folded\r\n\r\n", "GET /r/abc HTTP/1.1\r\nBad Name: x\r\n\r\n",
        "GET /r/abc HTTP/1.1\r\n: x\r\n\r\n", "GET /r/abc HTTP/1.1\r\nX: a\u{01}b\r\n\r\n", "GET /r/abc HTTP/1.1\r\nX: a\u{7F}\r\n\r\n",
        "GET /r/abc HTTP/1.1\nHost: x\n\n", "GET /r/abc HTTP/1.1\r\nHost: x\rY\r\n\r\n", "GET /r/abc HTTP/1.1\r\n\rX",
        "GET /r/abc HTTP/1.1\r\nUser-Agent: a\r\nuser-agent: b\r\n\r\n", "GET /r/abc HTTP/1.1\r\nContent-Length: 0\r\nContent-Length: 0\r\n\r\n",
        "GET /r/abc HTTP/1.1\r\nX-Forwarded-For: 1.2.3.4\r\nX-Forwarded-For: 5.6.7.8\r\n\r\n",
    ])
    func anythingElseIsHandedOver(head: String) {
        #expect(RedirectRequest.read(Array(head.utf8)) == .decline)
    }

    @Test func aHeadCutShortWaitsAndAnOverlongOneIsHandedOver() {
        let head = Array("GET /r/abc HTTP/1.1\r\nUser-Agent: x\r\n\r\n".utf8)
        for n in 0..<head.count { #expect(RedirectRequest.read(head.prefix(n)) == .incomplete, "\(n) bytes") }
        let long = Array(("GET /r/abc HTTP/1.1\r\nX-Long: " + String(repeating: "a", count: RedirectRequest.maxHead)).utf8)
        #expect(RedirectRequest.read(long) == .decline)
        #expect(RedirectRequest.read(long.prefix(RedirectRequest.maxHead - 1)) == .incomplete)
    }

    /// Pieces of heads: a request line or a header line, and what the fast path should make
    /// of it (a field it reads is one that must not repeat).
    private static let lines: [(text: String, verdict: Verdict)] = [
        ("GET /r/abc HTTP/1.1", .accept), ("GET /r/a-b_c.d~!$&'()*+,;=:@ HTTP/1.1", .accept),
        ("GET /r/\(String(repeating: "Z9", count: 32)) HTTP/1.1", .accept), ("GET /r/abc?utm=1 HTTP/1.1", .decline),
        ("GET /r/abc HTTP/1.0", .decline), ("HEAD /r/abc HTTP/1.1", .decline), ("GET /r/%41 HTTP/1.1", .decline),
    ]
    private static let fields: [(text: String, verdict: Verdict)] = [
        ("Host: go.example.com", .accept), ("Host: other.example.com", .accept), ("Accept: */*", .accept),
        ("User-Agent: Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0", .field("user-agent")), ("user-agent:curl/8.5.0", .field("user-agent")),
        ("Referer: https://www.linkedin.com/ \t", .field("referer")), ("X-Forwarded-For: 203.0.113.9, 10.0.0.1", .field("x-forwarded-for")),
        ("Connection: close", .field("connection")), ("connection: keep-alive", .field("connection")),
        ("Content-Length: 0", .field("content-length")), ("X-Empty:", .accept), ("X-Tab:\tvalue\tinside\t", .accept),
        ("Cookie: a=b; c=\"d\"", .accept), ("X-Utf8: Привет", .accept), ("Content-Length: 7", .decline),
        ("Transfer-Encoding: chunked", .decline), ("Expect: 100-continue", .decline), ("Upgrade: h2c", .decline),
        (" folded", .decline), ("Bad Name: x", .decline), ("X-Ctl: a\u{08}b", .decline),
    ]
    private enum Verdict: Equatable { case accept, decline, field(String) }

    /// Random heads from those pieces: the fast path accepts exactly those it should, and on
    /// each it accepts NIO's HTTP/1 parser reads the same request (method, target, version,
    /// the fields it uses, keep-alive) and ends it where it does (the next request follows).
    @Test func whatItAcceptsAnHTTPParserReadsAlike() async throws {
        await propertyCheck(count: 400, input: Gen.int(in: 0...(Self.lines.count - 1)), Gen.int(in: 0...(Self.fields.count - 1)).array(of: 0...8)) { line, picks in
            let head = ([Self.lines[line].text] + picks.map { Self.fields[$0].text }).joined(separator: "\r\n") + "\r\n\r\n"
            var verdicts = [Self.lines[line].verdict] + picks.map { Self.fields[$0].verdict }
            var seen = Set<String>()
            for (i, v) in verdicts.enumerated() { if case .field(let name) = v, !seen.insert(name).inserted { verdicts[i] = .decline } }
            let reading = RedirectRequest.read(Array(head.utf8))
            guard !verdicts.contains(.decline) else {
                #expect(reading == .decline, "\(head.debugDescription)")
                return
            }
            guard case .request(let r) = reading else {
                Issue.record("not accepted: \(head.debugDescription) → \(reading)")
                return
            }
            #expect(r.length == head.utf8.count)
            // (after `Connection: close` nothing more is read: both stop there)
            let next = r.close ? "" : "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
            let parts = try? Self.nioParts(head + next)
            guard let parts, parts.count == (r.close ? 2 : 4), case .head(let h) = parts[0], case .end = parts[1] else {
                Issue.record("NIO reads \(head.debugDescription) otherwise: \(String(describing: parts))")
                return
            }
            #expect(h.method == .GET && h.uri == "/r/" + r.code && h.version == .http1_1)
            // (HTTPTypes, between NIO's parser and the router, drops white space around values)
            func value(_ name: String) -> String? { h.headers[name].first?.trimmingCharacters(in: CharacterSet(charactersIn: " \t")) }
            #expect(value("User-Agent") == r.userAgent)
            #expect(value("Referer") == r.referrer)
            #expect(value("X-Forwarded-For") == r.forwardedFor)
            #expect(h.isKeepAlive == !r.close)
            if !r.close, case .head(let h2) = parts[2] { #expect(h2.uri == "/healthz") } else if !r.close { Issue.record("no next request") }
        }
    }

    /// What NIO's HTTP/1 server parser makes of `bytes`.
    private static func nioParts(_ bytes: String) throws -> [HTTPServerRequestPart] {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(HTTPRequestDecoder()))
        defer { _ = try? channel.finish() }
        try channel.writeInbound(ByteBuffer(string: bytes))
        var parts: [HTTPServerRequestPart] = []
        while let p = try channel.readInbound(as: HTTPServerRequestPart.self) { parts.append(p) }
        return parts
    }

    // MARK: answers

    @Test func theAnswerOnTheWireIsTheRoutersAnswer() {
        for answer in [RedirectAnswer.redirect(target: "https://example.com/a?b=1"), .unknownCode, .notRecorded] {
            var buffer = ByteBuffer()
            answer.wire(close: false, now: 1_780_000_000, into: &buffer)
            let text = String(buffer: buffer)
            let head = text.components(separatedBy: "\r\n\r\n")[0].components(separatedBy: "\r\n")
            #expect(head[0] == "HTTP/1.1 \(answer.status.code) \(answer.status.reasonPhrase)")
            #expect(answer.fields().map { "\($0.name.canonicalName): \($0.value)" } == answer.headerLines().map { "\($0.name.lowercased()): \($0.value)" })
            let expected = answer.headerLines().map { "\($0.name): \($0.value)" } + ["Date: Thu, 28 May 2026 20:26:40 GMT", "Server: engage"]
            #expect(Array(head.dropFirst()) == expected)
            #expect(text.hasSuffix("\r\n\r\n" + (answer.page ?? "")))
        }
        var closing = ByteBuffer()
        RedirectAnswer.redirect(target: "https://example.com/").wire(close: true, now: 0, into: &closing)
        #expect(String(buffer: closing).contains("Date: Thu, 01 Jan 1970 00:00:00 GMT\r\nServer: engage\r\nConnection: close\r\n\r\n"))
        // a stored target never ends the header line, whatever it holds
        #expect(RedirectAnswer.headerSafe("https://e.x/a b\r\nSet-Cookie: x") == "https://e.x/a%20b%0D%0ASet-Cookie:%20x")
    }

    @Test func datesAreIMFFixdates() {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "GMT")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        for s in [0, 951_782_400, 1_709_164_799, 1_780_000_000, 4_102_444_800] as [Int64] {
            #expect(HTTPDate.format(s) == f.string(from: Date(timeIntervalSince1970: TimeInterval(s))))
        }
    }

    @Test func base64urlIsFoundationsWithTheURLAlphabet() {
        var g = SystemRandomNumberGenerator()
        for n in 0..<40 {
            let bytes = Data((0..<n).map { _ in UInt8.random(in: 0...255, using: &g) })
            let foundation = bytes.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
            #expect(Security.base64url(bytes) == foundation)
        }
    }

    // MARK: over a socket

    private func withLinkServer(_ configure: @escaping (inout ServerConfig) -> Void = { _ in },
                                _ body: @escaping @Sendable (any StoreMaintenance, Int) async throws -> Void) async throws {
        try await withStore { store, dir in
            let f = try await Fixture.make(store, dir: dir, configure: configure)
            guard case .success = try await importFiles(advocacySampleFiles, into: store, dir: dir) else { Issue.record("refused"); return }
            try await f.app.test(.live) { client in try await body(store, try #require(client.port)) }
        }
    }

    private func clicks(_ store: any StoreMaintenance) async throws -> Int {
        try await store.execute("SELECT COUNT(*) FROM clicks WHERE import_id = 0").first?.first?.int ?? -1
    }

    /// Pipelined requests are answered in order — redirects here, then the rest of the
    /// connection through the router once a request is not a plain redirect.
    @Test func pipelinedRequestsAreAnsweredInOrder() async throws {
        try await withLinkServer { store, port in
            let socket = try RawSocket(port: port)
            defer { socket.close() }
            socket.send("GET /r/abc HTTP/1.1\r\nHost: x\r\nUser-Agent: UA-1\r\n\r\nGET /r/nope HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /r/abc HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /r/abc?utm_content=x HTTP/1.1\r\nHost: x\r\n\r\n")
            var answers: [String] = []
            for _ in 0..<5 { answers.append(await socket.response()) }
            #expect(answers.map { String($0.prefix(12)) } == ["HTTP/1.1 302", "HTTP/1.1 404", "HTTP/1.1 302", "HTTP/1.1 200", "HTTP/1.1 302"])
            #expect(answers[0].contains("Location: https://example.com/office?utm_source=linkedin&utm_medium=advocacy\r\n"))
            #expect(answers[3].contains("\"status\":\"ok\""))
            #expect(try await clicks(store) == 3)
        }
    }

    /// A head that arrives in pieces is answered once whole; one that stops half-way is cut
    /// off at the header timeout.
    @Test func aHeadInPiecesIsAnsweredAndAStalledOneCutOff() async throws {
        try await withLinkServer({ $0.headerTimeoutSeconds = 1 }) { store, port in
            let socket = try RawSocket(port: port)
            defer { socket.close() }
            socket.send("GET /r/abc HTTP/1.1\r\nHost: x\r\nUser-Ag")
            try await Task.sleep(for: .milliseconds(200))
            socket.send("ent: UA-1\r\n\r\n")
            #expect(await socket.response().hasPrefix("HTTP/1.1 302"))
            socket.send("GET /r/abc HTTP/1.1\r\nHost: x\r\n")
            let started = ContinuousClock.now
            #expect(await socket.closedByServer())
            #expect(ContinuousClock.now - started < .seconds(5))
            #expect(try await clicks(store) == 1)
        }
    }

    /// Before the fix a connection busy with redirects answered ahead of the router was
    /// closed by the idle timer (which never saw them) `idleTimeoutSeconds` after it opened:
    /// now it is served as long as it asks, and closed that long after it falls silent.
    @Test func aBusyRedirectConnectionIsNotTakenForIdle() async throws {
        try await withLinkServer({ $0.idleTimeoutSeconds = 2 }) { store, port in
            let socket = try RawSocket(port: port)
            defer { socket.close() }
            var answered = ContinuousClock.now
            for i in 0..<8 {
                socket.send("GET /r/abc HTTP/1.1\r\nHost: x\r\nUser-Agent: UA-\(i)\r\n\r\n")
                let answer = await socket.response()
                answered = ContinuousClock.now
                #expect(answer.hasPrefix("HTTP/1.1 302"), "answer \(i): \(answer)")
                try await Task.sleep(for: .milliseconds(500))
            }
            #expect(await socket.closedByServer())
            let after = ContinuousClock.now - answered
            #expect(after >= .seconds(1) && after < .seconds(9), "closed \(after) after the last answer")
            #expect(try await clicks(store) == 8)
        }
    }

    /// `Connection: close` is answered, said and done; the visitor hash stored is the day's
    /// HMAC of address and user agent (the format earlier versions stored).
    @Test func aClosingClientIsAnsweredAndItsVisitorHashKeepsItsFormat() async throws {
        try await withLinkServer { store, port in
            let socket = try RawSocket(port: port)
            defer { socket.close() }
            socket.send("GET /r/abc HTTP/1.1\r\nHost: x\r\nUser-Agent: UA-1\r\nConnection: close\r\n\r\n")
            let answer = await socket.response()
            #expect(answer.hasPrefix("HTTP/1.1 302") && answer.contains("\r\nConnection: close\r\n"))
            #expect(await socket.closedByServer())
            let salt = try #require(try await store.execute("SELECT value FROM settings WHERE name LIKE 'visitor_salt_%'").first?.first?.text)
            let key = SymmetricKey(data: SHA256.hash(data: Data(salt.utf8)))
            let mac = Data(HMAC<SHA256>.authenticationCode(for: Data("127.0.0.1\nUA-1".utf8), using: key)).prefix(16)
            let stored = try await store.execute("SELECT visitor_hash FROM clicks WHERE import_id = 0").first?.first?.text
            #expect(stored == Security.base64url(mac))
        }
    }
}
