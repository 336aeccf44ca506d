import EngageCore
@testable import EngageImport
import EngageTestSupport
import Foundation
import Testing

@Suite(.tags(.small)) struct CSVReaderTests {
    func records(_ text: String, chunkSize: Int = 1 << 20) async throws -> (rows: [[String]], lines: [Int], delimiter: UInt8) {
        try await withTempDir { dir in
            let path = dir + "/t.csv"
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            let r = try CSVReader(path: path, chunkSize: chunkSize)
            var rows: [[String]] = [], lines: [Int] = []
            while try r.next() {
                rows.append((0..<r.fieldCount).map(r.string))
                lines.append(r.line)
            }
            return (rows, lines, r.delimiter)
        }
    }

    @Test func quotedFieldsBOMAndCRLF() async throws {
        let text = "\u{FEFF}a,b,c\r\n1,\"x, \"\"quoted\"\"\ntwo lines\",3\r\n\r\n4,,\"\"\n"
        for chunk in [1, 2, 3, 5, 7, 1 << 20] {
            let r = try await records(text, chunkSize: chunk)
            #expect(r.rows == [["a", "b", "c"], ["1", "x, \"quoted\"\ntwo lines", "3"], ["4", "", ""]], "chunk \(chunk)")
            #expect(r.lines == [1, 2, 5], "chunk \(chunk)")
        }
    }

    @Test func russianLocaleDelimiter() async throws {
        let r = try await records("дата;сумма\n2026-03-01;1 234,50\n")
        #expect(r.delimiter == UInt8(ascii: ";"))
        #expect(r.rows[1] == ["2026-03-01", "1 234,50"])
        #expect(Values.cents(Array("1 234,50".utf8)[...], decimalComma: true) == 123_450)
        #expect(Values.cents(Array("1\u{00A0}234,5".utf8)[...], decimalComma: true) == 123_450)
        #expect(Values.cents(Array("12,5".utf8)[...], decimalComma: false) == nil)
        #expect(Values.cents(Array("0.005".utf8)[...], decimalComma: false) == 1)
        #expect(Values.int(Array("10 412".utf8)[...]) == 10_412)
        #expect(Values.int(Array("12a".utf8)[...]) == nil)
        #expect(Values.bool(Array("ДА".utf8)[...]) == true)
        #expect(Values.bool(Array("Нет".utf8)[...]) == false)
    }

    /// Random records — long ASCII runs (read eight bytes at a time), Cyrillic, delimiters,
    /// quotes and line ends inside quotes, CRLF — read back field for field, each field's
    /// line and column (in characters) where the text puts them, at any chunk size.
    @Test func randomRecordsReadBackWithTheirPlaces() async throws {
        var rng = SplitMix64(state: 14)
        let pieces = ["a", "abcdefghijklmnopq", "0123456789", "Ж", "дата и время", ",", "\"", "\n", "\r\n", " ", "\t", ";x"]
        var text = "", expected: [[String]] = [], columns: [[Int]] = [], lines: [Int] = []
        var line = 1, col = 1
        func add(_ s: String) {
            text += s
            for ch in s { if ch == "\n" || ch == "\r\n" { line += 1; col = 1 } else { col += 1 } }
        }
        for n in 0..<60 {
            var fields: [String] = [], at: [Int] = []
            lines.append(line)
            // the header decides the delimiter: plain commas
            for f in 0..<(n == 0 ? 3 : Int.random(in: 1...6, using: &rng)) {
                if f > 0 { add(",") }
                var value = ""
                for _ in 0..<(n == 0 ? 0 : Int.random(in: 0...5, using: &rng)) { value += pieces.randomElement(using: &rng)! }
                if n == 0 || (f == 0 && value.isEmpty) { value = "h\(f)" }  // a blank line is skipped, not a record
                at.append(col)
                let quote = value.unicodeScalars.contains { ",\"\n\r".unicodeScalars.contains($0) }
                add(quote ? "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : value)
                fields.append(value)
            }
            add(Bool.random(using: &rng) ? "\n" : "\r\n")
            expected.append(fields)
            columns.append(at)
        }
        let path = NSTemporaryDirectory() + "csv-random-\(UUID().uuidString).csv"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        for chunk in [1, 3, 8, 13, 64, 1 << 20] {
            let r = try CSVReader(path: path, chunkSize: chunk)
            var rows: [[String]] = [], at: [[Int]] = [], starts: [Int] = []
            while try r.next() {
                rows.append((0..<r.fieldCount).map(r.string))
                at.append((0..<r.fieldCount).map(r.column))
                starts.append(r.line)
            }
            #expect(rows == expected, "chunk \(chunk)")
            // a record's line is where it starts; a field's column counts from its own line
            #expect(starts == lines, "chunk \(chunk)")
            #expect(at == columns, "chunk \(chunk)")
        }
    }

    /// A NUL byte anywhere in a long plain record is found (read eight bytes at a time).
    @Test func aNulByteInALongRecordIsAnError() async throws {
        for at in [0, 7, 8, 15, 16, 40] {
            let value = String(repeating: "a", count: at) + "\u{0}" + String(repeating: "b", count: 20)
            await #expect(throws: CSVReader.CSVError.self, "NUL at \(at)") { _ = try await records("a,b\n1,\(value)\n") }
        }
    }

    @Test func unclosedQuoteIsAnErrorWithItsPosition() async throws {
        await #expect(throws: CSVReader.CSVError.self) { _ = try await records("a,b\n1,\"open\n2,3\n") }
    }
}
