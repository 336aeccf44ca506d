import EngageCore
import Synchronization

/// A click of an imported log (clicks.csv), as `ImportSession.upsert(clicks:)` writes it: the
/// one advocacy file that runs to millions of rows gets a typed row, as posts do, rather
/// than a `[StoreValue]` with a `String` per cell.
public struct ImportedClick: Sendable {
    public var code: String
    public var at: Int64
    /// The visitor hash ("" when the log has none).
    public var visitor: String
    /// Tells apart identical clicks by their order in the file (0 until numbered). A
    /// negative number -k goes on from the clicks with the same key this import has already
    /// stored: the session stores it as k plus their count (`continued`).
    public var occurrence: Int
    public var agent: ImportedAgent?
    public var referrer: String?
    /// The link's owner as the import sees it (server clicks: as of the click).
    public var employeeID: String?

    public init(code: String, at: Int64, visitor: String, occurrence: Int = 0, agent: ImportedAgent?, referrer: String?, employeeID: String?) {
        self.code = code
        self.at = at
        self.visitor = visitor
        self.occurrence = occurrence
        self.agent = agent
        self.referrer = referrer
        self.employeeID = employeeID
    }

    /// The key and the other columns of `clicks`, in the order `values` gives them.
    public static let key = ["link_code", "clicked_at", "visitor_hash", "occurrence"]
    public static let columns = ["agent_id", "referrer", "agent_class", "is_bot", "day", "employee_id"]

    public var key: ClickKey { ClickKey(at: at, code: code, visitor: visitor) }
    var agentClass: AgentClass { agent?.agentClass ?? .unknown }

    /// The occurrence stored, given how many clicks with each continued key this import
    /// has stored.
    func occurrence(after stored: [ClickKey: Int]) -> Int {
        occurrence < 0 ? -occurrence + (stored[key] ?? 0) : occurrence
    }
    var day: Int { LocalDate(utcInstant: at).dayNumber }

    /// The key values, then the columns' (the agent's id once stored, else null).
    func values(after stored: [ClickKey: Int]) -> [StoreValue] {
        [.text(code), .int(Int(at)), .text(visitor), .int(occurrence(after: stored)), agent?.id.map { .int($0) } ?? .null,
         referrer.map { .text($0) } ?? .null, .text(agentClass.rawValue), .int(agentClass.isBot ? 1 : 0), .int(day),
         employeeID.map { .text($0) } ?? .null]
    }
}

/// What tells apart clicks besides their occurrence: the second, the link, the visitor.
public struct ClickKey: Hashable, Sendable {
    public let at: Int64, code: String, visitor: String

    public init(at: Int64, code: String, visitor: String) {
        (self.at, self.code, self.visitor) = (at, code, visitor)
    }

    /// As `ImportSession.ownRows` takes a key (`ImportedClick.key` without the occurrence).
    var values: [StoreValue] { [.text(code), .int(Int(at)), .text(visitor)] }
    static let columns = Array(ImportedClick.key.dropLast())
}

extension [ImportedClick] {
    /// The keys of the clicks numbered on from what this import stored, each once.
    var continuedKeys: [ClickKey] {
        var seen: Set<ClickKey> = [], out: [ClickKey] = []
        for c in self where c.occurrence < 0 {
            if seen.insert(c.key).inserted { out.append(c.key) }
        }
        return out
    }
}

/// A user agent as the clicks of one import share it: the text as stored (cut as the
/// server cuts its own, `ClickRow.cappedAgent`), its class (of the whole text), and its id
/// in `user_agents` once the import has stored it.
public final class ImportedAgent: Sendable {
    public let text: String
    public let agentClass: AgentClass
    private let storedID = Atomic<Int>(Int.min)

    public init(_ userAgent: String) {
        agentClass = AgentClass.of(userAgent)
        text = userAgent.utf8.count > 512 ? ClickRow.cappedAgent(userAgent) : userAgent
    }

    var id: Int? {
        let v = storedID.load(ordering: .relaxed)
        return v == Int.min ? nil : v
    }

    func stored(as id: Int) { storedID.store(id, ordering: .relaxed) }
}

extension ImportSession {
    /// Stores the agents of `clicks` that have no id yet (once each, by text: two agents of
    /// one text get one id).
    func storeAgents(_ clicks: [ImportedClick]) async throws {
        var missing: [ImportedAgent] = [], seen: Set<ObjectIdentifier> = []
        for c in clicks {
            if let a = c.agent, a.id == nil, seen.insert(ObjectIdentifier(a)).inserted { missing.append(a) }
        }
        guard !missing.isEmpty else { return }
        let ids = try await intern(table: "user_agents", id: "agent_id", value: "user_agent", values: Set(missing.map(\.text)).sorted())
        for a in missing {
            if let id = ids[a.text] { a.stored(as: id) }
        }
    }

    /// Through `upsert(table:…)`: PostgreSQL's click batches are bound by its server, not by
    /// the rows' form.
    public func upsert(clicks: [ImportedClick]) async throws -> [Int] {
        try await storeAgents(clicks)
        let keys = clicks.continuedKeys
        var stored: [ClickKey: Int] = [:]
        if !keys.isEmpty {
            for (k, n) in zip(keys, try await ownRows(table: "clicks", key: ClickKey.columns, keys: keys.map(\.values))) { stored[k] = n }
        }
        return try await upsert(table: "clicks", key: ImportedClick.key, columns: ImportedClick.columns, rows: clicks.map { $0.values(after: stored) })
    }
}
