import EngageCore
import GRDB
import GRDBSQLite

/// Thin, allocation-light binding and reading on a prepared statement, for the import hot
/// path and the large report reads (GRDB's `Row` boxes every value; these do not).
struct RawStatement {
    let handle: OpaquePointer
    let db: Database

    init(_ statement: Statement, _ db: Database) {
        handle = statement.sqliteStatement
        self.db = db
    }

    static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    func bind(_ i: Int32, _ v: Int?) {
        if let v { sqlite3_bind_int64(handle, i, Int64(v)) } else { sqlite3_bind_null(handle, i) }
    }

    func bind(_ i: Int32, _ v: Int64?) {
        if let v { sqlite3_bind_int64(handle, i, v) } else { sqlite3_bind_null(handle, i) }
    }

    func bind(_ i: Int32, _ v: Double?) {
        if let v { sqlite3_bind_double(handle, i, v) } else { sqlite3_bind_null(handle, i) }
    }

    func bind(_ i: Int32, _ v: Bool) { sqlite3_bind_int64(handle, i, v ? 1 : 0) }

    func bind(_ i: Int32, _ v: String?) {
        guard var v else { sqlite3_bind_null(handle, i); return }
        v.withUTF8 { buf in
            _ = sqlite3_bind_text(handle, i, UnsafeRawPointer(buf.baseAddress!).assumingMemoryBound(to: CChar.self),
                                  Int32(buf.count), RawStatement.transient)
        }
    }

    /// Steps once; true when a row is available.
    func step() throws -> Bool {
        let rc = sqlite3_step(handle)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            let msg = String(cString: sqlite3_errmsg(sqlite3_db_handle(handle)))
            sqlite3_reset(handle)
            throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: msg)  // mapped like GRDB's own
        }
    }

    /// Runs to completion; returns the number of rows changed.
    @discardableResult
    func run() throws -> Int {
        while try step() {}
        return Int(sqlite3_changes(sqlite3_db_handle(handle)))
    }

    func int(_ c: Int32) -> Int { Int(sqlite3_column_int64(handle, c)) }
    func optInt(_ c: Int32) -> Int? { sqlite3_column_type(handle, c) == SQLITE_NULL ? nil : Int(sqlite3_column_int64(handle, c)) }
    func int64(_ c: Int32) -> Int64 { sqlite3_column_int64(handle, c) }
    func optInt64(_ c: Int32) -> Int64? { sqlite3_column_type(handle, c) == SQLITE_NULL ? nil : sqlite3_column_int64(handle, c) }
    func double(_ c: Int32) -> Double { sqlite3_column_double(handle, c) }
    func text(_ c: Int32) -> String { optText(c) ?? "" }
    /// The bytes of a text column, valid only inside `body`.
    func withText<T>(_ c: Int32, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T {
        guard let p = sqlite3_column_text(handle, c) else { return try body(UnsafeBufferPointer(start: nil, count: 0)) }
        return try body(UnsafeBufferPointer(start: p, count: Int(sqlite3_column_bytes(handle, c))))
    }

    func optText(_ c: Int32) -> String? {
        guard let p = sqlite3_column_text(handle, c) else { return nil }
        let n = Int(sqlite3_column_bytes(handle, c))
        return String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)
    }
}

extension RawStatement {
    /// Binds `values` to `?first…` (after a reset).
    func bind(_ values: [StoreValue], from first: Int32 = 1) {
        for (i, v) in values.enumerated() {
            let at = Int32(i) + first
            switch v {
            case .null: bind(at, nil as String?)
            case .int(let x): bind(at, x)
            case .double(let x): bind(at, x)
            case .text(let x): bind(at, x)
            }
        }
    }

    /// Binds `values` to `?1…` and runs the statement once.
    func runOnce(_ values: [StoreValue]) throws {
        reset()
        bind(values)
        _ = try run()
    }

    /// A cell as a store value (integer, floating point, or text).
    func value(_ c: Int32) -> StoreValue {
        switch sqlite3_column_type(handle, c) {
        case SQLITE_NULL: return .null
        case SQLITE_INTEGER: return .int(int(c))
        case SQLITE_FLOAT: return .double(double(c))
        default: return .text(text(c))
        }
    }

    /// The first `count` columns of the current row.
    func values(count: Int) -> [StoreValue] { (0..<Int32(count)).map(value) }
}

/// The current row of a statement, read through `SQLRow`.
struct SQLiteRow: SQLRow {
    let st: RawStatement
    func int(_ c: Int) -> Int { st.int(Int32(c)) }
    func optInt(_ c: Int) -> Int? { st.optInt(Int32(c)) }
    func int64(_ c: Int) -> Int64 { st.int64(Int32(c)) }
    func optInt64(_ c: Int) -> Int64? { st.optInt64(Int32(c)) }
    func double(_ c: Int) -> Double { st.double(Int32(c)) }
    func text(_ c: Int) -> String { st.text(Int32(c)) }
    func optText(_ c: Int) -> String? { st.optText(Int32(c)) }
    func withText<T>(_ c: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T {
        try st.withText(Int32(c), body)
    }
    func value(_ c: Int) -> StoreValue { st.value(Int32(c)) }
    var count: Int { Int(sqlite3_column_count(st.handle)) }
}

extension SQLScript {
    /// Runs the script on `db` (inside the transaction the caller holds).
    func run(on db: Database) throws {
        while let step = next() {
            switch step.kind {
            case .once(let statement):
                try Self.run(try db.raw(statement.sql), statement.binds, index: 0, step.row)
            case .each(let sql, let rows, let binds):
                // prepared once, stepped per row of values
                let st = try db.raw(sql)
                for (i, values) in rows.enumerated() { try Self.run(st, values + binds, index: i, step.row) }
            }
            try step.then?()
        }
    }

    private static func run(_ st: RawStatement, _ binds: [StoreValue], index: Int, _ row: ((Int, any SQLRow) throws -> Void)?) throws {
        st.reset()
        defer { st.reset() }
        st.bind(binds)
        guard let row else { try st.run(); return }
        let r = SQLiteRow(st: st)
        while try st.step() { try row(index, r) }
    }
}

extension Database {
    /// A cached prepared statement wrapped for raw use.
    func raw(_ sql: String) throws -> RawStatement {
        let st = try cachedStatement(sql: sql)
        let raw = RawStatement(st, self)
        raw.reset()
        return raw
    }
}

/// The texts of a statement's parameters, copied back to back into one buffer and bound
/// where they lie there (`SQLITE_STATIC`): one copy into a reused buffer, not a `malloc`,
/// copy and `free` inside SQLite per text.
struct TextBindings {
    private var bytes: [UInt8] = []
    /// Parameter, start and length in `bytes` (a length of -1 is NULL).
    private var spans: [(param: Int32, start: Int, count: Int)] = []

    mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        spans.removeAll(keepingCapacity: true)
    }

    mutating func add(_ param: Int32, _ text: String?) {
        guard let text else {
            spans.append((param, 0, -1))
            return
        }
        let start = bytes.count
        bytes.append(contentsOf: text.utf8)
        spans.append((param, start, bytes.count - start))
    }

    /// Binds the texts to `st` and runs `body` (which steps it) while their bytes stay put.
    func bound<T>(to st: RawStatement, _ body: () throws -> T) rethrows -> T {
        try bytes.withUnsafeBufferPointer { b in
            for s in spans {
                if s.count < 0 {
                    sqlite3_bind_null(st.handle, s.param)
                } else if s.count == 0 || b.baseAddress == nil {
                    sqlite3_bind_text(st.handle, s.param, "", 0, RawStatement.transient)
                } else {
                    sqlite3_bind_text(st.handle, s.param, UnsafeRawPointer(b.baseAddress! + s.start).assumingMemoryBound(to: CChar.self),
                                      Int32(s.count), nil)  // SQLITE_STATIC
                }
            }
            return try body()
        }
    }
}
