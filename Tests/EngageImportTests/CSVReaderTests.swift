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

    @Test func unclosedQuoteIsAnErrorWithItsPosition() async throws {
        await #expect(throws: CSVReader.CSVError.self) { _ = try await records("a,b\n1,\"open\n2,3\n") }
    }
}
