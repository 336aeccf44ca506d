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
            if let zone { try await settings.setOrgTimeZone(zone) }
            print(try await settings.orgTimeZone())
        }
    }
}
