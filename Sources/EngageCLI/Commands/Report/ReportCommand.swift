import ArgumentParser
import EngageCore
import EngageReports
import EngageStore
import Foundation

struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Print a report.", subcommands: [SocialReportCommand.self, AdvocacyReportCommand.self, ClickTablesCommand.self, SurveyReportCommand.self])
}
