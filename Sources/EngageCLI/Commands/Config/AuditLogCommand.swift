import ArgumentParser
import EngageCore
import EngageStore
import Foundation

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
