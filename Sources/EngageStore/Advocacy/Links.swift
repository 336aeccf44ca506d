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

    /// Stores a tracked link (import_id 0: made by Engage, not imported). Unknown employee or
    /// content ids and taken codes are `StoreError`s.
    public func add(_ l: NewLink, now: Int64) async throws {
        if let e = l.employeeID, try await store.execute("SELECT 1 FROM employees WHERE employee_id = ?1", [.text(e)]).isEmpty {
            throw StoreError("no employee '\(e)' (import employees.csv first)")
        }
        if let c = l.contentID, try await store.execute("SELECT 1 FROM content WHERE content_id = ?1", [.text(c)]).isEmpty {
            throw StoreError("no content item '\(c)' (import content.csv first)")
        }
        if try await !store.execute("SELECT 1 FROM links WHERE link_code = ?1", [.text(l.code)]).isEmpty {
            throw StoreError("the link code '\(l.code)' is taken")
        }
        func v(_ s: String?) -> StoreValue { s.map { .text($0) } ?? .null }
        try await store.execute("""
            INSERT INTO links (link_code, target, employee_id, content_id, utm_source, utm_medium, utm_campaign, utm_content, utm_term, created_at, import_id)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 0)
            """, [.text(l.code), .text(l.target), v(l.employeeID), v(l.contentID), v(l.utmSource), v(l.utmMedium), v(l.utmCampaign),
                  v(l.utmContent), v(l.utmTerm), .int(Int(now))])
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
        self.userAgent = userAgent.map { String($0.prefix(512)) }
        self.agentClass = agentClass
        self.referrer = referrer.map { String($0.prefix(1024)) }
        self.isBot = isBot
        self.occurrence = occurrence
    }

    /// The row's values for `ClickRow.insertSQL` (`?1` … `?9`).
    var values: [StoreValue] {
        [.text(code), .int(Int(at)), .text(visitor), userAgent.map { .text($0) } ?? .null, .text(agentClass),
         referrer.map { .text($0) } ?? .null, .int(isBot ? 1 : 0), .int(occurrence), .int(Int(at / 86_400))]
    }

    /// One click; its owner is the link's employee when it is recorded. A click already
    /// stored (same key) is not stored twice, so a spooled batch can move in again safely.
    static let insertSQL = """
        INSERT INTO clicks (link_code, clicked_at, visitor_hash, user_agent, agent_class, referrer, is_bot, occurrence, import_id, day, employee_id)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0, ?9, (SELECT l.employee_id FROM links l WHERE l.link_code = ?1))
        ON CONFLICT (link_code, clicked_at, visitor_hash, occurrence) DO NOTHING
        """
}
