import EngageCore
import EngageStore
import Foundation
import Hummingbird

/// Making tracked links, the one way for `engage link create`, the Links page and
/// `POST /api/v1/links`: the target must be an http(s) address (no open redirect: only
/// signed-in analysts, admins and advocates for their own content make links), the UTM tags
/// are added to it, the code is random unless given.
public enum TrackedLinks {
    public struct Request: Sendable {
        public var target: String
        public var employeeID: String?
        public var contentID: String?
        public var tags: UTMBuilder.Tags
        public var code: String?
        public init(target: String, employeeID: String? = nil, contentID: String? = nil, tags: UTMBuilder.Tags = .init(), code: String? = nil) {
            self.target = target
            self.employeeID = employeeID.flatMap { $0.isEmpty ? nil : $0 }
            self.contentID = contentID.flatMap { $0.isEmpty ? nil : $0 }
            self.tags = tags
            self.code = code.flatMap { $0.isEmpty ? nil : $0 }
        }
    }

    /// Stores the link; returns its code and UTM-tagged target. A bad target, an unknown
    /// employee or content item, or a taken code is an `APIError` 422/409.
    public static func create(_ r: Request, store: any Store, now: Int64) async throws -> (code: String, target: String) {
        if let code = r.code, !(1...64).contains(code.count) || !code.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) {
            throw APIError(.unprocessableContent, "code: 1 to 64 letters, digits, - or _")
        }
        let code = r.code ?? ServerSecurity.newLinkCode()
        // an advocate's link carries its code as utm_content unless told otherwise, so leads
        // coming through it are credited to the advocate (METRICS.md §3, leads by rep)
        var tags = r.tags
        if tags.content?.isEmpty ?? true, r.employeeID != nil { tags.content = code }
        let tagged: String
        do { tagged = try UTMBuilder.tag(r.target, tags) } catch let e as UTMBuilder.Refused {
            throw APIError(.unprocessableContent, "target: \(e.description)")
        }
        do {
            try await Links(store: store).add(.init(code: code, target: tagged, employeeID: r.employeeID, contentID: r.contentID,
                                                          utmSource: tags.source, utmMedium: tags.medium, utmCampaign: tags.campaign,
                                                          utmContent: tags.content, utmTerm: tags.term), now: now)
        } catch let e as StoreError {
            throw APIError(e.description.contains("is taken") ? .conflict : .unprocessableContent, e.description)
        }
        return (code, tagged)
    }

    /// The advocate's own link for a content item: made the first time it is asked for, with
    /// utm_medium `advocacy`, utm_campaign the content id and utm_content the link's code (so
    /// leads carrying it are credited to the advocate).
    public static func personal(employeeID: String, content: ContentRecord, store: any Store, now: Int64) async throws -> LinkRecord? {
        let data = ContentData(store: store)
        if let l = try await data.link(employeeID: employeeID, contentID: content.id) { return l }
        guard let url = content.url, UTMBuilder.isWebURL(url) else { return nil }
        let code = ServerSecurity.newLinkCode()
        let tags = UTMBuilder.Tags(source: "employee", medium: "advocacy", campaign: content.id, content: code)
        _ = try await create(Request(target: url, employeeID: employeeID, contentID: content.id, tags: tags, code: code), store: store, now: now)
        return try await data.link(employeeID: employeeID, contentID: content.id)
    }
}

extension ServerState {
    /// Where short links point: `--public-url`, else this request's scheme and host.
    func shortURL(_ code: String, request: HummingbirdCore.Request) -> String {
        if let base = config.publicURL { return (base.hasSuffix("/") ? String(base.dropLast()) : base) + "/r/" + code }
        let proto = request.headers[.forwardedProto]?.lowercased() == "https" || config.secureCookies ? "https" : "http"
        let host = request.head.authority ?? "\(config.host):\(config.port)"
        return "\(proto)://\(host)/r/\(code)"
    }
}
