import CFreeXL
import EngageCore
import EngageStore
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import ZIPFoundation

/// A workbook's sheets as rows of text cells (numbers as written, dates as `YYYY-MM-DD` for
/// .xls and as Excel serial numbers for .xlsx, which the formats' date readers accept).
struct Workbook {
    struct Sheet {
        var name: String
        /// (1-based row number, cells by column)
        var rows: [(line: Int, cells: [String])]
    }
    var sheets: [Sheet]

    struct Unreadable: Error { var message: String }

    /// The most cells a sheet may span (LinkedIn's are a few thousand), and the largest XML
    /// part of an .xlsx: what a workbook may make the importer hold in memory.
    static let maxCells: UInt64 = 5_000_000
    static let maxPartBytes: UInt64 = 64 << 20

    /// The sheets of an .xlsx (Office Open XML) or .xls (BIFF, through FreeXL) file.
    static func open(_ path: String) throws -> Workbook {
        if InputSet.isZip(path) { return try openXLSX(path) }
        return try openXLS(path)
    }

    // MARK: .xlsx: the workbook, its relationships, shared strings and each sheet's XML

    static func openXLSX(_ path: String) throws -> Workbook {
        let archive: Archive
        do { archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read) } catch {
            throw Unreadable(message: "not a readable workbook (the .xlsx is truncated or damaged)")
        }
        func xml(_ name: String) throws -> Data? {
            guard let e = archive[name] else { return nil }
            guard e.uncompressedSize <= maxPartBytes else { throw Unreadable(message: "\(name) unpacks to more than 64 MiB (see docs/import.md#limits)") }
            var out = Data()
            do { _ = try archive.extract(e, skipCRC32: false) { out.append($0) } } catch {
                throw Unreadable(message: "cannot unpack \(name) (the .xlsx is truncated or damaged)")
            }
            return out
        }
        guard let wb = try xml("xl/workbook.xml") else { throw Unreadable(message: "not a workbook: xl/workbook.xml is missing") }
        let sheetRefs = XMLScan.elements(wb, "sheet").map { ($0["name"] ?? "", $0["r:id"] ?? $0["id"] ?? "") }
        var targets: [String: String] = [:]
        if let rels = try xml("xl/_rels/workbook.xml.rels") {
            for r in XMLScan.elements(rels, "Relationship") { targets[r["Id"] ?? ""] = r["Target"] }
        }
        let shared = try xml("xl/sharedStrings.xml").map(XMLScan.sharedStrings) ?? []
        var sheets: [Sheet] = []
        for (i, ref) in sheetRefs.enumerated() {
            var target = targets[ref.1] ?? "worksheets/sheet\(i + 1).xml"
            if target.hasPrefix("/") { target.removeFirst() } else { target = "xl/" + target }
            guard let data = try xml(target) else { throw Unreadable(message: "the sheet '\(ref.0)' is missing from the workbook (\(target))") }
            sheets.append(Sheet(name: ref.0, rows: XMLScan.sheetRows(data, shared: shared)))
        }
        return Workbook(sheets: sheets)
    }

    // MARK: .xls through FreeXL

    static func openXLS(_ path: String) throws -> Workbook {
        var handle: UnsafeRawPointer?
        guard freexl_open(path, &handle) == FREEXL_OK, let h = handle else {
            if let h = handle { freexl_close(h) }
            throw Unreadable(message: "not a readable Excel workbook (.xls): truncated, damaged or another format")
        }
        defer { freexl_close(h) }
        var count: UInt32 = 0
        guard freexl_get_info(h, UInt16(FREEXL_BIFF_SHEET_COUNT), &count) == FREEXL_OK else {
            throw Unreadable(message: "the .xls has no sheets FreeXL can read")
        }
        var sheets: [Sheet] = []
        for i in 0..<min(count, 64) {
            var name: UnsafePointer<CChar>?
            guard freexl_get_worksheet_name(h, UInt16(i), &name) == FREEXL_OK, freexl_select_active_worksheet(h, UInt16(i)) == FREEXL_OK else { continue }
            var rowCount: UInt32 = 0, colCount: UInt16 = 0
            guard freexl_worksheet_dimensions(h, &rowCount, &colCount) == FREEXL_OK else { continue }
            // a sheet's declared size is the file's word: a few bytes can declare millions of cells
            guard UInt64(rowCount) * UInt64(colCount) <= Workbook.maxCells else {
                throw Unreadable(message: "the sheet '\(name.map { String(cString: $0) } ?? "?")' spans \(rowCount) rows × \(colCount) columns: more than \(Workbook.maxCells) cells (see docs/import.md#limits)")
            }
            var rows: [(line: Int, cells: [String])] = []
            for r in 0..<rowCount {
                var cells: [String] = []
                for c in 0..<colCount {
                    var v = FreeXL_CellValue()
                    guard freexl_get_cell_value(h, r, c, &v) == FREEXL_OK else { cells.append(""); continue }
                    switch Int32(v.type) {
                    case FREEXL_CELL_INT: cells.append(String(v.value.int_value))
                    case FREEXL_CELL_DOUBLE:
                        let d = v.value.double_value
                        cells.append(d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d))
                    case FREEXL_CELL_TEXT, FREEXL_CELL_SST_TEXT, FREEXL_CELL_DATE, FREEXL_CELL_DATETIME, FREEXL_CELL_TIME:
                        cells.append(v.value.text_value.map { String(cString: $0) } ?? "")
                    default: cells.append("")
                    }
                }
                rows.append((Int(r) + 1, cells))
            }
            sheets.append(Sheet(name: name.map { String(cString: $0) } ?? "Sheet\(i + 1)", rows: rows))
        }
        return Workbook(sheets: sheets)
    }
}

/// The few parts of SpreadsheetML Engage needs, read with Foundation's XMLParser.
final class XMLScan: NSObject, XMLParserDelegate {
    private var wanted: String
    private var found: [[String: String]] = []
    // shared strings
    private var strings: [String] = []
    private var inSI = false, inT = false, inRPh = false
    private var text = ""
    // sheet rows
    private var shared: [String] = []
    private var rows: [(line: Int, cells: [String])] = []
    private var row: [String] = []
    private var rowNumber = 0
    private var cellColumn = 0
    private var cellType = ""
    private var inV = false, inIS = false
    private var value = ""
    private enum Mode { case elements, sharedStrings, sheet }
    private var mode: Mode = .elements

    private init(_ wanted: String) { self.wanted = wanted }

    private func run(_ data: Data) {
        let p = XMLParser(data: data)
        p.delegate = self
        p.parse()
    }

    /// The attributes of every `name` element.
    static func elements(_ data: Data, _ name: String) -> [[String: String]] {
        let s = XMLScan(name)
        s.run(data)
        return s.found
    }

    static func sharedStrings(_ data: Data) -> [String] {
        let s = XMLScan("")
        s.mode = .sharedStrings
        s.run(data)
        return s.strings
    }

    static func sheetRows(_ data: Data, shared: [String]) -> [(line: Int, cells: [String])] {
        let s = XMLScan("")
        s.mode = .sheet
        s.shared = shared
        s.run(data)
        return s.rows
    }

    /// `BC12` → column index 54 (0-based).
    static func columnIndex(_ ref: String) -> Int? {
        var n = 0, any = false
        for u in ref.unicodeScalars {
            guard u.value >= 65 && u.value <= 90 else { break }
            n = n * 26 + Int(u.value - 64)
            any = true
        }
        return any ? n - 1 : nil
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        switch mode {
        case .elements:
            if name == wanted || name.hasSuffix(":" + wanted) { found.append(attributes) }
        case .sharedStrings:
            if name == "si" { inSI = true; text = "" } else if name == "rPh" { inRPh = true } else if name == "t", inSI, !inRPh { inT = true }
        case .sheet:
            switch name {
            case "row":
                rowNumber = Int(attributes["r"] ?? "") ?? (rowNumber + 1)
                row = []
            case "c":
                cellColumn = attributes["r"].flatMap(XMLScan.columnIndex) ?? row.count
                cellType = attributes["t"] ?? "n"
                value = ""
            case "v": inV = true
            case "is": inIS = true
            case "t": if inIS { inV = true }
            default: break
            }
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if inT { text += string }
        if inV { value += string }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        switch mode {
        case .elements: break
        case .sharedStrings:
            if name == "t" { inT = false } else if name == "rPh" { inRPh = false } else if name == "si" { strings.append(text); inSI = false }
        case .sheet:
            switch name {
            case "v": inV = false
            case "t": if inIS { inV = false }
            case "is": inIS = false
            case "c":
                var cell = value
                if cellType == "s", let i = Int(value), i >= 0, i < shared.count { cell = shared[i] }
                if cellType == "b" { cell = value == "1" ? "TRUE" : "FALSE" }
                guard cellColumn < 16_384 else { break }
                while row.count < cellColumn { row.append("") }
                if row.count == cellColumn { row.append(cell) } else { row[cellColumn] = cell }
            case "row":
                rows.append((rowNumber, row))
            default: break
            }
        }
    }
}

/// Excel workbooks (LinkedIn's exports): recognised by their sheet names, each sheet read
/// by the format it belongs to.
enum Workbooks {
    static let formats: [NativeFormat] = [.linkedInCreatorFollowers, .linkedInCreatorEngagement, .linkedInCreatorPosts,
                                          .linkedInPageMetrics, .linkedInPagePosts, .linkedInPageFollowers, .linkedInPageVisitors]
    /// The creator export's sheets: a workbook with some of them must have those Engage reads.
    static let creatorSheets = ["discovery", "engagement", "top posts", "followers", "demographics"]

    static func recognise(_ input: InputFile, issues: IssueSink, asOfDefault: LocalDate) throws -> Recognised {
        let book: Workbook
        do { book = try Workbook.open(input.path) } catch let e as Workbook.Unreadable {
            issues.error(input.name, 0, 0, e.message)
            return .native([])
        }
        let names = Set(book.sheets.map { $0.name.lowercased() })
        let creator = creatorSheets.filter(names.contains)
        if creator.count >= 2 {
            for needed in ["engagement", "top posts", "followers"] where !names.contains(needed) {
                issues.error(input.name, 0, 0, "a LinkedIn creator analytics workbook without the sheet '\(needed.uppercased())' (expected DISCOVERY, ENGAGEMENT, TOP POSTS, FOLLOWERS, DEMOGRAPHICS)")
            }
        }
        var results: [NativeResult] = []
        for sheet in book.sheets {
            guard let f = formats.first(where: { $0.sheets.contains(sheet.name.lowercased()) }) else { continue }
            let file = "\(input.name):\(sheet.name)"
            // the header: within the first rows (LinkedIn's Page files have a note on row 1)
            guard let h = sheet.rows.prefix(6).firstIndex(where: { f.match($0.cells).missing.isEmpty }) else {
                let best = sheet.rows.prefix(6).map { f.match($0.cells) }.max { $0.score < $1.score }
                issues.error(file, sheet.rows.first?.line ?? 1, 1, "the sheet's header lacks \((best?.missing ?? f.signature.map { $0[0] }).map { "'\($0)'" }.joined(separator: ", ")) (\(f.title))")
                continue
            }
            let result = NativeResult(format: f, file: file)
            result.asOf = asOfDefault
            let rows = GridRows(Array(sheet.rows[(h + 1)...]))
            let title = h > 0 ? sheet.rows[h - 1].cells.filter { !$0.isEmpty }.joined(separator: " ") : nil
            let r = NativeReader(rows: rows, header: sheet.rows[h].cells, file: file, input: input,
                                 issues: issues, result: result, titleLine: title, sheetRows: sheet.rows)
            try f.read(r)
            results.append(result)
        }
        if results.isEmpty && issues.errors.isEmpty {
            return .unknown(closest: "LinkedIn exports (sheets \(formats.flatMap(\.sheets).map { "'\($0)'" }.joined(separator: ", ")))", missing: [])
        }
        return .native(results)
    }
}
