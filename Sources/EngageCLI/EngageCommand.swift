import ArgumentParser
import EngageCore
import EngageStore
import Foundation

/// `engage`: the one executable.
public struct EngageCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "engage",
        abstract: "Self-hosted engagement analytics: social media, employee advocacy, employee surveys.",
        subcommands: [ImportCommand.self, ExportCommand.self, ReportCommand.self, DemoCommand.self, MigrateCommand.self, ConfigCommand.self, SurveyCommand.self,
                      ServeCommand.self, UserCommand.self, TokenCommand.self, LinkCommand.self, ClicksCommand.self])

    public init() {}
}
