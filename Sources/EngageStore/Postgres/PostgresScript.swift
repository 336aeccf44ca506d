import EngageCore
import PostgresNIO

/// A PostgreSQL row read through `SQLRow`.
struct PostgresSQLRow: SQLRow {
    let r: PostgresRandomAccessRow
    func int(_ c: Int) throws -> Int { try r[c].decode(Int.self, context: .default) }
    func optInt(_ c: Int) throws -> Int? { try r[c].decode(Int?.self, context: .default) }
    func int64(_ c: Int) throws -> Int64 { try r[c].decode(Int64.self, context: .default) }
    func optInt64(_ c: Int) throws -> Int64? { try r[c].decode(Int64?.self, context: .default) }
    func double(_ c: Int) throws -> Double { try r[c].decode(Double.self, context: .default) }
    func text(_ c: Int) throws -> String { try r[c].decode(String.self, context: .default) }
    func optText(_ c: Int) throws -> String? { try r[c].decode(String?.self, context: .default) }
    func withText<T>(_ c: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) throws -> T {
        var s = try text(c)
        return try s.withUTF8(body)
    }
    func value(_ c: Int) throws -> StoreValue { try PostgresStore.value(r[c]) }
    var count: Int { r.count }
}

extension PGValue {
    init(_ v: StoreValue) {
        switch v {
        case .null: self = .text(nil)
        case .int(let i): self = .int(i)
        case .double(let d): self = .double(d)
        case .text(let t): self = .text(t)
        }
    }
}

extension PostgresStore {
    /// Runs `script` on `conn` (inside the transaction the caller holds).
    func run(_ script: SQLScript, on conn: PostgresConnection) async throws {
        while let step = script.next() {
            switch step.kind {
            case .once(let st):
                try await run(st.sql, st.binds.map(PGValue.init), on: conn) { r in try step.row?(0, r) }
            case .each(let sql, let values, let binds):
                if sql.drop(while: \.isWhitespace).uppercased().hasPrefix("SELECT"), let l = PostgresDialect.lateral(sql, rows: values) {
                    // one statement for every key; its first column is the key's index
                    try await run(l.sql, l.arrays + binds.map(PGValue.init), on: conn) { r in try step.row?(try r.int(0), OffsetRow(base: r, offset: 1)) }
                } else if binds.isEmpty, step.row == nil, sql.range(of: "VALUES", options: .caseInsensitive) != nil {
                    for st in PostgresDialect.multiRow(sql, rows: values) {
                        try await run(st.sql, st.binds.map(PGValue.init), on: conn) { _ in }
                    }
                } else {
                    for (i, v) in values.enumerated() {
                        try await run(sql, (v + binds).map(PGValue.init), on: conn) { r in try step.row?(i, r) }
                    }
                }
            }
            try step.then?()
        }
    }

    private func run(_ sql: String, _ binds: [PGValue], on conn: PostgresConnection, _ body: (any SQLRow) throws -> Void) async throws {
        for try await r in try await rows(sql, binds, on: conn) { try body(PostgresSQLRow(r: r.makeRandomAccess())) }
    }

    /// Runs `script` as one consistent read: a read-only REPEATABLE READ transaction on a
    /// connection of the pool (tried again on another one when the pool handed out a
    /// connection the server had closed and nothing was sent).
    package func read(_ script: SQLScript) async throws {
        try await guarded {
            var attempt = 1
            while true {
                do {
                    return try await client.withConnection { conn in
                        try await conn.liveTransaction(logger: logger, begin: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") { conn in
                            try await run(script, on: conn)
                        }
                    }
                } catch let e as ConnectionClosed where e.beforeSending && attempt < 3 && script.notStarted {
                    try await Task.sleep(for: .milliseconds(20 * attempt))
                    attempt += 1
                }
            }
        }
    }
}
