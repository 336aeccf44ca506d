import EngageStore
import EngageTestSupport
import Foundation
import Testing

/// The administration commands as a separate process: what they print, their exit status,
/// and the domain's one-line message (never a stack trace or an HTTP status) when refused.
@Suite(.tags(.medium)) struct AdminCommandTests {
    /// A fresh database with the advocacy sample (employees e1…e3, content, links).
    func withSample(_ engine: Engine, _ body: (String) async throws -> Void) async throws {
        try await withTempDir { dir in
            let db = try freshTarget(engine, dir: dir)
            let store = try openStore(target: db)
            try await store.migrate()
            guard case .success = try await importFiles(advocacySampleFiles, into: store, dir: dir) else {
                Issue.record("sample refused"); return
            }
            try await body(db)
        }
    }

    @Test(arguments: engines) func linksAreMadeByTheSameUseCaseAsTheWebApp(engine: Engine) async throws {
        try await withSample(engine) { db in
            let made = try engage(["link", "create", "--db", db, "--target", "https://example.com/jobs?x=1", "--employee", "e1",
                                   "--utm-source", "linkedin", "--code", "cli-1"])
            #expect(made.status == 0, "\(made.err)")
            #expect(made.lines == ["cli-1", "https://example.com/jobs?x=1&utm_source=linkedin&utm_content=cli-1"])  // the code tags the content

            let again = try engage(["link", "create", "--db", db, "--target", "https://example.com/", "--code", "cli-1"])
            #expect(again.status == 1)
            #expect(again.err == "engage: code: the link code 'cli-1' is taken\n")
            #expect(again.out.isEmpty)

            let stranger = try engage(["link", "create", "--db", db, "--target", "https://example.com/", "--employee", "nobody"])
            #expect(stranger.status == 1)
            #expect(stranger.err == "engage: employee_id: no employee 'nobody' (import employees.csv first)\n")

            let script = try engage(["link", "create", "--db", db, "--target", "javascript:alert(1)"])
            #expect(script.status == 1)
            #expect(script.err.hasPrefix("engage: target: "))

            let random = try engage(["link", "create", "--db", db, "--target", "https://example.com/"])
            #expect(random.status == 0)
            #expect(random.lines.first?.isEmpty == false)
            #expect(random.lines.first != "cli-1")
        }
    }

    @Test(arguments: engines) func clicksArePrunedFromTheCommandLine(engine: Engine) async throws {
        try await withSample(engine) { db in
            let made = try engage(["link", "create", "--db", db, "--target", "https://example.com/", "--code", "prune-1"])
            #expect(made.status == 0, "\(made.err)")
            let dry = try engage(["clicks", "prune", "--db", db, "--before", "2100-01-01", "--dry-run"])
            #expect(dry.status == 1)
            #expect(dry.err == "engage: --before 2100-01-01 is in the future: every click would be removed (nothing was)\n")
            let none = try engage(["clicks", "prune", "--db", db, "--before", "2001-01-01"])
            #expect(none.status == 0, "\(none.err)")
            #expect(none.lines == ["removed 0 clicks before 2001-01-01"])
        }
    }

    @Test(arguments: engines) func usersFromTheCommandLine(engine: Engine) async throws {
        try await withSample(engine) { db in
            let weak = try engage(["user", "add", "--db", db, "--role", "admin", "ada"], stdin: "short\n")
            #expect(weak.status == 1)
            #expect(weak.err.hasPrefix("engage: password: at least "))

            #expect(try engage(["user", "add", "--db", db, "--role", "admin", "ada"], stdin: "a long enough password\n").out == "added ada (admin)\n")
            let advocate = try engage(["user", "add", "--db", db, "--role", "advocate", "--employee", "e3", "vika"], stdin: "another long password\n")
            #expect(advocate.out == "added vika (advocate, employee e3)\n", "\(advocate.err)")

            let twin = try engage(["user", "add", "--db", db, "--role", "viewer", "ADA"], stdin: "a long enough password\n")
            #expect(twin.status == 1)
            #expect(twin.err.contains("a user named 'ADA' already exists"))

            let ghost = try engage(["user", "add", "--db", db, "--role", "advocate", "--employee", "nobody", "gil"], stdin: "a long enough password\n")
            #expect(ghost.err == "engage: employee: no employee 'nobody' (import employees.csv first)\n")

            #expect(try engage(["user", "list", "--db", db]).lines == ["ada\tadmin\t", "vika\tadvocate\te3"])

            let lastAdmin = try engage(["user", "remove", "--db", db, "ada"])
            #expect(lastAdmin.status == 1)
            #expect(lastAdmin.err == "engage: the last admin cannot be removed or demoted\n")
            #expect(try engage(["user", "remove", "--db", db, "nobody"]).status == 1)
            #expect(try engage(["user", "remove", "--db", db, "vika"]).out == "removed vika\n")
        }
    }

    @Test(arguments: engines) func tokensAndTheSurveyThreshold(engine: Engine) async throws {
        try await withSample(engine) { db in
            let token = try engage(["token", "create", "--db", db, "--role", "viewer", "--name", "grafana"])
            #expect(token.status == 0)
            #expect(token.lines.count == 1 && token.lines[0].count >= 32)
            let list = try engage(["token", "list", "--db", db])
            #expect(list.out.contains("grafana"))
            #expect(!list.out.contains(token.lines[0]), "only the token's hash is stored")

            #expect(try engage(["config", "survey-threshold", "--db", db]).out == "5\n")
            let low = try engage(["config", "survey-threshold", "--db", db, "2"])
            #expect(low.status == 1)
            #expect(low.err == "engage: the anonymity threshold is a whole number from 3 to 1000\n")
            #expect(try engage(["config", "survey-threshold", "--db", db, "7"]).out == "7\n")
            let audit = try engage(["config", "audit", "--db", db]).lines
            #expect(audit.count == 1)
            #expect(audit.first?.hasSuffix("\tcli:tester\tsurvey_threshold\t5 → 7") == true)
        }
    }

    /// Rules that lived in a command now live in the use case; the command prints its words.
    @Test(arguments: engines) func settingsAndSurveysFollowTheirRules(engine: Engine) async throws {
        try await withSample(engine) { db in
            #expect(try engage(["config", "timezone", "--db", db]).out == "UTC\n")
            let mars = try engage(["config", "timezone", "--db", db, "Mars/Olympus"])
            #expect(mars.status == 1)
            #expect(mars.err == "engage: unknown time zone 'Mars/Olympus' (use an IANA name such as Europe/Moscow)\n")
            #expect(try engage(["config", "timezone", "--db", db, "Europe/Moscow"]).out == "Europe/Moscow\n")

            let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            let express = root.appendingPathComponent("questionnaires/express-12.yaml").path
            let bad = try engage(["survey", "create", "--db", db, "--questionnaire", express, "--name", "Autumn", "--id", "autumn 2026!"])
            #expect(bad.status == 1)
            #expect(bad.err == "engage: survey id: 1 to 64 letters, digits, - or _\n")
            #expect(try engage(["survey", "create", "--db", db, "--questionnaire", express, "--name", "Autumn", "--id", "autumn-2026"]).out == "autumn-2026\n")
            let twice = try engage(["survey", "create", "--db", db, "--questionnaire", express, "--name", "Autumn", "--id", "autumn-2026"])
            #expect(twice.err == "engage: a survey with id 'autumn-2026' already exists\n")
        }
    }

    @Test func aRefusedImportNamesTheCellAndChangesNothing() async throws {
        try await withTempDir { dir in
            try write(["accounts.csv": "account_id,network\na1,vk\n"], to: dir)
            let db = dir + "/x.sqlite"
            #expect(try engage(["import", "--db", db, dir]).status == 0)
            try write(["accounts.csv": "account_id,network\na2,\n"], to: dir)
            let refused = try engage(["import", "--db", db, dir])
            #expect(refused.status != 0)
            #expect(refused.err.contains("accounts.csv:2:"), "\(refused.err)")
            let counts = try await openStore(target: db).counts()
            #expect(counts["accounts"] == 1)
        }
    }
}
