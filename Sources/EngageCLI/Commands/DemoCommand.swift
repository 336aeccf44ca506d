import ArgumentParser
import EngageCore
import EngageImport
import EngageStore
import Foundation

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Generate a realistic demo data set (a year ending yesterday), write it as CSV files and import it.")

    @OptionGroup var database: DatabaseOptions
    @Option(help: "Folder for the generated CSV files.") var out = "engage-demo"
    @Option(help: "Random seed: the same seed gives the same data.") var seed: UInt64 = 20_260_301

    func run() async throws {
        try await reportingErrors {
            let yesterday = LocalDate.utcToday.adding(days: -1)
            var data = DemoData(endingOn: yesterday, seed: seed)
            let counts = try data.write(to: out)
            print("wrote \(counts.values.reduce(0, +)) rows to \(out)/ (\(counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")))")
            let store = try await database.open()
            if let questionnaires = DemoDataWriter.questionnairesFolder() {
                do { try await DemoDataWriter.createSurveys(in: store, endingOn: yesterday, questionnaires: questionnaires) } catch let e as QuestionnaireFile.Refused {
                    throw StoreError(e.description)
                }
            } else {
                try? FileManager.default.removeItem(atPath: out + "/responses.csv")
                printError("engage: questionnaires/ not found (run from the repository): the demo has no survey answers")
            }
            do {
                let summary = try await Importer(store: store).importFolder(out)
                print("imported \(summary.rows) rows into \(store.displayTarget)")
                // one native export per network, each folder with the options a user would give
                var native = 0
                for folder in try DemoNative.write(to: out, endingOn: yesterday, seed: seed) {
                    native += try await Importer(store: store).importPaths([folder.path], options: folder.options).rows
                }
                print("imported \(native) rows of native exports from \(out)/native/ (VK, Telegram, Meta, X, YouTube, TikTok, LinkedIn)")
            } catch let e as ImportFailed {
                printError(e.description)
                throw ExitCode(1)
            }
            let c = yesterday.components
            let firstOfMonth = LocalDate(year: c.year, month: c.month, day: 1)
            let last = firstOfMonth.adding(days: -1)
            let lc = last.components
            let from = LocalDate(year: lc.year, month: lc.month, day: 1)
            let db = database.db.map { " --db \($0)" } ?? ""
            print("""

                Next:
                  engage report social\(db) --format html --output report.html        # last full month, \(from) — \(last)
                  engage report social\(db) --from \(data.firstDay) --to \(yesterday) --format html --lang ru --output year-ru.html
                  engage report social\(db) --from \(from) --to \(last) --format json
                  engage report social\(db) --from \(from) --to \(last) --format md --account vk_zerno
                  engage report advocacy\(db) --from \(data.firstDay) --to \(yesterday) --format html --output advocacy.html
                  engage report survey\(db) --survey pulse-\(c.year) --format html --output survey.html
                  engage serve\(db)                                                    # after: engage user add NAME --role admin\(db)
                """)
        }
    }
}
