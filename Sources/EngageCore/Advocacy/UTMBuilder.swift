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

    /// True for an absolute http or https address with a host.
    public static func isWebURL(_ s: String) -> Bool {
        guard let c = URLComponents(string: s), let scheme = c.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = c.host, !host.isEmpty else { return false }
        return true
    }

    public static func tag(_ url: String, _ tags: Tags) throws -> String {
        guard isWebURL(url) else { throw Refused(description: "only http:// and https:// addresses can be tagged, not '\(url.prefix(60))'") }
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
