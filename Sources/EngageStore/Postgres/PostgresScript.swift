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
            let rows = try await rows(step.statement.sql, step.statement.binds.map(PGValue.init), on: conn)
            if let row = step.row {
                for try await r in rows { try row(PostgresSQLRow(r: r.makeRandomAccess())) }
            } else {
                for try await _ in rows {}
            }
            try step.then?()
        }
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
