import EngageCore
import EngageImport
import EngageReports
import EngageStore
import EngageTestSupport
import Foundation
import PropertyBased
import Testing

/// A fuzz target for the CSV reader and the importer: files stitched together from hostile
/// pieces (huge and negative numbers, broken quoting, NUL and invalid UTF-8 bytes, BOMs, mixed
/// delimiters and line ends, long fields, odd dates and zones). Whatever comes in, an import
/// either succeeds or is refused with `ImportFailed`, and a report over what was stored is
/// built or refused with an error: nothing traps, hangs or throws anything else. Runs
/// `ENGAGE_FUZZ_COUNT` cases (default 300; scripts/test.sh runs it in CI).
@Suite(.tags(.medium)) struct HostileCSVTests {
    static let headers: [String: String] = [
        "accounts.csv": "account_id,network,name,competitor,timezone",
        "account_daily.csv": "account_id,date,followers,new_followers,unfollows,reach,impressions",
        "posts.csv": "post_id,account_id,published_at,likes,comments,shares,views,reach,clicks,spend,type,rubric,text",
        "costs.csv": "date,amount,account_id,note",
        "messages.csv": "message_id,account_id,received_at,is_question,replied_at",
        "sessions.csv": "session_id,visitor_id,started_at,converted,conversion_value,lead",
        "employees.csv": "employee_id,name,department,is_manager,hired_on,birth_year,gender",
        "shares.csv": "share_id,employee_id,shared_at,impressions,likes,comments,shares,clicks",
        "clicks.csv": "clicked_at,link_code,visitor_hash,user_agent",
    ]

    /// Pieces of fields and separators, as bytes.
    static let pieces: [[UInt8]] = {
        let text: [String] = [
            "vk_main", "tg_comp", "x", "", " ", "9223372036854775807", "9223372036854775808", "-1", "1000000000000", "1000000000001",
            "1e18", "1 000", "1\u{00A0}000", "3,5", "3.5", "99999999999999999999", "0", "007", "NaN", "inf",
            "2026-03-01", "2026-02-30", "0000-01-01", "9999-12-31", "2026-03-01T10:00:00Z", "2026-03-01T10:00:00+14:00",
            "2026-03-01T25:61:61Z", "2026-03-01 10:00", "Europe/Moscow", "Mars/Olympus", "UTC", "true", "да", "maybe",
            "=HYPERLINK(\"x\")", "'=1+1", "привет", "😀", String(repeating: "a", count: 5000), "\u{202E}", "\u{200B}",
            ",", ";", "\t", "\"", "\"\"", "\"quoted, field\"", "\"never closed", "\r", "\n", "\r\n",
        ]
        var out = text.map { Array($0.utf8) }
        out += [[0x00], [0xFF, 0xFE], [0xEF, 0xBB, 0xBF], [0xCF, 0xF0, 0xE8], [0xC3], [0xE2, 0x80], [0xF4, 0x90, 0x80, 0x80]]
        return out
    }()

    static let files = headers.keys.sorted()

    @Test func hostileFilesAreImportedOrRefusedNeverTrapped() async throws {
        let count = Int(ProcessInfo.processInfo.environment["ENGAGE_FUZZ_COUNT"] ?? "") ?? 300
        try await withStore(.sqlite) { store, dir in
            guard case .success = try await importFiles(["accounts.csv": accountsCSV], into: store, dir: dir) else { Issue.record("base"); return }
            let march = Period(from: LocalDate(year: 2026, month: 3, day: 1), to: LocalDate(year: 2026, month: 3, day: 31))
            let outcomes = Outcomes()
            let row = Gen.int(in: 0...(Self.pieces.count - 1)).array(of: 1...14)
            await propertyCheck(count: count, input: Gen.int(in: 0...(Self.files.count - 1)), row.array(of: 0...12), Gen.bool()) { fileIndex, rows, header in
                let name = Self.files[fileIndex]
                var bytes = header ? Array((Self.headers[name]! + "\n").utf8) : []
                for r in rows {
                    for (i, p) in r.enumerated() {
                        bytes += Self.pieces[p]
                        if i < r.count - 1 { bytes += [UInt8(ascii: ",")] }
                    }
                    bytes += [10]
                }
                let sub = dir + "/" + UUID().uuidString
                do {
                    try FileManager.default.createDirectory(atPath: sub, withIntermediateDirectories: true)
                    try Data(bytes).write(to: URL(fileURLWithPath: sub + "/" + name))
                    _ = try await Importer(store: store, now: testNow).importFolder(sub)
                    outcomes.add(imported: true)
                } catch is ImportFailed {
                    outcomes.add(imported: false)
                } catch {
                    Issue.record("\(name): not an ImportFailed but \(error)")
                }
                do { _ = try await SocialReportBuilder(store: store).build(period: march) } catch is ArithmeticOverflow {} catch {
                    Issue.record("report: \(error)")
                }
                try? FileManager.default.removeItem(atPath: sub)
            }
            // the cases reach both ends: some files are stored, some refused
            let (imported, refused) = outcomes.counts
            #expect(imported > 0 && refused > 0, "imported \(imported), refused \(refused)")
        }
    }
}

final class Outcomes: @unchecked Sendable {
    private let lock = NSLock()
    private var imported = 0, refused = 0
    func add(imported ok: Bool) { lock.withLock { if ok { imported += 1 } else { refused += 1 } } }
    var counts: (Int, Int) { lock.withLock { (imported, refused) } }
}
