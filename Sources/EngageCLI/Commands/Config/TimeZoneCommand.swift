import ArgumentParser
import EngageCore
import EngageStore
import Foundation

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
