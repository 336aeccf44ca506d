import EngageCore
import Foundation

/// A streaming RFC 4180 reader over bytes: reads a file in chunks, so memory stays flat
/// whatever the file's size; knows the line and column of every field for error messages.
///
/// Handles a UTF-8 BOM, CRLF or LF line ends, quoted fields with embedded delimiters,
/// newlines and doubled quotes, and detects the delimiter from the header line: `,`, `;`
/// (Russian-locale spreadsheets, whose numbers use a decimal comma) or a tab.
///
/// Written by hand rather than taken from a CSV package because the importer needs both
/// positions (`file:line:column`) and several hundred thousand rows a second without a
/// `String` per field.
public final class CSVReader {
    public let path: String
    public private(set) var delimiter: UInt8 = UInt8(ascii: ",")
    /// True when the file uses `;` as its delimiter: numbers may then use a decimal comma.
    public var decimalComma: Bool { delimiter == UInt8(ascii: ";") }

    private let handle: FileHandle
    private var chunk: [UInt8] = []
    private var pos = 0
    private var eof = false
    private var atStart = true

    // The current record: unescaped field bytes, back to back.
    private var record: [UInt8] = []
    private var starts: [Int] = []
    private var ends: [Int] = []
    private var columns: [Int] = []
    /// Line of the current record's first byte (1-based).
    public private(set) var line = 0
    private var nextLine = 1

    private let chunkSize: Int
    /// Bytes read from the file so far (a chunk at a time): how far through it the reader is.
    public private(set) var bytesRead = 0
    /// Largest record (all its fields), in bytes.
    static let maxRecordBytes = 4 * Limits.maxFieldBytes

    /// - Parameter chunkSize: bytes read at a time (small values are for tests of chunk edges).
    public init(path: String, chunkSize: Int = 1 << 20) throws {
        self.path = path
        self.chunkSize = max(1, chunkSize)
        // only a regular file: a folder named posts.csv or a FIFO must not crash or hang
        var st = stat()
        guard stat(path, &st) == 0 else { throw CSVError(line: 0, column: 0, message: "cannot open the file") }
        guard st.st_mode & S_IFMT == S_IFREG else { throw CSVError(line: 0, column: 0, message: "not a regular file (a folder, a pipe or a device?)") }
        guard let h = FileHandle(forReadingAtPath: path) else {
            throw CSVError(line: 0, column: 0, message: "cannot open file")
        }
        handle = h
        record.reserveCapacity(4096)
    }

    deinit { try? handle.close() }

    public struct CSVError: Error {
        public var line: Int
        public var column: Int
        public var message: String
    }

    private func fill() -> Bool {
        if eof { return false }
        let data = handle.readData(ofLength: chunkSize)
        bytesRead += data.count
        if data.isEmpty { eof = true; return false }
        chunk = [UInt8](data)
        pos = 0
        if atStart {
            atStart = false
            while chunk.count < 3 {  // enough bytes to see a BOM
                let more = handle.readData(ofLength: chunkSize)
                bytesRead += more.count
                if more.isEmpty { break }
                chunk += more
            }
            if chunk.count >= 3, chunk[0] == 0xEF, chunk[1] == 0xBB, chunk[2] == 0xBF { pos = 3 }
            detectDelimiter()
        }
        return true
    }

    /// Counts `,`, `;` and tabs outside quotes on the first line.
    private func detectDelimiter() {
        var commas = 0, semis = 0, tabs = 0, quoted = false
        var i = pos
        while i < chunk.count {
            let b = chunk[i]
            if b == 34 { quoted.toggle() } else if !quoted {
                if b == 10 || b == 13 { break }
                if b == 44 { commas += 1 } else if b == 59 { semis += 1 } else if b == 9 { tabs += 1 }
            }
            i += 1
        }
        if semis > commas && semis >= tabs { delimiter = 59 } else if tabs > commas && tabs > semis { delimiter = 9 }
    }

    /// Reads the next record; false at the end of the file. Blank lines are skipped. A record
    /// with a NUL byte or text that is not UTF-8 is an error naming its place (Engage never
    /// stores a replacement character in place of what it could not read).
    public func next() throws -> Bool {
        while true {
            guard try readRecord() else { return false }
            if !(starts.count == 1 && ends[0] == starts[0]) {
                try checkText()
                return true
            }
        }
    }

    /// Refuses NUL bytes and malformed UTF-8 in the current record. Plain ASCII (most fields)
    /// is passed over in one tight loop.
    private func checkText() throws {
        let plain = record.withUnsafeBufferPointer { b -> Bool in
            var i = 0
            while i + 8 <= b.count {
                let w = UnsafeRawPointer(b.baseAddress! + i).loadUnaligned(as: UInt64.self)
                if Self.notPlain(w) || Self.has(w, 0) { return false }
                i += 8
            }
            while i < b.count {
                if b[i] == 0 || b[i] >= 0x80 { return false }
                i += 1
            }
            return true
        }
        if plain { return }
        for i in 0..<starts.count {
            let field = record[starts[i]..<ends[i]]
            if field.contains(0) {
                throw CSVError(line: line, column: column(i), message: "a NUL byte in the text: this is not a CSV text file (save it as CSV UTF-8)")
            }
            if field.contains(where: { $0 >= 0x80 }), String(validating: field, as: UTF8.self) == nil {
                throw CSVError(line: line, column: column(i),
                               message: "the text is not UTF-8 (a file saved as Windows-1251 or another code page?): save it as CSV UTF-8 and import it again")
            }
        }
    }

    private func readRecord() throws -> Bool {
        // Work on local arrays (moved out and back): appends to a class's stored arrays pay
        // an exclusivity check and a uniqueness check per byte.
        var record = self.record, starts = self.starts, ends = self.ends, columns = self.columns
        self.record = []; self.starts = []; self.ends = []; self.columns = []
        defer { self.record = record; self.starts = starts; self.ends = ends; self.columns = columns }
        record.removeAll(keepingCapacity: true)
        starts.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        columns.removeAll(keepingCapacity: true)
        if pos >= chunk.count && !fill() { return false }
        line = nextLine
        var col = 1
        var quoted = false
        var inQuotes = false
        var fieldStarted = false  // a quote may only open a field
        starts.append(0)
        columns.append(1)
        let d = delimiter
        while true {
            if pos >= chunk.count {
                if !fill() {
                    if inQuotes {
                        throw CSVError(line: line, column: columns.last ?? 1, message: "quoted field is not closed before the end of the file")
                    }
                    ends.append(record.count)
                    return true
                }
            }
            let done: Bool = try chunk.withUnsafeBufferPointer { buf in
                var i = pos
                let n = buf.count
                defer { pos = i }
                while i < n {
                    let b = buf[i]
                    if inQuotes {
                        if b == 34 {
                            if i + 1 < n {
                                if buf[i + 1] == 34 { record.append(34); i += 2; col += 2; continue }
                                inQuotes = false; i += 1; col += 1; continue
                            }
                            // the quote is the last byte of the chunk: decide after refilling
                            i += 1
                            quoteAtEnd = true
                            return false
                        }
                        // the run of bytes up to the next quote, appended at once (eight
                        // plain bytes at a time while there are no quotes, line ends or
                        // multi-byte characters to count)
                        var j = i
                        while j + 8 <= n {
                            let w = UnsafeRawPointer(buf.baseAddress! + j).loadUnaligned(as: UInt64.self)
                            if Self.notPlain(w) || Self.has(w, 34) || Self.has(w, 10) { break }
                            j += 8
                            col += 8
                        }
                        while j < n {
                            let x = buf[j]
                            if x == 34 { break }
                            if x == 10 { nextLine += 1; col = 1 } else if x & 0xC0 != 0x80 { col += 1 }
                            j += 1
                        }
                        record.append(contentsOf: UnsafeBufferPointer(rebasing: buf[i..<j]))
                        i = j
                        continue
                    }
                    if b == d {
                        ends.append(record.count)
                        starts.append(record.count)
                        i += 1
                        col += 1
                        columns.append(col)
                        fieldStarted = false
                        quoted = false
                        continue
                    }
                    if b == 10 || b == 13 {
                        ends.append(record.count)
                        i += 1
                        if b == 13 {
                            if i < n { if buf[i] == 10 { i += 1 } } else { pendingCR = true }
                        }
                        nextLine += 1
                        return true
                    }
                    if b == 34 {
                        if !fieldStarted && !quoted {
                            quoted = true
                            inQuotes = true
                            fieldStarted = true
                            i += 1
                            col += 1
                            continue
                        }
                        throw CSVError(line: nextLine, column: col, message: "stray quote inside a field (quote the whole field and double inner quotes)")
                    }
                    if quoted {
                        throw CSVError(line: nextLine, column: col, message: "unexpected text after a closing quote")
                    }
                    fieldStarted = true
                    // the run of plain bytes up to the next delimiter, line end or quote (one
                    // append, not one per byte, scanned eight plain ASCII bytes at a
                    // time); columns count characters, not bytes
                    var j = i
                    while j + 8 <= n {
                        let w = UnsafeRawPointer(buf.baseAddress! + j).loadUnaligned(as: UInt64.self)
                        if Self.notPlain(w) || Self.has(w, d) || Self.has(w, 10) || Self.has(w, 13) || Self.has(w, 34) { break }
                        j += 8
                        col += 8
                    }
                    while j < n {
                        let x = buf[j]
                        if x == d || x == 10 || x == 13 || x == 34 { break }
                        if x & 0xC0 != 0x80 { col += 1 }
                        j += 1
                    }
                    record.append(contentsOf: UnsafeBufferPointer(rebasing: buf[i..<j]))
                    i = j
                }
                return false
            }
            // memory stays bounded by the batch, whatever the file holds
            if record.count > Self.maxRecordBytes {
                throw CSVError(line: line, column: columns.last ?? 1,
                               message: "a record longer than \(Self.maxRecordBytes / (1 << 20)) MiB (a quote that is never closed?)")
            }
            if starts.count > Limits.maxFields {
                throw CSVError(line: line, column: columns.last ?? 1, message: "more than \(Limits.maxFields) fields in one record")
            }
            if quoteAtEnd {
                quoteAtEnd = false
                if fill(), pos < chunk.count, chunk[pos] == 34 {
                    record.append(34); pos += 1; col += 2
                } else {
                    inQuotes = false; col += 1
                }
            }
            if pendingCR {
                pendingCR = false
                if fill(), pos < chunk.count, chunk[pos] == 10 { pos += 1 }
            }
            if done { return true }
        }
    }

    /// Whether any of the eight bytes of `w` is `byte` (SWAR: a byte of `w ^ byte…` is zero).
    @inline(__always) static func has(_ w: UInt64, _ byte: UInt8) -> Bool {
        let x = w ^ (0x0101_0101_0101_0101 &* UInt64(byte))
        return (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080 != 0
    }

    /// Whether any of the eight bytes of `w` is not ASCII (part of a multi-byte character).
    @inline(__always) static func notPlain(_ w: UInt64) -> Bool { w & 0x8080_8080_8080_8080 != 0 }

    private var pendingCR = false
    private var quoteAtEnd = false

    public var fieldCount: Int { starts.count }

    /// The bytes of the current record's fields.
    public var recordBytes: Int { record.count }

    /// Column (1-based, in characters) where field `i` starts.
    public func column(_ i: Int) -> Int { i < columns.count ? columns[i] : (columns.last ?? 1) }

    /// The raw bytes of field `i` (empty when the record is short).
    @inline(__always)
    public func bytes(_ i: Int) -> ArraySlice<UInt8> {
        guard i < starts.count else { return [] }
        return record[starts[i]..<ends[i]]
    }

    public func isEmpty(_ i: Int) -> Bool { i >= starts.count || starts[i] == ends[i] }

    public func string(_ i: Int) -> String { String(decoding: bytes(i), as: UTF8.self) }
}
