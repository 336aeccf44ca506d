import EngageCore
import EngageStore
import Foundation
import ZIPFoundation

/// A file as the user knows it (`name`: a path they gave, or `archive.zip/entry.csv`) and
/// where it is read from (`path`: the file itself, or its copy out of a ZIP).
struct InputFile: Sendable {
    var name: String
    var path: String
    /// The ZIP the file came out of (TikTok puts the handle and the first day only there).
    var archive: String?
    /// False for a folder, a pipe or a device with a file's name: never opened (a pipe
    /// would block the import).
    var isRegular = true
}

/// Expands what `engage import` was given — folders, files, ZIPs (one level of ZIPs inside
/// a ZIP too) — into the files to recognise. ZIP entries are copied into a private
/// temporary folder, removed when the import ends.
final class InputSet {
    let temp: String
    private(set) var files: [InputFile] = []
    private(set) var problems: [ImportIssue] = []
    private var extracted = 0

    /// The most a ZIP may unpack to (a ZIP bomb is refused, not expanded).
    static let maxUnpackedBytes: UInt64 = 1 << 30

    init() throws {
        temp = (NSTemporaryDirectory() as NSString).appendingPathComponent("engage-import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: temp, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
    }

    deinit { try? FileManager.default.removeItem(atPath: temp) }

    /// Adds a path given on the command line (`shown` is how messages name it).
    func add(path: String, shown: String) {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            problems.append(ImportIssue(file: shown, line: 0, column: 0, message: "no such file or folder"))
            return
        }
        if isDir.boolValue {
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
            for n in names where !n.hasPrefix(".") {
                let p = (path as NSString).appendingPathComponent(n)
                var sub: ObjCBool = false
                FileManager.default.fileExists(atPath: p, isDirectory: &sub)
                if sub.boolValue {
                    // one level: a folder of exports; a folder with a contract file's name is refused as such
                    if Importer.importedFiles.contains(n.lowercased()) { files.append(InputFile(name: n, path: p, archive: nil, isRegular: false)) }
                    continue
                }
                // a folder's files are named as in the folder (`posts.csv:3:7: …`)
                addFile(path: p, shown: n, archive: nil, depth: 0)
            }
        } else {
            addFile(path: path, shown: shown, archive: nil, depth: 0)
        }
    }

    /// Adds an uploaded file: `name` as it was sent.
    func add(upload path: String, name: String) { addFile(path: path, shown: name, archive: nil, depth: 0) }

    private func addFile(path: String, shown: String, archive: String?, depth: Int) {
        var st = stat()
        guard stat(path, &st) == 0, st.st_mode & S_IFMT == S_IFREG else {
            files.append(InputFile(name: shown, path: path, archive: archive, isRegular: false))
            return
        }
        if Self.isZip(path) {
            guard depth < 2 else {
                problems.append(ImportIssue(file: shown, line: 0, column: 0, message: "a ZIP inside a ZIP inside a ZIP: unpack it first"))
                return
            }
            unzip(path: path, shown: shown, depth: depth)
        } else {
            files.append(InputFile(name: shown, path: path, archive: archive))
        }
    }

    static func isZip(_ path: String) -> Bool {
        guard let h = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? h.close() }
        let head = [UInt8](h.readData(ofLength: 4))
        return head == [0x50, 0x4B, 0x03, 0x04] || head == [0x50, 0x4B, 0x05, 0x06]
    }

    /// True for an OLE2 compound file (a legacy .xls).
    static func isOLE(_ path: String) -> Bool {
        guard let h = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? h.close() }
        return [UInt8](h.readData(ofLength: 8)) == [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]
    }

    /// True for an Office Open XML workbook (a ZIP holding `xl/workbook.xml`).
    static func isXLSX(_ path: String) -> Bool {
        guard isZip(path), let a = try? Archive(url: URL(fileURLWithPath: path), accessMode: .read) else { return false }
        return a["xl/workbook.xml"] != nil
    }

    private func unzip(path: String, shown: String, depth: Int) {
        // a workbook is a ZIP too: it is read as a workbook, not unpacked
        if Self.isXLSX(path) {
            files.append(InputFile(name: shown, path: path, archive: nil))
            return
        }
        let archive: Archive
        do { archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read) } catch {
            problems.append(ImportIssue(file: shown, line: 0, column: 0, message: "not a readable ZIP archive (truncated or damaged?)"))
            return
        }
        var total: UInt64 = 0
        var entries: [Entry] = []
        for e in archive where e.type == .file {
            total += e.uncompressedSize
            entries.append(e)
        }
        guard total <= Self.maxUnpackedBytes else {
            problems.append(ImportIssue(file: shown, line: 0, column: 0, message: "the ZIP unpacks to more than 1 GiB: unpack it and import the folder (see docs/import.md#limits)"))
            return
        }
        let zipName = (shown as NSString).lastPathComponent
        for e in entries.sorted(by: { $0.path < $1.path }) {
            let base = (e.path as NSString).lastPathComponent
            if base.hasPrefix(".") || e.path.hasPrefix("__MACOSX/") { continue }
            extracted += 1
            let dir = (temp as NSString).appendingPathComponent(String(extracted))
            let target = (dir as NSString).appendingPathComponent(base)
            do {
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
                _ = try archive.extract(e, to: URL(fileURLWithPath: target), skipCRC32: false)
            } catch {
                problems.append(ImportIssue(file: "\(shown)/\(e.path)", line: 0, column: 0, message: "cannot unpack this entry (the ZIP is truncated or damaged)"))
                continue
            }
            addFile(path: target, shown: "\(shown)/\(e.path)", archive: zipName, depth: depth + 1)
        }
    }
}

/// How a text file is encoded, as detected.
enum TextEncoding: String, Sendable {
    case utf8 = "UTF-8", utf8BOM = "UTF-8 with BOM", utf16LE = "UTF-16LE", utf16BE = "UTF-16BE", cp1251 = "Windows-1251"
}

/// A file with NUL bytes that is not UTF-16: a database, an image, a binary.
struct NotText: Error {}

enum TextDecoding {
    /// Detects the encoding of `path`; a file that is not UTF-8 is copied as UTF-8 into
    /// `temp` and that copy's path returned (line numbers stay the same).
    static func utf8Path(_ path: String, temp: String) throws -> (path: String, encoding: TextEncoding) {
        guard let h = FileHandle(forReadingAtPath: path) else { throw CSVReader.CSVError(line: 0, column: 0, message: "cannot open the file") }
        let head = [UInt8](h.readData(ofLength: 1 << 16))
        try? h.close()
        if head.starts(with: [0xFF, 0xFE]) { return (try transcode(path, .utf16LittleEndian, skip: 2, temp: temp), .utf16LE) }
        if head.starts(with: [0xFE, 0xFF]) { return (try transcode(path, .utf16BigEndian, skip: 2, temp: temp), .utf16BE) }
        if head.starts(with: [0xEF, 0xBB, 0xBF]) { return (path, .utf8BOM) }
        if head.contains(0) { throw NotText() }
        if validUTF8Prefix(head) { return (path, .utf8) }
        return (try transcode(path, .windowsCP1251, skip: 0, temp: temp), .cp1251)
    }

    /// True when `b` is UTF-8 (a sequence cut at the end is allowed).
    static func validUTF8Prefix(_ b: [UInt8]) -> Bool {
        var i = 0
        while i < b.count {
            let c = b[i]
            let n: Int
            if c < 0x80 { i += 1; continue } else if c & 0xE0 == 0xC0, c >= 0xC2 { n = 1 } else if c & 0xF0 == 0xE0 { n = 2 } else if c & 0xF8 == 0xF0, c <= 0xF4 { n = 3 } else { return false }
            if i + n >= b.count { return true }
            for k in 1...n where b[i + k] & 0xC0 != 0x80 { return false }
            i += n + 1
        }
        return true
    }

    private static func transcode(_ path: String, _ enc: String.Encoding, skip: Int, temp: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else { throw CSVReader.CSVError(line: 0, column: 0, message: "cannot read the file") }
        guard let text = String(data: data.dropFirst(skip), encoding: enc) else {
            throw CSVReader.CSVError(line: 1, column: 1, message: "the file is neither UTF-8, UTF-16 nor Windows-1251 text")
        }
        let out = (temp as NSString).appendingPathComponent("utf8-\(UUID().uuidString).csv")
        guard FileManager.default.createFile(atPath: out, contents: Data(text.utf8)) else {
            throw CSVReader.CSVError(line: 0, column: 0, message: "cannot convert the file to UTF-8")
        }
        return out
    }
}
