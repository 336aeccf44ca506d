import EngageCore
import EngageImport
import EngageStore
import EngageTestSupport
import Foundation

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

    /// A ZIP of `entries` (name → bytes), as TikTok and YouTube ship them.
    @discardableResult
    static func zip(_ dir: String, _ name: String, _ entries: [(String, Data)]) throws -> String {
        let path = (dir as NSString).appendingPathComponent(name)
        try ArchiveWriter.zip(path, entries)
        return path
    }
}

extension NativeFiles {
    /// An .xlsx with `sheets`, as LinkedIn writes its creator export.
    @discardableResult
    static func xlsx(_ dir: String, _ name: String, _ sheets: [(String, [[String]])]) throws -> String {
        let path = (dir as NSString).appendingPathComponent(name)
        try ArchiveWriter.xlsx(path, sheets)
        return path
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
            for sheet in json.load(sys.stdin):
                ws = book.add_sheet(sheet["name"])
                for r, row in enumerate(sheet["rows"]):
                    for c, cell in enumerate(row):
                        if cell == "":
                            continue
                        try:
                            ws.write(r, c, int(cell))
                        except ValueError:
                            ws.write(r, c, cell)
            book.save(sys.argv[1])
            """, path]
        let input = Pipe()
        p.standardInput = input
        try p.run()
        input.fileHandleForWriting.write(spec)
        try input.fileHandleForWriting.close()
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
