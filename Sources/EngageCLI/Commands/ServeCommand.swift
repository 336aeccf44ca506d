import ArgumentParser
import EngageServer
import EngageStore
import Foundation

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the dashboard and the HTTP API (/api/v1, /healthz, /metrics, /openapi.yaml).",
        discussion: "Create a first user with `engage user add NAME --role admin`. SIGTERM or Ctrl-C stops the server after in-flight requests finish.")

    @OptionGroup var database: DatabaseOptions
    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on.") var port = 8080
    @Flag(help: "Mark cookies Secure (when served over HTTPS or behind a TLS proxy).") var secureCookies = false
    @Option(help: "Largest upload accepted, in MiB.") var maxUploadMb = 64
    @Option(help: "The public address short links are shown with (e.g. https://go.example.com); default: the request's own host.") var publicURL: String?
    @Option(name: .customLong("trusted-proxy"), help: "A reverse proxy (address or CIDR range) whose X-Forwarded-For is believed; repeatable. Default: none.")
    var trustedProxies: [String] = []

    func run() async throws {
        try await reportingErrors {
            let store = try await database.open()
            var config = ServerConfig()
            config.host = host
            config.port = port
            config.secureCookies = secureCookies
            config.maxBodyBytes = maxUploadMb * 1024 * 1024
            config.publicURL = publicURL
            config.trustedProxies = try TrustedProxies(trustedProxies)
            if try await Users(store: store).count() == 0 {
                printError("engage: no users yet; create one with `engage user add NAME --role admin --db \(store.displayTarget)`")
            }
            try await EngageServerApp.serve(store: store, config: config)
        }
    }
}
