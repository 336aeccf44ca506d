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
    @Option(help: "SMTP server for scheduled reports (none: no mail is sent). Its password, if any, is read from $ENGAGE_SMTP_PASSWORD.") var smtpHost: String?
    @Option(help: "SMTP port (587 for starttls, 465 for tls, 25 for a plain relay).") var smtpPort: Int?
    @Option(help: "starttls (default), tls, or none (a relay on a trusted network).") var smtpSecurity = "starttls"
    @Option(help: "SMTP user name (AUTH PLAIN, over TLS only).") var smtpUser: String?
    @Option(help: "The sender address of mail (e.g. reports@example.com).") var smtpFrom: String?
    @Option(help: "PEM file of certificates to trust for the SMTP server besides the system's (a private CA).") var smtpCaFile: String?
    @Option(help: "Seconds before a message not sent is tried again (doubled each time, at most an hour).") var mailRetrySeconds: Int64 = 60

    func validate() throws {
        guard let host = smtpHost else {
            if smtpFrom != nil || smtpUser != nil || smtpPort != nil { throw ValidationError("--smtp-from, --smtp-user and --smtp-port need --smtp-host") }
            return
        }
        guard !host.isEmpty, host.count <= 253 else { throw ValidationError("--smtp-host: a host name or address") }
        guard SMTPConfig.Security(rawValue: smtpSecurity) != nil else { throw ValidationError("--smtp-security: starttls, tls or none") }
        guard let from = smtpFrom, MailMessage.isAddress(from) else { throw ValidationError("--smtp-from: the sender address, e.g. reports@example.com") }
        if let p = smtpPort, !(1...65_535).contains(p) { throw ValidationError("--smtp-port: 1 to 65535") }
        if smtpUser != nil, smtpSecurity == "none" { throw ValidationError("--smtp-user needs TLS (--smtp-security starttls or tls): a password is never sent in the clear") }
        guard (1...86_400).contains(mailRetrySeconds) else { throw ValidationError("--mail-retry-seconds: 1 to 86400") }
    }

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
            config.mailRetrySeconds = mailRetrySeconds
            config.questionnairesFolder = DemoDataWriter.questionnairesFolder()
            if let host = smtpHost, let from = smtpFrom {
                var smtp = SMTPConfig(host: host, from: from)
                smtp.security = SMTPConfig.Security(rawValue: smtpSecurity) ?? .starttls
                smtp.port = smtpPort ?? (smtp.security == .tls ? 465 : smtp.security == .none ? 25 : 587)
                smtp.username = smtpUser
                smtp.password = ProcessInfo.processInfo.environment["ENGAGE_SMTP_PASSWORD"]
                smtp.caFile = smtpCaFile
                config.smtp = smtp
            }
            if try await Users(store: store).count() == 0 {
                printError("engage: no users yet; create one with `engage user add NAME --role admin --db \(store.displayTarget)`")
            }
            try await EngageServerApp.serve(store: store, config: config)
        }
    }
}
