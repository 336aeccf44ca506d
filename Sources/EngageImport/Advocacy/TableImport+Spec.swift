import EngageCore
import EngageStore
import Foundation

extension TableImport {
    static func fnv(_ values: [StoreValue]) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ b: UInt8) { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        for v in values {
            switch v {
            case .null: mix(0)
            case .int(let i): mix(1); withUnsafeBytes(of: i.littleEndian) { for b in $0 { mix(b) } }
            case .double(let d): mix(2); withUnsafeBytes(of: d.bitPattern.littleEndian) { for b in $0 { mix(b) } }
            case .text(let s): mix(3); for b in s.utf8 { mix(b) }; mix(0xFF)
            }
        }
        return h
    }

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
        // identical rows (no natural key) are told apart by their order: keyed by a 64-bit
        // FNV-1a of the key values (deterministic, so a re-import numbers them alike; a
        // collision only gives a row a higher number, never a clash with another key)
        var occurrences: [UInt64: Int] = [:]
        var derivedMemo: [String: [StoreValue]] = [:]
        // positions, found once: the fields' columns in the file (after its header), the key
        // and value fields in the spec, the fields lookups and derived columns read
        let names = spec.fields.map(\.name)
        let keyIndexes = spec.key.filter { $0 != "occurrence" || !spec.occurrence }.map { col in spec.fields.firstIndex { $0.column == col }! }
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
            if spec.occurrence {
                let k = Self.fnv(row)
                occurrences[k, default: 0] += 1
                row.append(.int(occurrences[k]!))
            }
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
        }, write: { rows in
            try await session.upsert(table: spec.table, key: spec.key, columns: spec.valueColumns, rows: rows)
        })
    }
}
