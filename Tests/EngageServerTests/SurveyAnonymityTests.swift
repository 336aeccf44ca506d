import EngageCore
import EngageImport
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

/// The attacks of the trust issue on survey anonymity, each reproduced and now failing:
/// the log, the WAL replayed commit by commit, live differencing through the API, the
/// threshold lowered by a request. (The strata join: SurveyReportTests.)
@Suite struct SurveyAnonymityTests {
    /// 30 employees: Sales 12, Ops 12, Legal 6; women and men alternate; every sixth a manager.
    static var employees: String {
        "employee_id,name,department,is_manager,hired_on,birth_year,gender\n" + (1...30).map { i in
            let dept = i <= 12 ? "Sales" : (i <= 24 ? "Ops" : "Legal")
            return "p\(i),Person \(i),\(dept),\(i % 6 == 0 ? "yes" : "no"),2020-01-01,\(1970 + i),\(i % 2 == 0 ? "f" : "m")"
        }.joined(separator: "\n") + "\n"
    }

    /// A fixture with those employees, an express wave and their links: employee → token.
    func withWave(_ engine: Engine, _ body: @escaping @Sendable (Fixture, any TestClientProtocol, [String: String]) async throws -> Void) async throws {
        try await withFixture(engine) { f, client in
            guard case .success = try await importFiles(["employees.csv": Self.employees], into: f.store, dir: NSTemporaryDirectory()) else {
                Issue.record("employees refused"); return
            }
            let data = SurveyData(store: f.store)
            let q = try QuestionnaireFile.load(path: SurveyPageTests.root.appendingPathComponent("questionnaires/express-12.yaml").path)
            try await data.create(id: "pulse", name: "Pulse", questionnaire: q, now: testNow, closesOn: nil)
            let made = try await data.invite(surveyID: "pulse", department: nil, now: testNow, token: ServerSecurity.newSurveyToken, hash: ServerSecurity.tokenHash)
            try await body(f, client, Dictionary(uniqueKeysWithValues: made.map { ($0.employeeID, $0.token) }))
        }
    }

    func send(_ client: any TestClientProtocol, _ token: String, yes: Int) async throws {
        let r = try await client.execute(uri: "/s/\(token)", method: .post, headers: SurveyPageTests.form,
                                         body: ByteBuffer(string: SurveyPageTests.answers(yes: yes) + "&enps=\(yes % 11)"))
        #expect(r.status == .ok && r.text.contains("your answers are taken"))
    }

    /// Respondents of the whole wave and of every group (hidden: 0), from a report's JSON.
    static func counts(_ json: [String: Any]) -> [String: Int] {
        var out = ["all": json["respondents"] as? Int ?? 0]
        for key in ["departments", "roles", "age_bands", "genders"] {
            for g in json[key] as? [[String: Any]] ?? [] {
                let name = g.first { $0.key != "suppressed" && $0.value is String }?.value as? String ?? "?"
                out["\(key):\(name)"] = g["respondents"] as? Int ?? 0
            }
        }
        return out
    }

    /// Before the fix a viewer who polled the survey report before and after one colleague
    /// pressed Send read that colleague's score, eNPS class and comment (25 of 25). Now the
    /// report changes only when at least the threshold (5) of new answers join the whole
    /// wave, and each group's figures only when 5 of that group's join it.
    @Test(arguments: engines) func pollingTheReportAroundOneAnswerTellsNothing(engine: Engine) async throws {
        try await withWave(engine) { f, client, tokens in
            var previous: (text: String, counts: [String: Int])?
            var changes = 0
            for i in 1...24 {
                try await send(client, tokens["p\(i)"]!, yes: i % 13)
                let r = try await client.execute(uri: "/api/v1/reports/survey?survey=pulse", method: .get, headers: bearer(f.hrToken))
                #expect(r.status == .ok)
                let counts = Self.counts(r.jsonObject)
                if let p = previous {
                    for (k, n) in counts {
                        let d = n - (p.counts[k] ?? 0)
                        #expect(d == 0 || d >= 5, "after answer \(i), \(k) changed by \(d)")
                    }
                    if counts == p.counts { #expect(r.text == p.text, "after answer \(i) a figure changed but no count did") } else { changes += 1 }
                }
                previous = (r.text, counts)
            }
            #expect(changes >= 3, "the wave's results did move, in batches")
            #expect(previous?.counts["all"] == 15, "24 sent: released at 10, 15, 20 answers, 5 each; 9 held back")
            // the database agrees: used links and stored answers in the same steps
            #expect(try await f.store.execute("SELECT COUNT(*) FROM survey_invitations WHERE used = 1") == [[.int(15)]])
            // at the close all waiting answers join (9 ≥ 5); groups with fewer than 5 waiting stay out
            try await SurveyData(store: f.store).close(surveyID: "pulse", now: testNow)
            await f.state.releaseSurveys(stopping: false)
            let last = try await client.execute(uri: "/api/v1/reports/survey?survey=pulse", method: .get, headers: bearer(f.hrToken))
            let final = Self.counts(last.jsonObject)
            #expect(final["all"] == 24)
            for (k, n) in final where k != "all" { #expect(n == 0 || n >= 5, "\(k): \(n)") }
            #expect(await f.state.ballotsWaiting("pulse").answers == 0)
        }
    }

    /// Before the fix the access log held every /s/TOKEN with its time: SHA-256 of the token
    /// is the invitation's hash, so each answer was linked to a named employee (45 of 45).
    @Test(arguments: engines) func noLogLineHoldsASurveyToken(engine: Engine) async throws {
        let lines = LogLines()
        try await withWave(engine) { f, _, tokens in
            var logger = Logger(label: "captured") { _ in CapturingLogHandler(lines: lines) }
            logger.logLevel = .trace
            try await EngageServerApp.application(state: f.state, logger: logger).test(.router) { client in
                for i in 1...12 { try await send(client, tokens["p\(i)"]!, yes: i) }
                _ = try await client.execute(uri: "/s/\(tokens["p1"]!)", method: .get)
                _ = try await client.execute(uri: "/s/notavalidtokenatall00000", method: .get)
            }
            let text = lines.all.joined(separator: "\n")
            #expect(!text.isEmpty && text.contains("/s/{token}"))
            for t in tokens.values { #expect(!text.contains(t) && !text.contains(ServerSecurity.tokenHash(t))) }
            #expect(!text.contains("notavalidtokenatall00000"))
        }
    }

    /// Before the fix the WAL file, replayed commit by commit, showed one invitation marked
    /// used and one response added in the same commit (45 of 45 linked). Now a commit that
    /// stores answers stores at least the threshold of them, with exactly as many claims.
    @Test(arguments: engines) func theWALReplayedCommitByCommitLinksNothing(engine: Engine) async throws {
        try await withWave(engine) { f, client, tokens in
            guard let sqlite = f.store as? SQLiteStore else { return }
            try await sqlite.checkpoint()
            for i in 1...23 { try await send(client, tokens["p\(i)"]!, yes: (i * 7) % 13) }
            try await SurveyData(store: f.store).close(surveyID: "pulse", now: testNow)
            await f.state.releaseSurveys(stopping: false)
            let states = try await WALReplay.states(database: sqlite.path) { store in
                let used = Set(try await store.execute("SELECT token_hash FROM survey_invitations WHERE used = 1").compactMap { $0.first?.text })
                let stored = Set(try await store.execute("SELECT vector_key FROM survey_vectors").compactMap { $0.first?.text })
                return (used, stored)
            }
            #expect(states.count > 5, "the WAL held the wave's commits")
            var releases = 0
            for (before, after) in zip(states, states.dropFirst()) {
                let claimed = after.0.subtracting(before.0).count, stored = after.1.subtracting(before.1).count
                #expect(claimed == stored, "a commit claimed \(claimed) links and stored \(stored) answers")
                #expect(stored == 0 || stored >= 5, "a commit stored \(stored) answers")
                if stored > 0 { releases += 1 }
            }
            // 5 at the 10th, 15th and 20th answer; the 8 held back at the close
            #expect(releases == 4 && states.last?.1.count == 23)
        }
    }

    /// Before the fix any viewer could ask for `?threshold=3` and see groups of three.
    @Test(arguments: engines) func aRequestCanOnlyRaiseTheThreshold(engine: Engine) async throws {
        try await withWave(engine) { f, client, _ in
            let low = try await client.execute(uri: "/api/v1/reports/survey?survey=pulse&threshold=3", method: .get, headers: bearer(f.hrToken))
            #expect(low.status == .badRequest && low.errorMessage.contains("can only raise it"))
            let high = try await client.execute(uri: "/api/v1/reports/survey?survey=pulse&threshold=8", method: .get, headers: bearer(f.hrToken))
            #expect(high.status == .ok && high.jsonObject["anonymity_threshold"] as? Int == 8)
            let page = try await client.execute(uri: "/surveys/pulse?threshold=4", method: .get,
                                                headers: [.cookie: "engage_session=\(try await signInCookie(client, "hana"))"])
            #expect(page.status == .badRequest)
            // an admin setting lowers it, never below 3, and it is audited
            let data = SurveyData(store: f.store)
            await #expect(throws: StoreError.self) { try await data.setThreshold(2, actor: "cli:ann", now: testNow) }
            try await data.setThreshold(3, actor: "cli:ann", now: testNow)
            #expect(try await data.threshold() == 3)
            #expect(try await data.auditLog().map { "\($0.actor) \($0.action) \($0.detail)" } == ["cli:ann survey_threshold 5 → 3"])
            let three = try await client.execute(uri: "/api/v1/reports/survey?survey=pulse&threshold=3", method: .get, headers: bearer(f.hrToken))
            #expect(three.status == .ok)
        }
    }

    func signInCookie(_ client: any TestClientProtocol, _ name: String) async throws -> String {
        let page = try await client.execute(uri: "/login", method: .get)
        let csrf = try csrfToken(page)
        let r = try await client.execute(uri: "/login", method: .post,
                                         headers: [.cookie: "engage_pre=\(page.cookies["engage_pre"] ?? "")", .contentType: "application/x-www-form-urlencoded"],
                                         body: ByteBuffer(string: "csrf=\(csrf)&name=\(name)&password=password-\(name)"))
        return try #require(r.cookies["engage_session"])
    }

    /// The answering page shows nothing of who is signed in (before: name and role under
    /// "This survey is anonymous").
    @Test(arguments: engines) func theAnsweringPageShowsNoSession(engine: Engine) async throws {
        try await withWave(engine) { _, client, tokens in
            let cookie = try await signInCookie(client, "vera")
            let page = try await client.execute(uri: "/s/\(tokens["p1"]!)", method: .get, headers: [.cookie: "engage_session=\(cookie)"])
            #expect(page.status == .ok && !page.text.contains("vera") && !page.text.contains("viewer"))
            // not read at all: a bad bearer token, refused everywhere else, is not even looked at
            let bad: HTTPFields = [.authorization: "Bearer not-a-token"]
            #expect(try await client.execute(uri: "/api/v1/reports/social", method: .get, headers: bad).status == .unauthorized)
            let withBad = try await client.execute(uri: "/s/\(tokens["p1"]!)", method: .get, headers: bad)
            #expect(withBad.status == .ok && withBad.text.contains("<form"))
        }
    }

    /// Survey results belong to HR and admins: before, every viewer (an SMM intern) read them.
    @Test(arguments: engines) func onlyHRAndAdminsSeeSurveys(engine: Engine) async throws {
        try await withWave(engine) { f, client, _ in
            for (token, status) in [(f.viewerToken, HTTPResponse.Status.forbidden), (f.analystToken, .forbidden), (f.hrToken, .ok), (f.adminToken, .ok)] {
                #expect(try await client.execute(uri: "/api/v1/reports/survey?survey=pulse", method: .get, headers: bearer(token)).status == status)
            }
            // an hr user reads the social reports too, but does not import
            #expect(try await client.execute(uri: "/api/v1/reports/social", method: .get, headers: bearer(f.hrToken)).status == .ok)
            for (name, status, inNav) in [("vera", HTTPResponse.Status.forbidden, false), ("alex", .forbidden, false), ("hana", .ok, true), ("ada", .ok, true)] {
                let jar: HTTPFields = [.cookie: "engage_session=\(try await signInCookie(client, name))"]
                #expect(try await client.execute(uri: "/surveys/pulse", method: .get, headers: jar).status == status, "\(name)")
                #expect(try await client.execute(uri: "/surveys", method: .get, headers: jar).status == status, "\(name)")
                let home = try await client.execute(uri: "/", method: .get, headers: jar)
                #expect(home.text.contains("href=\"/surveys\"") == inNav, "\(name)")
            }
        }
    }
}

/// Log lines, collected across tasks.
final class LogLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ s: String) { lock.withLock { lines.append(s) } }
    var all: [String] { lock.withLock { lines } }
}

struct CapturingLogHandler: LogHandler {
    let lines: LogLines
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String, function: String, line: UInt) {
        let all = self.metadata.merging(metadata ?? [:]) { _, b in b }
        lines.append("\(message) \(all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))")
    }
}

/// Replays a SQLite database's WAL file commit by commit: the database as it was after each
/// commit, as someone holding a copy of `engage.sqlite` and `engage.sqlite-wal` could see it.
enum WALReplay {
    static func states<T: Sendable>(database path: String, _ read: (any Store) async throws -> T) async throws -> [T] {
        let wal = try Data(contentsOf: URL(fileURLWithPath: path + "-wal"))
        var db = try Data(contentsOf: URL(fileURLWithPath: path))
        guard wal.count >= 32 else { return [] }
        func u32(_ d: Data, _ at: Int) -> UInt32 { d[d.startIndex + at..<d.startIndex + at + 4].reduce(0) { $0 << 8 | UInt32($1) } }
        let pageSize = Int(u32(wal, 8)), salt1 = u32(wal, 16), salt2 = u32(wal, 20)
        var out: [T] = []
        var at = 32
        let dir = NSTemporaryDirectory() + "wal-replay-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // the state before the first commit of the WAL
        out.append(try await snapshot(db, dir: dir, n: 0, read))
        while at + 24 + pageSize <= wal.count {
            guard u32(wal, at + 8) == salt1, u32(wal, at + 12) == salt2 else { break }
            let page = Int(u32(wal, at)), commitSize = Int(u32(wal, at + 4))
            let content = wal[wal.startIndex + at + 24..<wal.startIndex + at + 24 + pageSize]
            let offset = (page - 1) * pageSize
            if db.count < offset + pageSize { db.append(Data(count: offset + pageSize - db.count)) }
            db.replaceSubrange(offset..<offset + pageSize, with: content)
            if commitSize > 0 {
                if db.count > commitSize * pageSize { db = db.prefix(commitSize * pageSize) }
                out.append(try await snapshot(db, dir: dir, n: out.count, read))
            }
            at += 24 + pageSize
        }
        return out
    }

    static func snapshot<T>(_ db: Data, dir: String, n: Int, _ read: (any Store) async throws -> T) async throws -> T {
        let file = dir + "/state-\(n).sqlite"
        try db.write(to: URL(fileURLWithPath: file))
        return try await read(try SQLiteStore(path: file))
    }
}
