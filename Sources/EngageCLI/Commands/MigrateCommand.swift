import ArgumentParser
import EngageCore
import EngageStore
import Foundation

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "migrate", abstract: "Apply pending schema migrations and print the schema version.")
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        try await reportingErrors {
            let store = try openStore(target: database.target)
            let v = try await store.migrate()
            print("schema version \(v) (\(store.engine): \(store.displayTarget))")
        }
    }
}
