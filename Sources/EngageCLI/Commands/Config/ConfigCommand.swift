import ArgumentParser
import EngageCore
import EngageStore
import Foundation

struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "config", abstract: "Settings kept in the database (shared by every instance).",
                                                    subcommands: [TimeZoneCommand.self, SurveyThresholdCommand.self, AuditLogCommand.self])
}
