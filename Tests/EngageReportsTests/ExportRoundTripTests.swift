import EngageCore
import EngageImport
import EngageReports
import EngageStore
import EngageTestSupport
import Foundation
import Testing

/// export then import gives the same database: same rows, same report, on either engine.
@Suite(.tags(.medium)) struct ExportRoundTripTests {
    static var pairs: [(Engine, Engine)] { engines.flatMap { a in engines.map { b in (a, b) } } }

    @Test(arguments: pairs) func exportThenImportKeepsEverything(from: Engine, to: Engine) async throws {
        let march = Period(from: LocalDate(year: 2026, month: 3, day: 1), to: LocalDate(year: 2026, month: 3, day: 3))
        try await withStore(from) { source, dir in
            let folder = try fixtureFolder(Bundle.module, "golden", into: dir)
            _ = try await Importer(store: source, now: testNow).importFolder(folder)
            guard case .success = try await importFiles(advocacySampleFiles, into: source, dir: dir) else {
                Issue.record("the advocacy sample was refused"); return
            }
            let exported = dir + "/exported"
            let files = try await Exporter(store: source).export(to: exported)
            #expect(files.map(\.rows) == [2, 4, 0, 4, 2, 4, 5, 3, 3, 2, 2, 2, 4, 2, 2, 2, 2, 0, 0, 0, 0, 0, 0, 0])
            let before = try await SocialReportBuilder(store: source).build(period: march).json.serialized(indent: 1)
            var sourceCounts = try await source.counts()
            try await withStore(to) { target, _ in
                _ = try await Importer(store: target, now: testNow).importFolder(exported)
                let after = try await SocialReportBuilder(store: target).build(period: march).json.serialized(indent: 1)
                #expect(after == before)
                var targetCounts = try await target.counts()
                sourceCounts["imports"] = nil
                targetCounts["imports"] = nil
                #expect(targetCounts == sourceCounts)
                #expect(try await target.rollupSnapshot() == (try await source.rollupSnapshot()) || from != to)
                // exporting again gives byte-identical files
                let again = dir + "/again-\(to)"
                _ = try await Exporter(store: target).export(to: again)
                for f in files {
                    let a = try String(contentsOfFile: exported + "/" + f.file, encoding: .utf8)
                    let b = try String(contentsOfFile: again + "/" + f.file, encoding: .utf8)
                    #expect(a == b, "\(f.file) differs after a round trip")
                }
            }
        }
    }
}
