import Foundation
import ZIPFoundation

/// Writes ZIPs and minimal .xlsx workbooks as the networks ship them: for `engage demo`'s
/// native exports and for the tests that import them.
public enum ArchiveWriter {
    /// A ZIP of `entries` (path inside → bytes), deflated.
    public static func zip(_ path: String, _ entries: [(String, Data)]) throws {
        let a = try Archive(url: URL(fileURLWithPath: path), accessMode: .create)
        for (e, data) in entries {
            try a.addEntry(with: e, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate,
                           provider: { pos, size in data.subdata(in: Int(pos)..<Int(pos) + size) })
        }
    }

    /// An .xlsx with `sheets` (name → rows of cells, at most 26 columns), every cell a shared
    /// string as LinkedIn writes its creator export ("1,234", dates as text).
    public static func xlsx(_ path: String, _ sheets: [(String, [[String]])]) throws {
        func esc(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
                .replacingOccurrences(of: "\"", with: "&quot;")
        }
        var strings: [String] = [], index: [String: Int] = [:]
        var entries: [(String, Data)] = []
        for (k, (_, rows)) in sheets.enumerated() {
            var xml = #"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#
            for (r, row) in rows.enumerated() {
                xml += "<row r=\"\(r + 1)\">"
                for (c, cell) in row.prefix(26).enumerated() where !cell.isEmpty {
                    let i: Int
                    if let known = index[cell] { i = known } else {
                        i = strings.count
                        index[cell] = i
                        strings.append(cell)
                    }
                    xml += "<c r=\"\(String(UnicodeScalar(UInt8(65 + c))))\(r + 1)\" t=\"s\"><v>\(i)</v></c>"
                }
                xml += "</row>"
            }
            entries.append(("xl/worksheets/sheet\(k + 1).xml", Data((xml + "</sheetData></worksheet>").utf8)))
        }
        var wb = #"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>"#
        var rels = #"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#
        for (k, (name, _)) in sheets.enumerated() {
            wb += "<sheet name=\"\(esc(name))\" sheetId=\"\(k + 1)\" r:id=\"rId\(k + 1)\"/>"
            rels += "<Relationship Id=\"rId\(k + 1)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet\(k + 1).xml\"/>"
        }
        let sst = #"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#
            + strings.map { "<si><t>\(esc($0))</t></si>" }.joined() + "</sst>"
        entries += [("xl/workbook.xml", Data((wb + "</sheets></workbook>").utf8)), ("xl/_rels/workbook.xml.rels", Data((rels + "</Relationships>").utf8)),
                    ("xl/sharedStrings.xml", Data(sst.utf8))]
        try zip(path, entries)
    }
}
