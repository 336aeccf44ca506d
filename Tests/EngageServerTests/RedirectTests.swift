import EngageCore
import EngageReports
import EngageServer
import EngageStore
import EngageTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
/// Tracked links: the redirect, its click (bots, unknown codes, visitor hashes), through the
/// router and ahead of it over a socket, and links made by the command line's use case.
@Suite struct RedirectTests {
    func withLinks(_ engine: Engine, _ body: @escaping @Sendable (Fixture, any TestClientProtocol) async throws -> Void) async throws {
        try await withFixture(engine) { f, client in
            guard case .success = try await importFiles(advocacySampleFiles, into: f.store, dir: NSTemporaryDirectory()) else {
                Issue.record("sample refused"); return
            }
            try await body(f, client)
        }
    }

    @Test(arguments: engines) func theAdvocacyReportIsServed(engine: Engine) async throws {
        try await withLinks(engine) { f, client in
            let r = try await client.execute(uri: "/api/v1/reports/advocacy?from=2026-02-01&to=2026-02-28", method: .get, headers: bearer(f.viewerToken))
            #expect(r.status == .ok)
            #expect(r.jsonObject["headcount"] as? Int == 3)
            #expect(r.jsonObject["advocate_clicks"] as? Int == 2)
        }
    }

    @Test(arguments: engines) func aTrackedLinkRedirectsAndCountsTheClick(engine: Engine) async throws {
        try await withLinks(engine) { f, client in
            let before = try await f.store.execute("SELECT COUNT(*) FROM clicks").first?.first?.int ?? 0
            let r = try await client.execute(uri: "/r/abc", method: .get, headers: [.userAgent: "Mozilla/5.0 (iPhone) Mobile/15E148", .referer: "https://www.linkedin.com/"])
            #expect(r.status == .found)
            #expect(r.headers[.location] == "https://example.com/office?utm_source=linkedin&utm_medium=advocacy")
            let rows = try await f.store.execute("SELECT link_code, agent_class, is_bot, referrer, visitor_hash, import_id FROM clicks WHERE import_id = 0")
            #expect(rows.count == 1)
            #expect(rows.first?[0] == .text("abc") && rows.first?[1] == .text("mobile") && rows.first?[2] == .int(0))
            #expect(rows.first?[3] == .text("https://www.linkedin.com/"))
            // a hash, not an address
            let hash = rows.first?[4].text ?? ""
            #expect(hash.count == 22 && !hash.contains("."))
            #expect(try await f.store.execute("SELECT COUNT(*) FROM clicks").first?.first?.int == before + 1)
            // the click keeps its UTC day and the link's owner (the advocate it counts for)
            #expect(try await f.store.execute("SELECT day, employee_id FROM clicks WHERE import_id = 0") == [[.int(Int(testNow / 86_400)), .text("e1")]])
        }
    }

    @Test(arguments: engines) func previewFetchersAreRecordedAsBots(engine: Engine) async throws {
        try await withLinks(engine) { f, client in
            let r = try await client.execute(uri: "/r/abc", method: .get, headers: [.userAgent: "TelegramBot (like TwitterBot)"])
            #expect(r.status == .found)
            #expect(try await f.store.execute("SELECT agent_class, is_bot FROM clicks WHERE import_id = 0") == [[.text("bot"), .int(1)]])
        }
    }

    @Test(arguments: engines) func unknownCodesAre404AndRecordNothing(engine: Engine) async throws {
        try await withLinks(engine) { f, client in
            let before = try await f.store.execute("SELECT COUNT(*) FROM clicks")
            for code in ["nope", "../etc", String(repeating: "x", count: 100)] {
                let r = try await client.execute(uri: "/r/\(code)", method: .get)
                #expect(r.status == .notFound, "\(code)")
                #expect(r.headers[.location] == nil)
            }
            #expect(try await f.store.execute("SELECT COUNT(*) FROM clicks") == before)
        }
    }

    @Test(arguments: engines) func theSameVisitorHashesAlikeWithinADay(engine: Engine) async throws {
        try await withLinks(engine) { f, client in
            for _ in 0..<3 { _ = try await client.execute(uri: "/r/brand1", method: .get, headers: [.userAgent: "UA-1"]) }
            _ = try await client.execute(uri: "/r/brand1", method: .get, headers: [.userAgent: "UA-2"])
            let hashes = try await f.store.execute("SELECT COUNT(DISTINCT visitor_hash), COUNT(*) FROM clicks WHERE import_id = 0")
            #expect(hashes == [[.int(2), .int(4)]])
            #expect(try await f.store.execute("SELECT COUNT(*) FROM settings WHERE name LIKE 'visitor_salt_%'") == [[.int(1)]])
        }
    }

    /// Over a real socket: plain redirects are answered ahead of the HTTP/1 parser
    /// (RedirectFrontHandler: the first for a link reads it from the database, the next from
    /// memory), other methods and paths reach the router; each stores its click before
    /// answering.
    @Test(arguments: engines) func redirectsOverASocketAreAnsweredAheadOfTheRouterAlike(engine: Engine) async throws {
        try await withStore(engine) { store, dir in
            let f = try await Fixture.make(store, dir: dir, configure: { $0.port = 0 })
            guard case .success = try await importFiles(advocacySampleFiles, into: store, dir: dir) else { Issue.record("refused"); return }
            try await f.app.test(.live) { client in
                var locations: [String?] = []
                for _ in 0..<3 {
                    let r = try await client.execute(uri: "/r/abc", method: .get, headers: [.userAgent: "Mozilla/5.0 (iPhone) Mobile/15E148"])
                    #expect(r.status == .found)
                    locations.append(r.headers[.location])
                }
                #expect(Set(locations) == ["https://example.com/office?utm_source=linkedin&utm_medium=advocacy"])
                let bot = try await client.execute(uri: "/r/abc", method: .get, headers: [.userAgent: "TelegramBot (like TwitterBot)"])
                #expect(bot.status == .found)
                let rows = try await store.execute("SELECT agent_class, is_bot, employee_id, day FROM clicks WHERE import_id = 0 ORDER BY is_bot, occurrence")
                #expect(rows.count == 4)
                #expect(rows.map(\.[1]) == [.int(0), .int(0), .int(0), .int(1)])
                #expect(rows.allSatisfy { $0[2] == .text("e1") && $0[3] == .int(Int(testNow / 86_400)) })
                // one visitor, one day: one hash for the three human clicks
                #expect(try await store.execute("SELECT COUNT(DISTINCT visitor_hash) FROM clicks WHERE import_id = 0 AND is_bot = 0") == [[.int(1)]])
                // unknown codes, other methods and other paths still reach the router
                #expect(try await client.execute(uri: "/r/nope", method: .get).status == .notFound)
                #expect(try await client.execute(uri: "/r/abc", method: .post).status != .found)
                #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
                #expect(try await store.execute("SELECT COUNT(*) FROM clicks WHERE import_id = 0") == [[.int(4)]])
                // a client that asks to close gets its redirect, then the connection closes
                let last = try await client.execute(uri: "/r/abc", method: .get, headers: [.connection: "close"])
                #expect(last.status == .found)
            }
        }
    }

    @Test(arguments: engines) func linkCodesFromTheCommandLineTagTheTarget(engine: Engine) async throws {
        try await withStore(engine) { store, dir in
            guard case .success = try await importFiles(advocacySampleFiles, into: store, dir: dir) else { Issue.record("refused"); return }
            let web = Links(store: store)
            try await web.add(.init(code: "new1", target: "https://example.com/x?a=1", employeeID: "e1"), now: testNow)
            await #expect(throws: StoreError.self) { try await web.add(.init(code: "new1", target: "https://example.com/"), now: testNow) }
            await #expect(throws: StoreError.self) { try await web.add(.init(code: "new2", target: "https://example.com/", employeeID: "nobody"), now: testNow) }
        }
    }
}
