import ArgumentParser
import EngageCore
import EngageServer
import EngageStore
import Foundation

struct LinkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "link", abstract: "Tracked links.", subcommands: [LinkCreateCommand.self])
}
