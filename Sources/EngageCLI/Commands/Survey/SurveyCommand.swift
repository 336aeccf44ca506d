import ArgumentParser
import EngageCore
import EngageImport
import EngageReports
import EngageServer
import EngageStore
import Foundation

struct SurveyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "survey", abstract: "Employee engagement survey waves.",
                                                    subcommands: [SurveyCreateCommand.self, SurveyListCommand.self, SurveyInviteCommand.self,
                                                                  SurveyRemindersCommand.self, SurveyCloseCommand.self])
}

/// employee_id → (name, email), for invitation and reminder lists.
func employeeContacts(_ store: any Store) async throws -> [String: (String, String)] {
    try await Employees(store: store).contacts().mapValues { ($0.name, $0.email) }
}
