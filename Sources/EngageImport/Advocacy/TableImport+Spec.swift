import EngageCore
import EngageStore
import Foundation
import Synchronization

extension TableImport {
    /// Reads a file described by `spec`: typed fields, references to earlier rows, checks
    /// across fields; rows are upserted by the spec's key.
    func table(_ spec: TableSpec, _ ctx: RowContext) async throws -> Int {
        var known: [String: Set<String>] = [:]
        for f in spec.fields {
            if let r = f.references, known[r.table + "." + r.column] == nil {
                known[r.table + "." + r.column] = try await session.knownKeys(table: r.table, column: r.column)
            }
        }
        let refs = known
        var lookupMaps: [[String: String]] = []
        for l in spec.lookups { lookupMaps.append(try await session.keyValues(table: l.table, key: l.key, value: l.value)) }
        let maps = lookupMaps
        var utc = ZoneClock.utc
        let keyColumns = spec.key.filter { $0 != "occurrence" || !spec.occurrence }
        let numbering = spec.occurrence
            ? OccurrenceNumbering(table: spec.table, key: keyColumns, time: spec.occurrenceTime.flatMap { keyColumns.firstIndex(of: $0) })
            : nil
        let interning = spec.interned.map { column, t in
            Interning(position: spec.key.count + spec.valueColumns.firstIndex(of: column)!, table: t.table, id: t.id, value: t.value)
        }
        var derivedMemo: [String: [StoreValue]] = [:]
        // positions, found once: the fields' columns in the file (after its header), the key
        // and value fields in the spec, the fields lookups and derived columns read
        let names = spec.fields.map(\.name)
        let keyIndexes = keyColumns.map { col in spec.fields.firstIndex { $0.column == col }! }
        let valueIndexes = spec.fields.indices.filter { !spec.key.contains(spec.fields[$0].column) }
        let lookupIndexes = spec.lookups.map { l in names.firstIndex(of: l.field) }
        let fromIndex = spec.derivedFrom.flatMap { names.firstIndex(of: $0) }
        var columns: [Int?]?
        let required = spec.fields.filter(\.required).map(\.name)
        let optional = spec.fields.filter { !$0.required }.map(\.name)
        return try await load(ctx, required: required, optional: optional, idColumn: spec.idColumn, parse: { ctx in
            let cols = columns ?? spec.fields.map { ctx.col($0.name) }
            columns = cols
            var v = RowValues(names: names)
            for (i, f) in spec.fields.enumerated() {
                let c = cols[i]
                var value: StoreValue?
                switch f.type {
                case .text:
                    if let t = ctx.text(c, f.name, required: f.required) { value = .text(t) }
                case .date:
                    if let d = ctx.date(c, f.name, required: f.required) { value = .int(d.dayNumber) }
                case .instant:
                    if let t = ctx.instant(c, f.name, clock: &utc, required: f.required) { value = .int(Int(t)) }
                case .bool:
                    if let b = ctx.bool(c, f.name) { value = .int(b ? 1 : 0) } else if f.required, ctx.rowOK { ctx.fail(c, f.name, "a value is required") }
                case .count:
                    if let n = ctx.count(c, f.name, required: f.required) { value = .int(n) }
                case .money:
                    if let m = ctx.cents(c, f.name, required: f.required) { value = .int(m) }
                case .score(let max):
                    if let m = ctx.cents(c, f.name, required: f.required) {
                        if m > max * 100 { ctx.fail(c, f.name, "must be from 0 to \(max), got \(Double(m) / 100)") } else {
                            value = .double(Double(m) / 100)
                        }
                    }
                case .oneOf(let values):
                    if let t = ctx.text(c, f.name, required: f.required) {
                        let lower = t.lowercased()
                        if values.contains(lower) { value = .text(lower) } else {
                            ctx.fail(c, f.name, "expected one of \(values.joined(separator: ", ")), got '\(t)'")
                        }
                    }
                case .url:
                    if let t = ctx.text(c, f.name, required: f.required) {
                        do { value = .text(try UTMBuilder.target(t)) } catch let e as UTMBuilder.Refused {
                            ctx.fail(c, f.name, "expected a web address: \(e.description)")
                        } catch {}
                    }
                }
                v.values[i] = value
                if let r = f.references, let id = value?.text, refs[r.table + "." + r.column]?.contains(id) != true {
                    ctx.fail(c, f.name, "no \(r.noun) '\(id)' (in \(r.table).csv of this import or an earlier one)")
                }
            }
            for check in spec.checks {
                if let (field, message) = check(v) { ctx.fail(ctx.col(field), field, message) }
            }
            guard ctx.rowOK else { return nil }
            var row: [StoreValue] = keyIndexes.map { v.values[$0] ?? .text("") }
            row.reserveCapacity(keyIndexes.count + 1 + valueIndexes.count + spec.derived.count + spec.computed.count + spec.lookups.count)
            // numbered when the batch is written
            if spec.occurrence { row.append(.int(0)) }
            row += valueIndexes.map { v.values[$0] ?? .null }
            if spec.derivedFrom != nil {
                let k = fromIndex.flatMap { v.values[$0]?.text } ?? ""
                if let d = derivedMemo[k] { row += d } else {
                    let d = spec.derived.map { $0.value(v) }
                    if derivedMemo.count < 100_000 { derivedMemo[k] = d }
                    row += d
                }
            } else {
                row += spec.derived.map { $0.value(v) }
            }
            row += spec.computed.map { $0.value(v) }
            for (i, f) in lookupIndexes.enumerated() { row.append(f.flatMap { v.values[$0]?.text }.flatMap { maps[i][$0] }.map { .text($0) } ?? .null) }
            return row
        }, prepare: { rows in
            numbering?.number(&rows)
            for i in interning { i.fromCache(&rows) }
        }, write: { (rows: [[StoreValue]]) in
            var rows = rows
            try await numbering?.continueStored(&rows, session)
            for i in interning { try await i.store(&rows, session) }
            return try await session.upsert(table: spec.table, key: spec.key, columns: spec.valueColumns, rows: rows)
        })
    }
}

/// Tells apart identical rows of a table without a natural key (a click log: one link,
/// second and visitor may click twice) by their order in the file: the k-th row with a key
/// gets occurrence k, so a re-import of the same file numbers them alike and replaces
/// rather than adds.
///
/// Memory is bounded by the batch, not the file: a batch's rows are counted among
/// themselves (`number`, before the batch is written), and a key's count goes on
/// from the rows this import already wrote (`continueStored`, when the batch is written),
/// which the database is asked for (`ImportSession.ownRows`) only when the key's time lies
/// within the times this import has numbered so far. A log sorted by time (either way)
/// asks only about the second a batch starts in; an unsorted one asks about every key
/// (slower, still exact). Keys are compared by their values, never by a hash alone: a file
/// crafted to collide cannot merge two keys' numbering.
final class OccurrenceNumbering: @unchecked Sendable {
    let table: String
    let key: [String]
    /// The key column with the row's time, if any (without it every key is asked about).
    let time: Int?
    /// The times numbered so far: touched only by `number`, which `load` calls in order.
    private var numbered: ClosedRange<Int>?

    init(table: String, key: [String], time: Int?) {
        self.table = table
        self.key = key
        self.time = time
    }

    /// Numbers the batch's rows among themselves (the value after the key); a key whose
    /// earlier rows may be stored gets negative numbers, for `continueStored`.
    func number(_ rows: inout [[StoreValue]]) {
        let n = key.count
        var counts: [[StoreValue]: Int] = [:]
        counts.reserveCapacity(rows.count)
        var lo = Int.max, hi = Int.min
        for i in rows.indices {
            let h = Array(rows[i][0..<n])
            let t = time.flatMap { rows[i][$0].int }
            if let t { lo = min(lo, t); hi = max(hi, t) }
            let c: Int
            if let seen = counts[h] {
                c = seen < 0 ? seen - 1 : seen + 1
            } else {
                // maybe stored: a time within what was numbered before (or no time to tell)
                let maybe = t.map { numbered?.contains($0) ?? false } ?? (numbered != nil)
                c = maybe ? -1 : 1
            }
            counts[h] = c
            rows[i][n] = .int(c)
        }
        if lo <= hi { numbered = numbered.map { min($0.lowerBound, lo)...max($0.upperBound, hi) } ?? lo...hi }
    }

    /// Adds to each negatively numbered row the rows with its key this import has stored.
    func continueStored(_ rows: inout [[StoreValue]], _ session: any ImportSession) async throws {
        let n = key.count
        var seen: Set<[StoreValue]> = [], askKeys: [[StoreValue]] = []
        for i in rows.indices where (rows[i][n].int ?? 0) < 0 {
            let k = Array(rows[i][0..<n])
            if seen.insert(k).inserted { askKeys.append(k) }
        }
        guard !askKeys.isEmpty else { return }
        var base: [[StoreValue]: Int] = [:]
        for (k, c) in zip(askKeys, try await session.ownRows(table: table, key: key, keys: askKeys)) { base[k] = c }
        for i in rows.indices {
            guard let c = rows[i][n].int, c < 0 else { continue }
            rows[i][n] = .int(-c + (base[Array(rows[i][0..<n])] ?? 0))
        }
    }
}

/// Replaces a text column's values by their ids in a table of distinct values: ids
/// already known (`fromCache`, before the batch is written), new values when the batch is
/// written (`store`). Keeps up to `cacheLimit` ids, then starts over: memory stays bounded
/// however many distinct values a file has.
final class Interning: Sendable {
    let position: Int
    let table: String, id: String, value: String
    static let cacheLimit = 100_000
    private let ids = Mutex<[String: Int]>([:])

    init(position: Int, table: String, id: String, value: String) {
        self.position = position
        self.table = table
        self.id = id
        self.value = value
    }

    /// Values are stored as the server stores the user agents of its own clicks: cut to
    /// 512 Unicode scalars (a unique index has a size limit; PostgreSQL's is ~2.7 KB).
    func fromCache(_ rows: inout [[StoreValue]]) {
        let p = position
        ids.withLock { ids in
            for i in rows.indices {
                guard let t = rows[i][p].text else { continue }
                let v = t.utf8.count > 512 ? ClickRow.cappedAgent(t) : t
                rows[i][p] = ids[v].map { .int($0) } ?? .text(v)
            }
        }
    }

    func store(_ rows: inout [[StoreValue]], _ session: any ImportSession) async throws {
        var missing: Set<String> = []
        for r in rows { if let t = r[position].text { missing.insert(t) } }
        guard !missing.isEmpty else { return }
        let new = try await session.intern(table: table, id: id, value: value, values: missing.sorted())
        ids.withLock { ids in
            if ids.count > Self.cacheLimit { ids.removeAll() }
            ids.merge(new) { _, b in b }
        }
        for i in rows.indices {
            if let t = rows[i][position].text { rows[i][position] = new[t].map { .int($0) } ?? .null }
        }
    }
}
