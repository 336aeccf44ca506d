import ArgumentParser
import EngageCore
import EngageStore
import Foundation

struct SurveyThresholdCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "survey-threshold",
        abstract: "Show or set the survey anonymity threshold: the smallest group shown and the smallest batch of answers released (default 5, never below 3). Each change is written to the audit log.")

    @OptionGroup var database: DatabaseOptions
    @Argument(help: "The new threshold (3 to 1000); without it, the current one is printed.") var value: Int?

    func run() async throws {
        try await reportingErrors {
            let data = SurveyData(store: try await database.open())
            if let value {
                let actor = "cli:" + (ProcessInfo.processInfo.environment["USER"] ?? ProcessInfo.processInfo.environment["LOGNAME"] ?? "unknown")
                try await data.setThreshold(value, actor: actor, now: Int64(Date().timeIntervalSince1970))
            }
            print(try await data.threshold())
        }
    }
}
