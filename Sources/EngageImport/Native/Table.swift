import EngageCore
import EngageStore
import Foundation

/// Rows of a native file, whatever it came as — CSV text, a workbook sheet — with the
/// line and column of each cell for messages.
protocol TableRows: AnyObject {
    /// Advances to the next row; false at the end.
    func next() throws -> Bool
    var line: Int { get }
    var count: Int { get }
    func cell(_ i: Int) -> String
    func column(_ i: Int) -> Int
    /// The cell without surrounding spaces; nil when that leaves nothing.
    func trimmed(_ i: Int) -> String?
    /// True when the row has no cell with anything but spaces.
    var isBlank: Bool { get }
}

/// A CSV file read as it streams.
final class CSVRows: TableRows {
    let reader: CSVReader
    init(_ reader: CSVReader) { self.reader = reader }
    func next() throws -> Bool { try reader.next() }
    var line: Int { reader.line }
    var count: Int { reader.fieldCount }
    func cell(_ i: Int) -> String { i < reader.fieldCount ? reader.string(i) : "" }
    func column(_ i: Int) -> Int { reader.column(i) }
    func trimmed(_ i: Int) -> String? {
        guard i < reader.fieldCount else { return nil }
        let b = Self.trim(reader.bytes(i))
        return b.isEmpty ? nil : String(decoding: b, as: UTF8.self)
    }
    var isBlank: Bool { (0..<reader.fieldCount).allSatisfy { Self.trim(reader.bytes($0)).isEmpty } }

    /// Without ASCII spaces, tabs and line ends at either end (bytes: no String is built).
    static func trim(_ b: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var lo = b.startIndex, hi = b.endIndex
        while lo < hi, b[lo] == 32 || b[lo] == 9 || b[lo] == 10 || b[lo] == 13 { lo += 1 }
        while hi > lo, b[hi - 1] == 32 || b[hi - 1] == 9 || b[hi - 1] == 10 || b[hi - 1] == 13 { hi -= 1 }
        return b[lo..<hi]
    }
}

/// Rows held in memory (a workbook's sheet, rows built from JSON).
final class GridRows: TableRows {
    let rows: [(line: Int, cells: [String])]
    private var i = -1
    init(_ rows: [(line: Int, cells: [String])]) { self.rows = rows }
    func next() throws -> Bool {
        i += 1
        return i < rows.count
    }
    var line: Int { rows[i].line }
    var count: Int { rows[i].cells.count }
    func cell(_ c: Int) -> String { c < rows[i].cells.count ? rows[i].cells[c] : "" }
    func column(_ c: Int) -> Int { c + 1 }
    func trimmed(_ c: Int) -> String? {
        let t = cell(c).trimmingCharacters(in: .whitespacesAndNewlines)
        return t.isEmpty ? nil : t
    }
    var isBlank: Bool { rows[i].cells.allSatisfy { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty } }
}

/// A header name as compared: trimmed, lower case, without BOM, quotes, zero-width and
/// non-breaking spaces.
func headerKey(_ s: String) -> String {
    var t = s.replacingOccurrences(of: "\u{FEFF}", with: "").replacingOccurrences(of: "\u{200B}", with: "")
        .replacingOccurrences(of: "\u{00A0}", with: " ")
    t = t.trimmingCharacters(in: .whitespacesAndNewlines.union(CharacterSet(charactersIn: "\"")))
    return t.lowercased()
}
