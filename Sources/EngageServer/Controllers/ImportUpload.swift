import EngageCore
import EngageImport
import EngageReports
import EngageStore
import Foundation
import Hummingbird
import MultipartKit

/// Uploaded files imported as `engage import` imports them: contract CSV files and native
/// exports (CSV, JSON, ZIP, XLSX, XLS), recognised by content; the same validation, all or
/// nothing, the same error texts (`file:line:column: message`, files named as sent).
struct ImportUpload {
    let store: any Store
    let now: Int64
    /// Who sends it (a user's or a token's name), for the history of imports.
    var by = ""

    struct Result {
        var summary: ImportSummary
        /// Its entry in the history of imports.
        var entryID = 0
        var json: JSONValue {
            .object([
                ("imported_rows", .int(summary.dryRun ? 0 : summary.rows)),
                ("dry_run", .bool(summary.dryRun)),
                ("files", .array(summary.reports.map { r in
                    var fields: [(String, JSONValue)] = [("file", .string(r.file)), ("rows", .int(r.rows)), ("format", .string(r.format))]
                    if let a = r.account { fields.append(("account", .string(a))) }
                    if let p = r.period { fields.append(("period", .string(p))) }
                    if let e = r.encoding { fields.append(("encoding", .string(e))) }
                    fields.append(("columns", .array(r.mapping.map { .object([("column", .string($0.column)), ("field", .string($0.field))]) })))
                    fields.append(("ignored", .array(r.ignored.map { .string($0) })))
                    fields.append(("notes", .array(r.notes.map { .string($0) })))
                    return .object(fields)
                })),
                ("warnings", .array(summary.warnings.map { .string($0.description) })),
            ])
        }
    }

    /// Longest upload file name accepted, in bytes (file systems allow 255).
    static let maxNameBytes = 200
    /// What an upload may be: contract and native CSV (VK's post export ends in .stat),
    /// Telegram's JSON, ZIPs of exports, workbooks.
    static let extensions = ["csv", "tsv", "txt", "stat", "json", "zip", "xlsx", "xls"]

    /// The options of a form or a query: account, network, timezone, followers (N@YYYY-MM-DD,
    /// several separated by commas), dry_run.
    static func options(_ value: (String) -> String?) throws -> ImportOptions {
        func text(_ name: String) -> String? {
            guard let v = value(name)?.trimmingCharacters(in: .whitespaces), !v.isEmpty else { return nil }
            return v
        }
        var o = ImportOptions(account: text("account"), network: text("network")?.lowercased(), timezone: text("timezone"))
        if let a = o.account, a.count > 200 { throw APIError(.badRequest, "account: at most 200 characters") }
        if let n = o.network, n.count > 40 { throw APIError(.badRequest, "network: at most 40 characters") }
        if let tz = o.timezone, ZoneClock(identifier: tz) == nil { throw APIError(.badRequest, "timezone: '\(tz.prefix(60))' is not an IANA time zone (e.g. Europe/Moscow)") }
        for f in (text("followers") ?? "").split(separator: ",") {
            let item = f.trimmingCharacters(in: .whitespaces)
            guard let v = ImportOptions.parseFollowers(item) else { throw APIError(.badRequest, "followers: expected N@YYYY-MM-DD, e.g. 12500@2026-11-30") }
            o.followers.append(v)
        }
        if let d = text("dry_run") {
            guard let b = ["true": true, "1": true, "on": true, "yes": true, "false": false, "0": false, "no": false][d.lowercased()] else {
                throw APIError(.badRequest, "dry_run: true or false")
            }
            o.dryRun = b
        }
        return o
    }

    func run(_ files: [(String, ByteBuffer)], options: ImportOptions = ImportOptions()) async throws -> Result {
        guard !files.isEmpty || !options.followers.isEmpty else { throw APIError(.badRequest, "no file was sent") }
        var seen: Set<String> = []
        for (name, _) in files {
            // a bare file name: no folders, no hidden files, nothing a file system could refuse
            let shown = String(name.prefix(60)) + (name.count > 60 ? "…" : "")
            let ext = (name as NSString).pathExtension.lowercased()
            guard !name.isEmpty, name.utf8.count <= Self.maxNameBytes, !name.contains("/"), !name.contains("\\"), !name.hasPrefix("."),
                  !name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }), Self.extensions.contains(ext) else {
                throw APIError(.unprocessableContent, "'\(shown)' is not a file name Engage imports (at most \(Self.maxNameBytes) bytes, ending in \(Self.extensions.map { "." + $0 }.joined(separator: ", ")); see docs/import.md)")
            }
            guard seen.insert(name.lowercased()).inserted else { throw APIError(.unprocessableContent, "\(shown) was sent twice") }
        }
        // each file is stored under a name of ours; messages use the name it was sent with
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("engage-upload-" + UUID().uuidString).path
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        } catch {
            throw APIError(.serviceUnavailable, "the server could not store the upload (is its temporary folder full?)")
        }
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var named: [(name: String, path: String)] = []
        for (i, (name, body)) in files.enumerated() {
            let path = dir + "/\(i).\((name as NSString).pathExtension.lowercased())"
            guard FileManager.default.createFile(atPath: path, contents: Data(body.readableBytesView)) else {
                throw APIError(.serviceUnavailable, "the server could not store the upload (is its temporary folder full?)")
            }
            named.append((name, path))
        }
        let names = files.map(\.0)
        do {
            var result = Result(summary: try await Importer(store: store, now: now).importNamed(named, source: "upload", place: "the upload", options: options))
            EngageMetrics.countImport(options.dryRun ? "dry-run" : "imported")
            result.entryID = try await ImportHistory(store: store).record(
                at: now, by: by, files: names, rows: options.dryRun ? 0 : result.summary.rows,
                outcome: options.dryRun ? "dry-run" : "imported", summary: result.json.serialized())
            return result
        } catch let e as ImportFailed {
            EngageMetrics.countImport("refused")
            var details = e.errors.map(\.description)
            if e.truncated { details.append("… more errors not shown") }
            // the refusal is kept too (the import itself left nothing behind)
            _ = try? await ImportHistory(store: store).record(
                at: now, by: by, files: names, rows: 0, outcome: "refused",
                summary: JSONValue.object([("errors", .array(details.prefix(20).map(JSONValue.string)))]).serialized())
            throw APIError(.unprocessableContent, "the import was refused; nothing was changed", details: details)
        }
    }
}

/// multipart/form-data bodies (MultipartKit's parser).
enum Multipart {
    struct Part {
        var name: String?
        var filename: String?
        var body: ByteBuffer
    }

    static func parts(body: ByteBuffer, contentType: String) throws -> [Part] {
        guard let boundary = parameter("boundary", in: contentType) else {
            throw APIError(.badRequest, "multipart/form-data without a boundary")
        }
        let parser = MultipartParser(boundary: boundary)
        var parts: [Part] = []
        var headers: [(String, String)] = []
        var current = ByteBuffer()
        parser.onHeader = { headers.append(($0.lowercased(), $1)) }
        parser.onBody = { current.writeBuffer(&$0) }
        parser.onPartComplete = {
            let disposition = headers.first { $0.0 == "content-disposition" }?.1 ?? ""
            parts.append(Part(name: parameter("name", in: disposition), filename: parameter("filename", in: disposition), body: current))
            headers = []
            current = ByteBuffer()
        }
        do { try parser.execute(body) } catch { throw APIError(.badRequest, "malformed multipart/form-data body") }
        return parts
    }

    /// Every part with a file name is a file (named by its last path component).
    static func files(body: ByteBuffer, contentType: String) throws -> [(String, ByteBuffer)] {
        try parts(body: body, contentType: contentType).compactMap { p in
            guard let f = p.filename, !f.isEmpty else { return nil }
            return ((f as NSString).lastPathComponent, p.body)
        }
    }

    /// The plain (non-file) fields, such as the CSRF token.
    static func fields(body: ByteBuffer, contentType: String) throws -> [String: String] {
        var out: [String: String] = [:]
        for p in try parts(body: body, contentType: contentType) where p.filename == nil && p.body.readableBytes <= 4096 {
            if let n = p.name { out[n] = String(buffer: p.body) }
        }
        return out
    }

    /// `name=value` or `name="value"` inside a header value.
    static func parameter(_ name: String, in header: String) -> String? {
        for part in header.split(separator: ";") {
            let kv = part.split(separator: "=", maxSplits: 1)
            guard kv.count == 2, kv[0].trimmingCharacters(in: .whitespaces).lowercased() == name else { continue }
            var v = kv[1].trimmingCharacters(in: .whitespaces)
            if v.hasPrefix("\""), v.hasSuffix("\""), v.count >= 2 { v = String(v.dropFirst().dropLast()) }
            return v
        }
        return nil
    }
}
