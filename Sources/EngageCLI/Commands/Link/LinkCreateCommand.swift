import ArgumentParser
import EngageCore
import EngageServer
import EngageStore
import Foundation

struct LinkCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create a tracked link: the UTM-tagged target is stored, the code printed on the first line; GET /r/CODE on `engage serve` redirects and counts.")

    @OptionGroup var database: DatabaseOptions
    @Option(help: "The http(s) address to send visitors to (its query and fragment are kept).") var target: String
    @Option(help: "The advocate sharing the link (an employee_id); none: a brand link.") var employee: String?
    @Option(help: "The content item shared (a content_id).") var content: String?
    @Option(name: .customLong("utm-source")) var utmSource: String?
    @Option(name: .customLong("utm-medium")) var utmMedium: String?
    @Option(name: .customLong("utm-campaign")) var utmCampaign: String?
    @Option(name: .customLong("utm-content")) var utmContent: String?
    @Option(name: .customLong("utm-term")) var utmTerm: String?
    @Option(help: "Use this code instead of a random one.") var code: String?

    func run() async throws {
        try await reportingErrors {
            let tags = UTMBuilder.Tags(source: utmSource, medium: utmMedium, campaign: utmCampaign, content: utmContent, term: utmTerm)
            let store = try await database.open()
            let made = try await Links(store: store).create(.init(target: target, employeeID: employee, contentID: content, tags: tags, code: code),
                                                            now: Int64(Date().timeIntervalSince1970))
            print(made.code)
            print(made.target)
        }
    }
}
