import EngageCore
import EngageImport
import EngageStore
import EngageTestSupport
import Foundation
import ZIPFoundation

/// Native export files written by the tests, shaped as ../shared/NATIVE-EXPORTS.md describes.
enum NativeFiles {
    /// Writes `bytes` as a file of `dir`; returns its path.
    @discardableResult
    static func file(_ dir: String, _ name: String, _ bytes: Data) throws -> String {
        let path = (dir as NSString).appendingPathComponent(name)
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: path, contents: bytes) else { throw StoreError("cannot write \(path)") }
        return path
    }

    static func utf8(_ s: String, bom: Bool = false) -> Data { Data((bom ? [0xEF, 0xBB, 0xBF] : []) + Array(s.utf8)) }

    static func utf16LE(_ s: String) -> Data {
        var d = Data([0xFF, 0xFE])
        for u in s.utf16 { d.append(UInt8(u & 0xFF)); d.append(UInt8(u >> 8)) }
        return d
    }

    /// A ZIP of `entries` (name → bytes), stored as TikTok and YouTube store them.
    @discardableResult
    static func zip(_ dir: String, _ name: String, _ entries: [(String, Data)]) throws -> String {
        let path = (dir as NSString).appendingPathComponent(name)
        let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .create)
        for (entry, data) in entries {
            try archive.addEntry(with: entry, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate,
                                 provider: { pos, size in data.subdata(in: Int(pos)..<Int(pos) + size) })
        }
        return path
    }
}

extension NativeFiles {
    static func escaped(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// An .xlsx with `sheets` (name → rows of cells), every cell a shared string as
    /// LinkedIn writes them ("1,234", "2%", dates as text).
    @discardableResult
    static func xlsx(_ dir: String, _ name: String, _ sheets: [(String, [[String]])]) throws -> String {
        var strings: [String] = []
        var index: [String: Int] = [:]
        func si(_ s: String) -> Int {
            if let i = index[s] { return i }
            index[s] = strings.count
            strings.append(s)
            return strings.count - 1
        }
        var entries: [(String, Data)] = []
        for (n, (_, rows)) in sheets.enumerated() {
            var xml = #"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#
            for (r, row) in rows.enumerated() {
                xml += "<row r=\"\(r + 1)\">"
                for (c, cell) in row.enumerated() where !cell.isEmpty {
                    let col = String(UnicodeScalar(UInt8(65 + c)))
                    xml += "<c r=\"\(col)\(r + 1)\" t=\"s\"><v>\(si(cell))</v></c>"
                }
                xml += "</row>"
            }
            xml += "</sheetData></worksheet>"
            entries.append(("xl/worksheets/sheet\(n + 1).xml", Data(xml.utf8)))
        }
        var wb = #"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>"#
        var rels = #"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#
        for (n, (sheet, _)) in sheets.enumerated() {
            wb += "<sheet name=\"\(escaped(sheet))\" sheetId=\"\(n + 1)\" r:id=\"rId\(n + 1)\"/>"
            rels += "<Relationship Id=\"rId\(n + 1)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet\(n + 1).xml\"/>"
        }
        wb += "</sheets></workbook>"
        rels += "</Relationships>"
        var sst = #"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#
        for s in strings { sst += "<si><t>\(escaped(s))</t></si>" }
        sst += "</sst>"
        entries += [("xl/workbook.xml", Data(wb.utf8)), ("xl/_rels/workbook.xml.rels", Data(rels.utf8)), ("xl/sharedStrings.xml", Data(sst.utf8))]
        return try zip(dir, name, entries)
    }

    /// A legacy .xls (BIFF8) with `sheets`, written by Python's xlwt (scripts/test.sh installs it).
    @discardableResult
    static func xls(_ dir: String, _ name: String, _ sheets: [(String, [[String]])]) throws -> String {
        let path = (dir as NSString).appendingPathComponent(name)
        let spec = try JSONSerialization.data(withJSONObject: sheets.map { ["name": $0.0, "rows": $0.1] as [String: Any] })
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", """
            import json, sys, xlwt
            book = xlwt.Workbook(encoding="utf-8")
            for sheet in json.loads(sys.argv[1]):
                ws = book.add_sheet(sheet["name"])
                for r, row in enumerate(sheet["rows"]):
                    for c, cell in enumerate(row):
                        if cell == "":
                            continue
                        try:
                            ws.write(r, c, int(cell))
                        except ValueError:
                            ws.write(r, c, cell)
            book.save(sys.argv[2])
            """, String(decoding: spec, as: UTF8.self), path]
        try p.run()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw StoreError("python3 with xlwt could not write \(name): pip install xlwt") }
        return path
    }
}

/// Runs an import of `paths` with `options`; the failure, if any.
func importNative(_ paths: [String], into store: any Store, _ options: ImportOptions = ImportOptions()) async throws -> Result<ImportSummary, ImportFailed> {
    do {
        return .success(try await Importer(store: store, now: testNow).importPaths(paths, options: options))
    } catch let e as ImportFailed {
        return .failure(e)
    }
}

extension Store {
    /// Rows of a query, as text (NULL as "∅"), for compact assertions.
    func rows(_ sql: String) async throws -> [String] {
        try await execute(sql).map { r in
            r.map { v -> String in
                switch v {
                case .null: return "∅"
                case .int(let i): return String(i)
                case .double(let d): return String(d)
                case .text(let t): return t
                }
            }.joined(separator: "|")
        }
    }
}

func day(_ s: String) -> Int { LocalDate(s)!.dayNumber }
