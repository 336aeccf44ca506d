import ArgumentParser
import Foundation
import EngageCore
import EngageStore

struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "config", abstract: "Settings kept in the database (shared by every instance).",
                                                    subcommands: [TimeZoneCommand.self, SurveyThresholdCommand.self, AuditLogCommand.self])
}

struct TimeZoneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "timezone",
        abstract: "Show or set the organisation's time zone (IANA, e.g. Europe/Moscow): advocacy periods are cut in it. Default UTC.")

    @OptionGroup var database: DatabaseOptions
    @Argument(help: "The new zone; without it, the current one is printed.") var zone: String?

    func run() async throws {
        try await reportingErrors {
            let settings = Settings(store: try await database.open())
            if let zone {
                guard ZoneClock(identifier: zone) != nil else { throw StoreError("unknown time zone '\(zone)' (use an IANA name such as Europe/Moscow)") }
                try await settings.set(Settings.orgTimeZoneSetting, zone)
            }
            print(try await settings.value(Settings.orgTimeZoneSetting) ?? "UTC")
        }
    }
}

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

struct AuditLogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "audit", abstract: "Print the audit log (changes to privacy settings), newest first.")
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        try await reportingErrors {
            for e in try await SurveyData(store: try await database.open()).auditLog() {
                print("\(e.at.isoUTC)\t\(e.actor)\t\(e.action)\t\(e.detail)")
            }
        }
    }
}
