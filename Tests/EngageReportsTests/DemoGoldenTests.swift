import EngageCLI
import EngageCore
import EngageImport
import EngageReports
import EngageStore
import EngageTestSupport
import Foundation
import Testing

/// The demo's reports, byte for byte, against digests recorded in
/// `Fixtures/demo-golden.txt`: a restructuring of the code must not change one figure or
/// one character of any rendering, on either engine. The demo is made for a fixed last day
/// and seed. After a deliberate change of output, rerun with `ENGAGE_UPDATE_GOLDEN=1` and
/// commit the new digests (the texts are written to `.build/demo-golden/` to compare).
@Suite(.tags(.medium)) struct DemoGoldenTests {
    static let lastDay = LocalDate(year: 2026, month: 11, day: 22)
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let goldenFile = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/demo-golden.txt").path

    /// name → text of every report and rendering of the demo.
    static func renderings(_ store: any Store, folder: String) async throws -> [(String, String)] {
        try await DemoDataWriter.createSurveys(in: store, endingOn: lastDay, questionnaires: root.appendingPathComponent("questionnaires").path)
        _ = try await Importer(store: store, now: Int64(lastDay.dayNumber + 1) * 86_400).importFolder(folder)
        let month = Period(from: LocalDate(year: 2026, month: 10, day: 1), to: LocalDate(year: 2026, month: 10, day: 31))
        let year = Period(from: lastDay.adding(days: -364), to: lastDay)
        var out: [(String, String)] = []
        for (name, p) in [("month", month), ("year", year)] {
            let social = try await SocialReportBuilder(store: store).build(period: p)
            out.append(("social-\(name).json", social.json.serialized(indent: 1)))
            out.append(("social-\(name).md", SocialMarkdownRenderer(lang: .ru).render(social)))
            out.append(("social-\(name).csv", SocialCSVRenderer().render(social)))
            out.append(("social-\(name).html", SocialHTMLRenderer(lang: name == "month" ? .en : .ru).render(social)))
            let advocacy = try await AdvocacyReportBuilder(store: store).build(period: p)
            out.append(("advocacy-\(name).json", advocacy.json.serialized(indent: 1)))
            out.append(("advocacy-\(name).html", AdvocacyHTMLRenderer(lang: .ru).render(advocacy)))
            out.append(("clicks-\(name).json", try await ClickTables.build(store: store, period: p).jsonText))
        }
        for id in try await SurveyData(store: store).surveys().map(\.id) {
            let r = try await SurveyReportBuilder(store: store).build(surveyID: id)
            out.append(("survey-\(id).json", r.json.serialized(indent: 1)))
            out.append(("survey-\(id).html", SurveyHTMLRenderer(lang: .ru).render(r)))
            out.append(("survey-\(id).csv", GenericRenderer(title: id).csv(r.json)))
        }
        return out
    }

    /// FNV-1a, 64 bits: enough to tell that a text changed.
    static func digest(_ s: String) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        return String(h, radix: 16)
    }

    @Test(arguments: engines) func theDemosReportsAreUnchanged(engine: Engine) async throws {
        try await withStore(engine) { store, dir in
            let folder = dir + "/demo"
            _ = try DemoDataWriter.write(to: folder, endingOn: Self.lastDay, seed: 7)
            let texts = try await Self.renderings(store, folder: folder)
            let lines = texts.map { "\($0.0) \($0.1.utf8.count) \(Self.digest($0.1))" }
            let out = Self.root.appendingPathComponent(".build/demo-golden/\(engine)").path
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            for (name, text) in texts { try text.write(toFile: out + "/" + name, atomically: true, encoding: .utf8) }
            if ProcessInfo.processInfo.environment["ENGAGE_UPDATE_GOLDEN"] == "1", engine == .sqlite {
                try (lines.joined(separator: "\n") + "\n").write(toFile: Self.goldenFile, atomically: true, encoding: .utf8)
                return
            }
            let golden = try String(contentsOfFile: Self.goldenFile, encoding: .utf8).split(separator: "\n").map(String.init)
            #expect(lines.count == golden.count)
            for (got, want) in zip(lines, golden) { #expect(got == want, "changed (texts in \(out))") }
        }
    }
}
