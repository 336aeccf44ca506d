import EngageCore
import EngageStore
import Foundation

extension TableImport {
    /// Reads a file described by `spec`: typed fields, references to earlier rows, checks
    /// across fields; rows are upserted by the spec's key. (clicks.csv has a reader of its
    /// own, `clicks`.)
    func table(_ spec: TableSpec, _ ctx: RowContext) async throws -> Int {
        var known: [String: Set<String>] = [:]
        for f in spec.fields {
            if let r = f.references, known[r.table + "." + r.column] == nil {
                known[r.table + "." + r.column] = try await session.knownKeys(table: r.table, column: r.column)
            }
        }
        let refs = known
        var utc = ZoneClock.utc
        // positions, found once: the fields' columns in the file (after its header), the key
        // and value fields in the spec
        let names = spec.fields.map(\.name)
        let keyIndexes = spec.key.map { col in spec.fields.firstIndex { $0.column == col }! }
        let valueIndexes = spec.fields.indices.filter { !spec.key.contains(spec.fields[$0].column) }
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
                    ctx.fail(c, f.name, f.unknown(id))
                }
            }
            for check in spec.checks {
                if let (field, message) = check(v) { ctx.fail(ctx.col(field), field, message) }
            }
            guard ctx.rowOK else { return nil }
            return keyIndexes.map { v.values[$0] ?? .text("") } + valueIndexes.map { v.values[$0] ?? .null }
        }, write: { (rows: [[StoreValue]]) in
            try await session.upsert(table: spec.table, key: spec.key, columns: spec.valueColumns, rows: rows)
        })
    }
}
