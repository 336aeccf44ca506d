import EngageCLI

@main
struct Entrypoint {
    static func main() async { await EngageCommand.main() }
}
