import EngageCore
import EngageStore
import Foundation

/// What a file was recognised as.
enum Recognised {
    /// A file of CONTRACT.md §1 (`kind` is its contract name, `posts.csv`), read from `path`
    /// (a UTF-8 copy when it was in another encoding).
    case contract(kind: String, path: String, encoding: TextEncoding?)
    /// Native files, read (a full Telegram export gives one result per channel).
    case native([NativeResult])
    /// Nothing known: the closest format and the columns it lacked.
    case unknown(closest: String?, missing: [String])
}

/// One file as the import saw it: shown by `--dry-run` and in the import's summary.
public struct FileReport: Sendable {
    public var file: String
    public var format: String
    public var encoding: String?
    public var account: String?
    public var rows = 0
    public var period: String?
    public var mapping: [(column: String, field: String)] = []
    public var ignored: [String] = []
    public var notes: [String] = []
}

enum Recognition {
    /// Every native format read from a header (JSON is recognised by its shape).
    static let textFormats: [NativeFormat] = [
        .vkCommunity, .vkPosts, .metaFacebookPosts, .metaInstagramPosts, .metaDaily, .xContent, .xOverview, .xLegacy,
        .youtubeTable, .youtubeDaily, .tiktokOverview, .tiktokFollowers, .tiktokContent,
    ]

    /// The contract files' required columns (a header with all of one file's is that file).
    static var contractSignatures: [(kind: String, required: [String])] {
        [("accounts.csv", ["account_id", "network"]), ("account_daily.csv", ["account_id", "date", "followers"]),
         ("account_periods.csv", ["account_id", "from", "to"]), ("posts.csv", ["post_id", "account_id", "published_at"]),
         ("costs.csv", ["date", "amount"]), ("messages.csv", ["message_id", "account_id", "received_at"]),
         ("sessions.csv", ["session_id", "visitor_id", "started_at"]), ("responses.csv", ["survey_id", "response_id"])]
        + AdvocacyTables.specs.map { ($0.file, $0.fields.filter(\.required).map(\.name)) }
    }

    /// The contract file a header is, if any (the one whose required columns it has, the
    /// most specific first).
    static func contractKind(_ header: [String]) -> String? {
        let keys = Set(header.map(headerKey))
        return contractSignatures.filter { $0.required.allSatisfy(keys.contains) }.max { $0.required.count < $1.required.count }?.kind
    }

    /// Header rows are looked for in the first lines (a title or a note may stand above).
    static let headerSearchRows = 8

    /// Recognises and reads one file.
    static func recognise(_ input: InputFile, temp: String, issues: IssueSink, asOfDefault: LocalDate) throws -> Recognised {
        let lower = (input.name as NSString).lastPathComponent.lowercased()
        guard input.isRegular else {
            // the contract importer refuses it with its reason; anything else is skipped unopened
            if Importer.importedFiles.contains(lower) { return .contract(kind: lower, path: input.path, encoding: nil) }
            return .unknown(closest: nil, missing: [])
        }
        if InputSet.isXLSX(input.path) || InputSet.isOLE(input.path) || lower.hasSuffix(".xls") || lower.hasSuffix(".xlsx") {
            return try Workbooks.recognise(input, issues: issues, asOfDefault: asOfDefault)
        }
        switch jsonObject(input, issues: issues) {
        case .notJSON: break
        case .invalid: return .native([])
        case .object(let json):
            guard TelegramExport.looksLike(json) else {
                // named as Telegram names its export: an error; any other JSON beside the
                // exports (a manifest, a settings file) is skipped with a warning
                let expected = "a Telegram Desktop export (result.json: an object with \"messages\", or \"chats\": {\"list\": …})"
                if lower == "result.json" {
                    issues.error(input.name, 1, 1, "a JSON file that is not a Telegram Desktop export (expected \(expected.dropFirst(2)))")
                    return .native([])
                }
                return .unknown(closest: expected, missing: [])
            }
            return .native(TelegramExport.read(json, input: input, issues: issues))
        }
        let decoded: (path: String, encoding: TextEncoding)
        do { decoded = try TextDecoding.utf8Path(input.path, temp: temp) } catch let e as CSVReader.CSVError {
            issues.error(input.name, e.line, e.column, e.message)
            return .native([])
        } catch is NotText {
            // a contract file's name: its importer says where the text breaks; else a binary beside the exports
            if Importer.importedFiles.contains(lower) { return .contract(kind: lower, path: input.path, encoding: nil) }
            return .unknown(closest: nil, missing: [])
        }
        let reader: CSVReader
        do { reader = try CSVReader(path: decoded.path) } catch let e as CSVReader.CSVError {
            issues.error(input.name, e.line, e.column, e.message)
            return .native([])
        }
        let rows = CSVRows(reader)
        var best: (score: Double, format: String, missing: [String], line: Int)?
        var previous: String?
        for i in 0..<headerSearchRows {
            do {
                guard try rows.next() else { break }
            } catch let e as CSVReader.CSVError {
                if Importer.importedFiles.contains(lower) { return .contract(kind: lower, path: decoded.path, encoding: decoded.encoding) }
                if i == 0 { return .unknown(closest: nil, missing: []) }
                issues.error(input.name, e.line, e.column, e.message)
                return .native([])
            }
            let header = (0..<rows.count).map(rows.cell)
            if i == 0, let kind = contractKind(header) { return .contract(kind: kind, path: decoded.path, encoding: decoded.encoding) }
            for f in textFormats {
                let m = f.match(header)
                if m.missing.isEmpty {
                    let result = NativeResult(format: f, file: input.name)
                    result.encoding = decoded.encoding
                    result.asOf = asOfDefault
                    let r = NativeReader(rows: rows, header: header, file: input.name, input: input,
                                         issues: issues, result: result, titleLine: previous)
                    do { try f.read(r) } catch let e as CSVReader.CSVError { issues.error(input.name, e.line, e.column, e.message) }
                    return .native([result])
                }
                if m.score > (best?.score ?? 0) { best = (m.score, f.title, m.missing, rows.line) }
            }
            previous = header.filter { !$0.isEmpty }.joined(separator: ",")
        }
        // a contract file's name with a header that is not its own: the contract importer
        // names the columns it lacks
        if Importer.importedFiles.contains(lower) { return .contract(kind: lower, path: decoded.path, encoding: decoded.encoding) }
        if let b = best, b.score >= 0.5 {
            issues.error(input.name, b.line, 1, "looks like \(b.format) but the header lacks \(b.missing.map { "'\($0)'" }.joined(separator: ", ")) (a renamed column? see docs/import.md#native-exports)")
            return .native([])
        }
        return .unknown(closest: best?.format, missing: best?.missing ?? [])
    }

    enum JSONFile { case notJSON, invalid, object([String: Any]) }

    /// The file as a JSON object when it starts with `{` (after a BOM and spaces).
    static func jsonObject(_ input: InputFile, issues: IssueSink) -> JSONFile {
        guard let h = FileHandle(forReadingAtPath: input.path) else { return .notJSON }
        let head = [UInt8](h.readData(ofLength: 64))
        try? h.close()
        let bom = head.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var i = bom
        while i < head.count, [0x20, 0x09, 0x0A, 0x0D].contains(head[i]) { i += 1 }
        guard i < head.count, head[i] == UInt8(ascii: "{") else { return .notJSON }
        guard let data = FileManager.default.contents(atPath: input.path) else { return .notJSON }
        do {
            return .object(try JSONSerialization.jsonObject(with: data.dropFirst(bom)) as? [String: Any] ?? [:])
        } catch {
            issues.error(input.name, 1, 1, "not valid JSON (the file is truncated or damaged)")
            return .invalid
        }
    }
}
