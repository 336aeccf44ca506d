import EngageCore
import EngageStore

extension TableImport {
    /// clicks.csv, the file that runs to millions of rows, read into typed rows
    /// (`ImportedClick`) with the fields, references and messages of its spec. Values that
    /// repeat through a log — link codes, user agents, referrers — are recognised by their
    /// bytes (`ByteMemo`): a user agent is decoded, classed and cut once, not once a click.
    func clicks(_ spec: TableSpec, _ ctx: RowContext) async throws -> Int {
        guard let code = spec.fields.first(where: { $0.name == "link_code" }), let r = code.references else { return 0 }
        let known = try await session.knownKeys(table: r.table, column: r.column)
        // credited to the link's owner as of the import (server clicks: as of the click)
        let owners = try await session.keyValues(table: r.table, key: r.column, value: "employee_id")
        let numbering = OccurrenceNumbering()
        var utc = ZoneClock.utc
        var links = ByteMemo<(code: String, known: Bool, owner: String?)>()
        var agents = ByteMemo<ImportedAgent>()
        var referrers = ByteMemo<String>()
        var columns: (code: Int?, at: Int?, visitor: Int?, agent: Int?, referrer: Int?)?
        return try await load(ctx, required: spec.fields.filter(\.required).map(\.name), optional: spec.fields.filter { !$0.required }.map(\.name),
                              idColumn: spec.idColumn, parse: { ctx in
            let cols = columns ?? (ctx.col("link_code"), ctx.col("clicked_at"), ctx.col("visitor_hash"), ctx.col("user_agent"), ctx.col("referrer"))
            columns = cols
            let reader = ctx.reader
            /// A non-empty field's value, made once per distinct bytes.
            func memo<V>(_ memo: inout ByteMemo<V>, _ c: Int?, _ make: (String) -> V) -> V? {
                guard let c, !reader.isEmpty(c) else { return nil }
                return memo.value(reader.bytes(c)) { make(CSVText.restored(reader.string(c))) }
            }
            let link = memo(&links, cols.code) { ($0, known.contains($0), owners[$0]) }
            if let link {
                if !link.known { ctx.fail(cols.code, code.name, code.unknown(link.code)) }
            } else {
                ctx.fail(cols.code, code.name, "a value is required")
            }
            let at = ctx.instant(cols.at, "clicked_at", clock: &utc, required: true)
            let visitor = ctx.text(cols.visitor, "visitor_hash") ?? ""
            let agent = memo(&agents, cols.agent) { ImportedAgent($0) }
            let referrer = memo(&referrers, cols.referrer) { $0 }
            guard ctx.rowOK, let link, let at else { return nil }
            return ImportedClick(code: link.code, at: at, visitor: visitor, agent: agent, referrer: referrer, employeeID: link.owner)
        }, complete: { numbering.number(&$0) }, write: { try await session.upsert(clicks: $0) })
    }
}

/// Values made from a field's bytes, kept by those bytes (`ByteInterner`): a repeated value
/// costs one hash of its bytes instead of a decoded `String`. Keeps up to `limit` values and
/// `byteLimit` bytes of keys; a new value past either starts it over: memory stays bounded
/// however many distinct values a file has, and however long (a field may hold 1 MiB).
struct ByteMemo<Value> {
    private var keys = ByteInterner()
    private var values: [Value] = []
    let limit: Int, byteLimit: Int

    init(limit: Int = 100_000, byteLimit: Int = 32 << 20) {
        self.limit = limit
        self.byteLimit = byteLimit
    }

    mutating func value(_ bytes: ArraySlice<UInt8>, _ make: () -> Value) -> Value {
        var id = Int(bytes.withUnsafeBufferPointer { keys.id($0) })
        if id == values.count {
            // a new value: past a limit, the memo starts over with it
            if values.count >= limit || keys.byteCount > byteLimit {
                keys = ByteInterner()
                values.removeAll()
                id = Int(bytes.withUnsafeBufferPointer { keys.id($0) })
            }
            values.append(make())
        }
        return values[id]
    }
}

/// Tells apart identical clicks (one link, second and visitor may click twice) by their
/// order in the file: the k-th click with a key gets occurrence k, so a re-import of the
/// same file numbers them alike and replaces rather than adds.
///
/// Memory is bounded by the batch, not the file: a batch's clicks are counted among
/// themselves (`number`, on the reading side); a key whose clicks this import may already
/// have stored — its time lies within the times numbered so far — is numbered negatively,
/// and the session goes on from the clicks with that key it stored
/// (`ImportSession.upsert(clicks:)`). A log sorted by time (either way) asks only about the
/// second a batch starts in; an unsorted one asks about every key (slower, still exact).
/// Keys are compared by their values, never by a hash alone: a file crafted to collide
/// cannot merge two keys' numbering.
final class OccurrenceNumbering: @unchecked Sendable {
    /// The times numbered so far: touched only by `number`, which `load` calls in order.
    private var numbered: ClosedRange<Int64>?

    /// Numbers the batch's clicks among themselves; a key whose earlier clicks may be
    /// stored gets negative numbers.
    func number(_ rows: inout [ImportedClick]) {
        var counts: [ClickKey: Int] = [:]
        counts.reserveCapacity(rows.count)
        var lo = Int64.max, hi = Int64.min
        for i in rows.indices {
            let k = rows[i].key
            lo = min(lo, k.at)
            hi = max(hi, k.at)
            let c: Int
            if let seen = counts[k] {
                c = seen < 0 ? seen - 1 : seen + 1
            } else {
                // maybe stored: a time within what was numbered before
                c = numbered?.contains(k.at) == true ? -1 : 1
            }
            counts[k] = c
            rows[i].occurrence = c
        }
        if lo <= hi { numbered = numbered.map { min($0.lowerBound, lo)...max($0.upperBound, hi) } ?? lo...hi }
    }
}
