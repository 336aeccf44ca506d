import ArgumentParser
import EngageServer
import EngageStore
import Foundation

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "token", abstract: "API tokens for scripts.",
                                                    subcommands: [TokenCreateCommand.self, TokenListCommand.self, TokenRevokeCommand.self])
}
