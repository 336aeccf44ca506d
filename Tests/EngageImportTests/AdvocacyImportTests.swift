import EngageCore
import EngageImport
import EngageStore
import EngageTestSupport
import Foundation
import Testing

/// The advocacy files of CONTRACT.md §1: typed, checked, referring to earlier rows, all or
/// nothing, idempotent — on both engines.
@Suite struct AdvocacyImportTests {
    static let files = advocacySampleFiles

    @Test(arguments: engines) func everyAdvocacyFileImports(engine: Engine) async throws {
        try await withStore(engine) { store, dir in
            let r = try await importFiles(Self.files, into: store, dir: dir)
            guard case .success(let summary) = r else { Issue.record("refused: \(r)"); return }
            #expect(summary.files.map(\.file) == ["employees.csv", "invitations.csv", "content.csv", "shares.csv", "links.csv",
                                                  "clicks.csv", "leads.csv", "ssi.csv", "candidates.csv", "emv_rates.csv"])
            #expect(summary.files.map(\.rows) == [3, 3, 2, 2, 2, 4, 2, 2, 2, 2])
            // clicks keep their UTC day and their link's owner (brand links: none)
            let owners = try await store.execute("SELECT link_code, day, employee_id FROM clicks GROUP BY link_code, day, employee_id ORDER BY link_code COLLATE BINARY, day")
            let feb3: StoreValue = .int(LocalDate(year: 2026, month: 2, day: 3).dayNumber)
            let feb4: StoreValue = .int(LocalDate(year: 2026, month: 2, day: 4).dayNumber)
            let expected: [[StoreValue]] = [[.text("abc"), feb3, .text("e1")], [.text("brand1"), feb4, .null]]
            #expect(owners == expected)
            // networks as written (EMVRates lower-cases them when read), values as decimals
            let emv = try await store.execute("SELECT network, action, from_day, value FROM emv_rates ORDER BY network COLLATE BINARY")
            #expect(emv == [[.text("*"), .text("likes"), .int(LocalDate(year: 2000, month: 1, day: 1).dayNumber), .double(0.1)],
                            [.text("linkedin"), .text("clicks"), .int(LocalDate(year: 2026, month: 2, day: 4).dayNumber), .double(1.5)]])
            // typed values as stored
            let e = try await store.execute("SELECT is_manager, hired_on, left_on, birth_year FROM employees WHERE employee_id = 'e2'")
            #expect(e == [[.int(1), .int(LocalDate(year: 2023, month: 5, day: 1).dayNumber), .int(LocalDate(year: 2026, month: 2, day: 15).dayNumber), .int(1985)]])
            let inv = try await store.execute("SELECT invited_at, joined_at FROM invitations WHERE employee_id = 'e3'")
            // +03:00 read as such: 09:00 Moscow = 06:00 UTC
            let feb1 = Int(LocalDate(year: 2026, month: 2, day: 1).dayNumber) * 86_400
            #expect(inv == [[.int(feb1 + 6 * 3600), .int(feb1 + 86_400 + 9 * 3600)]])
            #expect(try await store.execute("SELECT status FROM content WHERE content_id = 'c1'") == [[.text("published")]])
            let clicks = try await store.execute("SELECT link_code, visitor_hash, occurrence, agent_class, is_bot FROM clicks ORDER BY clicked_at, occurrence")
            #expect(clicks == [
                [.text("abc"), .text("v1"), .int(1), .text("mobile"), .int(0)],
                [.text("abc"), .text("v1"), .int(2), .text("mobile"), .int(0)],
                [.text("abc"), .text(""), .int(1), .text("bot"), .int(1)],
                [.text("brand1"), .text("v2"), .int(1), .text("desktop"), .int(0)],
            ])
            #expect(try await store.execute("SELECT value_cents, won FROM leads WHERE lead_id = 'l1'") == [[.int(150_050), .int(1)]])
            #expect(try await store.execute("SELECT total, people FROM ssi ORDER BY day") == [[.double(55.5), .double(13.5)], [.double(61), .double(15)]])
            // importing the same files again stores nothing twice
            let again = try await importFiles(Self.files, into: store, dir: dir)
            guard case .success = again else { Issue.record("second import refused"); return }
            let counts = try await store.execute("""
                SELECT (SELECT COUNT(*) FROM employees), (SELECT COUNT(*) FROM invitations), (SELECT COUNT(*) FROM clicks),
                       (SELECT COUNT(*) FROM shares), (SELECT COUNT(*) FROM ssi)
                """)
            #expect(counts == [[.int(3), .int(3), .int(4), .int(2), .int(2)]])
        }
    }

    @Test(arguments: engines) func referencesMayPointAtEarlierImports(engine: Engine) async throws {
        try await withStore(engine) { store, dir in
            guard case .success = try await importFiles(["employees.csv": Self.files["employees.csv"]!], into: store, dir: dir)
            else { Issue.record("refused"); return }
            let r = try await importFiles(["shares.csv": "share_id,employee_id,shared_at\ns9,e2,2026-02-01T00:00:00Z\n"], into: store, dir: dir)
            guard case .success = r else { Issue.record("refused: \(r)"); return }
        }
    }

    @Test(arguments: engines) func badRowsAreRefusedWithTheirPlace(engine: Engine) async throws {
        try await withStore(engine) { store, dir in
            var files = Self.files
            files["invitations.csv"] = "employee_id,invited_at,joined_at\ne9,2026-01-15T09:00:00Z,\ne1,2026-01-15T09:00:00Z,2026-01-14T09:00:00Z\n"
            files["content.csv"] = Self.files["content.csv"]! + "c5,,ftp://example.com/x,,,draft,,\n"
            files["ssi.csv"] = "employee_id,date,total,brand,people,insights,relationships\ne1,2026-02-01,130,10,10,10,10\ne1,2026-02-02,50,10,10,10,10\n"
            files["clicks.csv"] = "clicked_at,link_code\n2026-02-03T10:00:00Z,nope\n"
            files["employees.csv"] = Self.files["employees.csv"]! + "e4,X,,,,,2026-02-01,2026-01-01,1700,\n"
            files["emv_rates.csv"] = "network,action,value,from\nvk,reposts,1.00,2026-01-01\nvk,likes,-1,2026-01-01\n"
            let r = try await importFiles(files, into: store, dir: dir)
            guard case .failure(let f) = r else { Issue.record("accepted"); return }
            #expect(f.errors.map(\.description) == [
                "employees.csv:5:21: left_on: is earlier than hired_on",
                "employees.csv:5:32: birth_year: 1700 is not a plausible year of birth",
                "invitations.csv:2:1: employee_id: no employee 'e9' (in employees.csv of this import or an earlier one)",
                "invitations.csv:3:25: joined_at: is earlier than invited_at",
                "content.csv:4:5: url: expected a web address: only http:// and https:// addresses, not 'ftp://example.com/x'",
                "content.csv:4:27: status: expected one of submitted, approved, rejected, published, got 'draft'",
                "clicks.csv:2:22: link_code: no tracked link 'nope' (in links.csv of this import or an earlier one)",
                "ssi.csv:2:15: total: must be from 0 to 100, got 130.0",
                "ssi.csv:3:15: total: 50.0 is not the sum of its four parts (40.0)",
                "emv_rates.csv:2:4: action: expected one of impressions, clicks, likes, comments, shares, got 'reposts'",
                "emv_rates.csv:3:10: value: must not be negative, got '-1'",
            ])
            let n = try await store.execute("SELECT (SELECT COUNT(*) FROM employees) + (SELECT COUNT(*) FROM shares)")
            #expect(n == [[.int(0)]], "nothing of a refused import is kept")
        }
    }
}
