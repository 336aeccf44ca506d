import Foundation

/// UTM tags onto a web address: `utm_source`, `utm_medium`, `utm_campaign`, `utm_content`,
/// `utm_term` are appended to the query (replacing tags of the same name already there);
/// the rest of the query and the fragment are kept as they were.
public enum UTMBuilder {
    public struct Tags: Sendable, Equatable {
        public var source, medium, campaign, content, term: String?
        public init(source: String? = nil, medium: String? = nil, campaign: String? = nil, content: String? = nil, term: String? = nil) {
            self.source = source
            self.medium = medium
            self.campaign = campaign
            self.content = content
            self.term = term
        }

        var pairs: [(String, String)] {
            [("utm_source", source), ("utm_medium", medium), ("utm_campaign", campaign), ("utm_content", content), ("utm_term", term)]
                .compactMap { k, v in v.flatMap { $0.isEmpty ? nil : (k, $0) } }
        }
    }

    public struct Refused: Error, CustomStringConvertible, Equatable {
        public var description: String
    }

    /// Longest link target, in bytes.
    public static let maxTargetLength = 2_048

    /// A web address as Engage stores and redirects to it: absolute http(s) with a host; no
    /// user name or password (`https://bank.example@evil.example` is refused); no spaces,
    /// tabs or line breaks (a CR/LF could split the `Location` header); a Unicode host in
    /// Punycode (`кофе.рф` → `xn--k1aahe.xn--p1ai`: a look-alike host cannot hide) and any
    /// other non-ASCII character percent-encoded. Throws `Refused` naming the problem.
    public static func target(_ raw: String) throws -> String {
        let s = raw.trimmingCharacters(in: .whitespaces)
        func refuse(_ why: String) -> Refused { Refused(description: "\(why), not '\(s.prefix(60))'") }
        if s.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F || $0.properties.isWhitespace }) {
            throw refuse("a web address has no spaces, tabs or line breaks")
        }
        let lower = s.lowercased()
        let scheme = lower.hasPrefix("https://") ? "https" : (lower.hasPrefix("http://") ? "http" : nil)
        guard let scheme else { throw refuse("only http:// and https:// addresses") }
        let afterScheme = s.dropFirst(scheme.count + 3)
        let authorityEnd = afterScheme.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? afterScheme.endIndex
        let authority = afterScheme[..<authorityEnd], rest = afterScheme[authorityEnd...]
        if authority.contains("@") || authority.contains("\\") { throw refuse("no user name or password in a web address") }
        var host = String(authority), port = ""
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { throw refuse("an IPv6 host needs its closing ]") }
            port = String(host[host.index(after: close)...])
            host = String(host[...close])
            guard host.dropFirst().dropLast().allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else { throw refuse("not an IPv6 address") }
        } else {
            if let colon = host.lastIndex(of: ":") {
                port = String(host[colon...])
                host = String(host[..<colon])
            }
            guard let ascii = Punycode.asciiHost(host), !ascii.isEmpty, ascii.count <= 253,
                  ascii.allSatisfy({ ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "." || $0 == "-" }),
                  !ascii.hasPrefix("."), !ascii.contains("..") else { throw refuse("not a host name") }
            host = ascii
        }
        guard port.isEmpty || (port.count > 1 && port.count <= 6 && port.dropFirst().allSatisfy(\.isNumber)) else { throw refuse("not a port") }
        var tail = ""
        for u in rest.unicodeScalars {
            if u.isASCII { tail.unicodeScalars.append(u) } else { for b in String(u).utf8 { tail += String(format: "%%%02X", b) } }
        }
        let out = scheme + "://" + host + port + tail
        guard out.utf8.count <= maxTargetLength else { throw refuse("a web address of at most \(maxTargetLength) bytes") }
        return out
    }

    /// True for an address `target` keeps as it is (absolute http(s), ASCII, no user info).
    public static func isWebURL(_ s: String) -> Bool { (try? target(s)) == s }

    public static func tag(_ raw: String, _ tags: Tags) throws -> String {
        let url = try target(raw)
        // split off the fragment and the query by hand so everything else stays byte for byte
        var rest = url, fragment = ""
        if let hash = rest.firstIndex(of: "#") {
            fragment = String(rest[hash...])
            rest = String(rest[..<hash])
        }
        var query = ""
        if let q = rest.firstIndex(of: "?") {
            query = String(rest[rest.index(after: q)...])
            rest = String(rest[..<q])
        }
        let names = Set(tags.pairs.map(\.0))
        var items = query.split(separator: "&", omittingEmptySubsequences: true).map(String.init).filter { item in
            let name = item.split(separator: "=", maxSplits: 1).first.map(String.init) ?? item
            return !names.contains(name.removingPercentEncoding ?? name)
        }
        items += tags.pairs.map { "\($0.0)=\(encode($0.1))" }
        return rest + (items.isEmpty ? "" : "?" + items.joined(separator: "&")) + fragment
    }

    /// Percent-encodes a query value (RFC 3986 unreserved characters stay).
    static func encode(_ s: String) -> String {
        var allowed = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)...Unicode.Scalar(127)))
        allowed.insert(charactersIn: "-._~")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
    }
}
