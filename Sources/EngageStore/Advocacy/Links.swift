import EngageCore

/// Tracked links (`links`): made by Engage (import_id 0) or imported.
public struct Links: Sendable {
    public let store: any Store
    public init(store: any Store) { self.store = store }

    public struct NewLink: Sendable {
        public var code: String
        public var target: String
        public var employeeID: String?
        public var contentID: String?
        public var utmSource, utmMedium, utmCampaign, utmContent, utmTerm: String?
        public init(code: String, target: String, employeeID: String? = nil, contentID: String? = nil, utmSource: String? = nil,
                    utmMedium: String? = nil, utmCampaign: String? = nil, utmContent: String? = nil, utmTerm: String? = nil) {
            self.code = code
            self.target = target
            self.employeeID = employeeID
            self.contentID = contentID
            self.utmSource = utmSource
            self.utmMedium = utmMedium
            self.utmCampaign = utmCampaign
            self.utmContent = utmContent
            self.utmTerm = utmTerm
        }
    }

    /// The stored target of a tracked link.
    public func target(code: String) async throws -> String? {
        try await store.execute("SELECT target FROM links WHERE link_code = ?1", [.text(code)]).first?.first?.text
    }

    /// Stores a tracked link as given (import_id 0: made by Engage, not imported). An unknown
    /// employee or content item is `.invalid`, a taken code `.conflict`.
    public func add(_ l: NewLink, now: Int64) async throws {
        if let e = l.employeeID, try await !Employees(store: store).exists(e) {
            throw StoreError.invalid("employee_id: no employee '\(e)' (import employees.csv first)")
        }
        if let c = l.contentID, try await store.execute("SELECT 1 FROM content WHERE content_id = ?1", [.text(c)]).isEmpty {
            throw StoreError.invalid("content_id: no content item '\(c)' (import content.csv first)")
        }
        if try await !store.execute("SELECT 1 FROM links WHERE link_code = ?1", [.text(l.code)]).isEmpty {
            throw StoreError.conflict("code: the link code '\(l.code)' is taken")
        }
        func v(_ s: String?) -> StoreValue { s.map { .text($0) } ?? .null }
        try await store.execute("""
            INSERT INTO links (link_code, target, employee_id, content_id, utm_source, utm_medium, utm_campaign, utm_content, utm_term, created_at, import_id)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 0)
            """, [.text(l.code), .text(l.target), v(l.employeeID), v(l.contentID), v(l.utmSource), v(l.utmMedium), v(l.utmCampaign),
                  v(l.utmContent), v(l.utmTerm), .int(Int(now))])
    }

    // MARK: making a link (the one way for `engage link create`, the Links page, the API)

    /// What a user asks for: a target, its owner and content, UTM tags, maybe a code.
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

    /// Makes a tracked link: the target must be a web address (`UTMBuilder.target`: no open
    /// redirect — only signed-in users make links), the UTM tags are added to it, the code is
    /// random unless given. Returns the code and the tagged target. A bad code or target, an
    /// unknown employee or content item: `.invalid`; a taken code: `.conflict`.
    public func create(_ r: Request, now: Int64) async throws -> (code: String, target: String) {
        if let code = r.code, !Identifier.isValid(code) { throw StoreError.invalid("code: \(Identifier.rule)") }
        let code = r.code ?? Self.newCode()
        // an advocate's link carries its code as utm_content unless told otherwise, so leads
        // coming through it are credited to the advocate (METRICS.md §3, leads by rep)
        var tags = r.tags
        if tags.content?.isEmpty ?? true, r.employeeID != nil { tags.content = code }
        let tagged: String
        do { tagged = try UTMBuilder.tag(r.target, tags) } catch let e as UTMBuilder.Refused {
            throw StoreError.invalid("target: \(e.description)")
        }
        try await add(.init(code: code, target: tagged, employeeID: r.employeeID, contentID: r.contentID, utmSource: tags.source,
                            utmMedium: tags.medium, utmCampaign: tags.campaign, utmContent: tags.content, utmTerm: tags.term), now: now)
        return (code, tagged)
    }

    /// The advocate's own link for a content item: made the first time it is asked for, with
    /// utm_medium `advocacy`, utm_campaign the content id and utm_content the link's code (so
    /// leads carrying it are credited to the advocate).
    public func personal(employeeID: String, content: ContentRecord, now: Int64) async throws -> LinkRecord? {
        let data = ContentData(store: store)
        if let l = try await data.link(employeeID: employeeID, contentID: content.id) { return l }
        guard let url = content.url, UTMBuilder.isWebURL(url) else { return nil }
        let code = Self.newCode()
        let tags = UTMBuilder.Tags(source: "employee", medium: "advocacy", campaign: content.id, content: code)
        _ = try await create(Request(target: url, employeeID: employeeID, contentID: content.id, tags: tags, code: code), now: now)
        return try await data.link(employeeID: employeeID, contentID: content.id)
    }

    /// A short random code: 8 characters of base64url (48 random bits).
    public static func newCode() -> String {
        var g = SystemRandomNumberGenerator()
        let bytes = (0..<6).map { _ in UInt8.random(in: 0...255, using: &g) }
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        var bits: UInt64 = 0
        for b in bytes { bits = bits << 8 | UInt64(b) }
        return String((0..<8).reversed().map { alphabet[Int((bits >> (UInt64($0) * 6)) & 63)] })
    }
}

/// A tracked-link click the server recorded (`GET /r/{code}`).
public struct ClickRow: Sendable, Equatable {
    public var code: String
    public var at: Int64
    /// The daily salted visitor hash.
    public var visitor: String
    public var userAgent: String?
    /// `AgentClass` raw value.
    public var agentClass: String
    public var referrer: String?
    public var isBot: Bool
    /// Tells apart clicks of the same link, second and visitor (unique per process).
    public var occurrence: Int

    public init(code: String, at: Int64, visitor: String, userAgent: String?, agentClass: String, referrer: String?, isBot: Bool, occurrence: Int) {
        self.code = code
        self.at = at
        self.visitor = visitor
        self.userAgent = userAgent.map(Self.cappedAgent)
        self.agentClass = agentClass
        self.referrer = referrer.map { String($0.prefix(1024)) }
        self.isBot = isBot
        self.occurrence = occurrence
    }

    /// A user agent as stored: at most 512 Unicode scalars (≤ 2 KiB of UTF-8, under the size
    /// limit of PostgreSQL's unique index on `user_agents`; a grapheme may hold any number of
    /// scalars, so characters are not counted).
    public static func cappedAgent(_ s: String) -> String {
        s.unicodeScalars.count <= 512 ? s : String(String.UnicodeScalarView(s.unicodeScalars.prefix(512)))
    }

    /// The row's values for `ClickRow.insertSQL` (`?1` … `?9`).
    var values: [StoreValue] {
        [.text(code), .int(Int(at)), .text(visitor), userAgent.map { .text($0) } ?? .null, .text(agentClass),
         referrer.map { .text($0) } ?? .null, .int(isBot ? 1 : 0), .int(occurrence), .int(LocalDate(utcInstant: at).dayNumber)]
    }

    /// The user agents of `clicks`, each stored once (`user_agents`): one row per distinct
    /// agent, for `agentSQL` before `insertSQL`.
    static func agents(_ clicks: [ClickRow]) -> [[StoreValue]] {
        Set(clicks.compactMap(\.userAgent)).sorted().map { [.text($0)] }
    }

    /// Stores a user agent once (`?1`).
    static let agentSQL = "INSERT INTO user_agents (user_agent) VALUES (?1) ON CONFLICT (user_agent) DO NOTHING"

    /// One click; its owner is the link's employee when it is recorded, its agent the id
    /// `agentSQL` stored. A click already stored (same key) is not stored twice, so a
    /// spooled batch can move in again safely.
    static let insertSQL = """
        INSERT INTO clicks (link_code, clicked_at, visitor_hash, agent_id, agent_class, referrer, is_bot, occurrence, import_id, day, employee_id)
        VALUES (?1, ?2, ?3, (SELECT a.agent_id FROM user_agents a WHERE a.user_agent = ?4), ?5, ?6, ?7, ?8, 0, ?9,
                (SELECT l.employee_id FROM links l WHERE l.link_code = ?1))
        ON CONFLICT (link_code, clicked_at, visitor_hash, occurrence) DO NOTHING
        """
}
