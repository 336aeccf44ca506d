import EngageCore

/// One import as the import page lists it.
public struct ImportHistoryEntry: Sendable, Equatable {
    public var id: Int
    public var at: Int64
    /// Who: a user's or an API token's name, or "command line".
    public var by: String
    /// The file names, as sent, separated by ", ".
    public var files: String
    public var rows: Int
    /// `imported`, `dry-run` or `refused`.
    public var outcome: String
    /// What the page showed (JSON: the files' summary, or the first errors).
    public var summary: String
}

/// The history of imports (`import_history`): written after each import through the web, the
/// API or the command line, read newest first by key.
public struct ImportHistory: Sendable {
    public let store: any Store
    public init(store: any Store) { self.store = store }

    /// Longest stored file list and summary, in characters (a summary lists a few errors
    /// and each file's columns: far below this).
    public static let maxFiles = 2_000, maxSummary = 64_000

    @discardableResult
    public func record(at: Int64, by: String, files: [String], rows: Int, outcome: String, summary: String) async throws -> Int {
        let list = String(files.joined(separator: ", ").prefix(Self.maxFiles))
        let rows = try await store.execute(
            "INSERT INTO import_history (at, by_name, files, rows, outcome, summary) VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING entry_id",
            [.int(Int(at)), .text(String(by.prefix(200))), .text(list), .int(rows), .text(outcome), .text(String(summary.prefix(Self.maxSummary)))])
        return rows.first?.first?.int ?? 0
    }

    /// Up to `limit` entries, newest first, older than entry `before` when given.
    public func recent(limit: Int, before: Int? = nil) async throws -> [ImportHistoryEntry] {
        let rows = try await store.execute(
            "SELECT entry_id, at, by_name, files, rows, outcome, summary FROM import_history" + (before == nil ? "" : " WHERE entry_id < ?1")
                + " ORDER BY entry_id DESC LIMIT \(max(1, min(limit, 500)))", before.map { [.int($0)] } ?? [])
        return rows.compactMap(Self.entry)
    }

    public func entry(_ id: Int) async throws -> ImportHistoryEntry? {
        try await store.execute("SELECT entry_id, at, by_name, files, rows, outcome, summary FROM import_history WHERE entry_id = ?1", [.int(id)])
            .first.flatMap(Self.entry)
    }

    static func entry(_ r: [StoreValue]) -> ImportHistoryEntry? {
        guard let id = r[0].int, let at = r[1].int else { return nil }
        return ImportHistoryEntry(id: id, at: Int64(at), by: r[2].text ?? "", files: r[3].text ?? "", rows: r[4].int ?? 0,
                                  outcome: r[5].text ?? "", summary: r[6].text ?? "")
    }
}
