import EngageCLI
import EngageCore
import EngageImport
import EngageReports
import EngageStore
import EngageTestSupport
import Foundation
import Testing

/// The same data gives the same reports (social and advocacy) on both engines, key by key.
@Suite(.tags(.medium), .enabled(if: engines.contains(.postgres))) struct EngineParityTests {
    func reports(_ folder: String, periods: [Period]) async throws -> [Engine: [String]] {
        var out: [Engine: [String]] = [:]
        for engine in Engine.allCases {
            out[engine] = try await withStore(engine) { store, _ in
                let yesterday = LocalDate(dayNumber: Int(Date().timeIntervalSince1970) / 86_400 - 1)
                let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                try await DemoDataWriter.createSurveys(in: store, endingOn: yesterday, questionnaires: root.appendingPathComponent("questionnaires").path)
                _ = try await Importer(store: store).importFolder(folder)
                var texts: [String] = []
                for p in periods {
                    texts.append(try await SocialReportBuilder(store: store).build(period: p).json.serialized(indent: 1))
                    texts.append(try await AdvocacyReportBuilder(store: store).build(period: p).json.serialized(indent: 1))
                }
                for id in try await SurveyData(store: store).surveys().map(\.id) {
                    texts.append(try await SurveyReportBuilder(store: store).build(surveyID: id).json.serialized(indent: 1))
                }
                return texts
            }
        }
        return out
    }

    @Test func demoDataSetGivesIdenticalReports() async throws {
        try await withTempDir { dir in
            let yesterday = LocalDate(dayNumber: Int(Date().timeIntervalSince1970) / 86_400 - 1)
            let folder = dir + "/demo"
            _ = try DemoDataWriter.write(to: folder, endingOn: yesterday, seed: 7)
            let c = yesterday.components
            let first = LocalDate(year: c.year, month: c.month, day: 1)
            let lastMonth = Period(from: LocalDate(year: first.adding(days: -1).components.year, month: first.adding(days: -1).components.month, day: 1),
                                   to: first.adding(days: -1))
            let year = Period(from: yesterday.adding(days: -364), to: yesterday)
            let r = try await reports(folder, periods: [lastMonth, year])
            let sqlite = try #require(r[.sqlite]), postgres = try #require(r[.postgres])
            #expect(sqlite.count == 7)
            for (a, b) in zip(sqlite, postgres) {
                let la = a.split(separator: "\n"), lb = b.split(separator: "\n")
                #expect(la.count == lb.count)
                let firstDiff = zip(la, lb).enumerated().first { $0.element.0 != $0.element.1 }
                #expect(firstDiff == nil, "first difference at line \(firstDiff?.offset ?? -1): \(firstDiff.map { "\($0.element.0) vs \($0.element.1)" } ?? "")")
            }
        }
    }
}
