import Crypto
import ExtrasBase64
import EngageStore
import Foundation
import HummingbirdBcrypt

/// Signing, hashing and random tokens. The signing key is the instance's shared secret
/// (stored in the database's `settings`, so every instance behind a load balancer agrees).
struct Security: Sendable {
    let key: SymmetricKey

    init(secret: String) {
        key = SymmetricKey(data: SHA256.hash(data: Data(secret.utf8)))
    }

    static func randomToken(bytes: Int = 32) -> String {
        var g = SystemRandomNumberGenerator()
        return base64url(Data((0..<bytes).map { _ in UInt8.random(in: 0...255, using: &g) }))
    }

    /// Base64 with the URL-safe alphabet and no padding.
    static func base64url(_ d: Data) -> String { base64url(bytes: d) }

    static func base64url(bytes: some Collection<UInt8>) -> String {
        Base64.encodeToString(bytes: bytes, options: [.base64UrlAlphabet, .omitPaddingCharacter])
    }

    func mac(_ text: String) -> String {
        Self.base64url(Data(HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: key)))
    }

    /// `payload.mac`
    func sign(_ payload: String) -> String { payload + "." + mac(payload) }

    /// The payload of a value made by `sign`, if its signature is right.
    func verify(_ signed: String) -> String? {
        guard let dot = signed.lastIndex(of: ".") else { return nil }
        let payload = String(signed[..<dot]), sig = String(signed[signed.index(after: dot)...])
        return Self.same(sig, mac(payload)) ? payload : nil
    }

    /// The CSRF token of forms shown to the holder of `session` (a session cookie, or the
    /// pre-login cookie on the login form).
    func csrf(for session: String) -> String { mac("csrf|" + session) }

    func checkCSRF(_ token: String?, session: String) -> Bool {
        guard let token else { return false }
        return Self.same(token, csrf(for: session))
    }

    /// Constant-time string comparison.
    static func same(_ a: String, _ b: String) -> Bool {
        guard a.utf8.count == b.utf8.count else { return false }
        var diff: UInt8 = 0
        for (x, y) in zip(a.utf8, b.utf8) { diff |= x ^ y }
        return diff == 0
    }

    /// A key for counting login failures of an address: keyed hash, so no address is stored.
    func addressKey(_ address: String) -> String { "addr:" + mac("addr|" + address) }
    func accountKey(_ name: String) -> String { "user:" + mac("user|" + name.lowercased()) }

    /// How API tokens are stored: SHA-256, hex.
    static func tokenHash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    static func hashPassword(_ password: String, cost: UInt8) -> String { Bcrypt.hash(password, cost: cost) }
    static func verifyPassword(_ password: String, hash: String) -> Bool { Bcrypt.verify(password, hash: hash) }
}

/// What the command line needs of the server's security code.
public enum ServerSecurity {
    public static func hashPassword(_ password: String, cost: UInt8 = 12) -> String { Security.hashPassword(password, cost: cost) }
    public static func newAPIToken() -> String { "eng_" + Security.randomToken(bytes: 32) }
    public static func tokenHash(_ token: String) -> String { Security.tokenHash(token) }
    /// A survey link's single-use token (144 random bits).
    public static func newSurveyToken() -> String { Security.randomToken(bytes: 18) }
    /// A short random link code: 8 characters of base64url (48 random bits).
    public static func newLinkCode() -> String { Security.randomToken(bytes: 6) }
}

/// The proxies whose `X-Forwarded-For` is believed (`engage serve --trusted-proxy`): single
/// addresses or CIDR ranges, IPv4 or IPv6. From anyone else the header is ignored, so it
/// cannot dodge the sign-in limit per address or inflate unique visitors.
public struct TrustedProxies: Sendable, Equatable {
    struct Range: Sendable, Equatable {
        var bytes: [UInt8]
        var prefix: Int
    }

    let ranges: [Range]

    /// Parses `127.0.0.1`, `10.0.0.0/8`, `::1`, `fd00::/8`; nil names the first bad entry.
    public init(_ entries: [String]) throws {
        ranges = try entries.map { entry in
            let parts = entry.split(separator: "/", maxSplits: 1).map(String.init)
            guard let bytes = Self.parse(parts[0]) else { throw StoreError("trusted proxy '\(entry)': not an IP address or CIDR range") }
            let prefix = parts.count == 2 ? Int(parts[1]) : bytes.count * 8
            guard let prefix, (0...(bytes.count * 8)).contains(prefix) else { throw StoreError("trusted proxy '\(entry)': bad prefix length") }
            return Range(bytes: bytes, prefix: prefix)
        }
    }

    public static let none = try! TrustedProxies([])

    /// The bytes of an IPv4 or IPv6 address (an IPv4-mapped IPv6 address as IPv4).
    static func parse(_ text: String) -> [UInt8]? {
        var s = text.trimmingCharacters(in: .whitespaces)
        if s.hasPrefix("["), s.hasSuffix("]") { s = String(s.dropFirst().dropLast()) }
        if s.lowercased().hasPrefix("::ffff:"), s.contains(".") { s = String(s.dropFirst(7)) }
        var v4 = in_addr(), v6 = in6_addr()
        if inet_pton(AF_INET, s, &v4) == 1 { return withUnsafeBytes(of: v4) { Array($0) } }
        if inet_pton(AF_INET6, s, &v6) == 1 { return withUnsafeBytes(of: v6) { Array($0) } }
        return nil
    }

    func contains(_ address: String) -> Bool {
        guard let b = Self.parse(address) else { return false }
        return ranges.contains { r in
            guard r.bytes.count == b.count else { return false }
            var bits = r.prefix, i = 0
            while bits > 0 {
                let mask: UInt8 = bits >= 8 ? 0xFF : ~(0xFF >> UInt8(bits))
                if r.bytes[i] & mask != b[i] & mask { return false }
                bits -= 8
                i += 1
            }
            return true
        }
    }

    /// The client's address: the connection's, or — when the connection comes from a
    /// trusted proxy — the nearest `X-Forwarded-For` hop that is not itself a trusted proxy.
    public func client(remote: String?, forwardedFor: String?) -> String {
        guard let remote else { return "unknown" }
        guard !ranges.isEmpty, contains(remote), let header = forwardedFor else { return remote }
        let hops = header.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        for hop in hops.reversed() where !contains(hop) {
            return Self.parse(hop) != nil ? hop : remote
        }
        return hops.first ?? remote
    }
}
