import EngageImport
import EngageReports
import EngageStore
import Foundation
import Hummingbird
import MultipartKit

/// Uploaded CSV files imported as `engage import` imports a folder: the same validation,
/// all or nothing, the same error texts (`file:line:column: message`).
struct ImportUpload {
    let store: any Store
    let now: Int64

    struct Result {
        var summary: ImportSummary
        var json: JSONValue {
            .object([
                ("imported_rows", .int(summary.rows)),
                ("files", .array(summary.files.map { .object([("file", .string($0.file)), ("rows", .int($0.rows))]) })),
                ("warnings", .array(summary.warnings.map { .string($0.description) })),
            ])
        }
    }

    /// Longest upload file name accepted, in bytes (file systems allow 255).
    static let maxNameBytes = 200

    func run(_ files: [(String, ByteBuffer)]) async throws -> Result {
        guard !files.isEmpty else { throw APIError(.badRequest, "no file was sent") }
        var seen: Set<String> = []
        for (name, _) in files {
            // a bare file name of the contract: no folders, no hidden files, nothing a file
            // system could refuse
            let shown = String(name.prefix(60)) + (name.count > 60 ? "…" : "")
            guard !name.isEmpty, name.utf8.count <= Self.maxNameBytes, !name.contains("/"), !name.contains("\\"), !name.hasPrefix("."),
                  !name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }), name.lowercased().hasSuffix(".csv") else {
                throw APIError(.unprocessableContent, "'\(shown)' is not a file name Engage imports (a CSV file name of at most \(Self.maxNameBytes) bytes; see docs/import.md)")
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
            let path = dir + "/\(i).csv"
            guard FileManager.default.createFile(atPath: path, contents: Data(body.readableBytesView)) else {
                throw APIError(.serviceUnavailable, "the server could not store the upload (is its temporary folder full?)")
            }
            named.append((name, path))
        }
        do {
            let result = Result(summary: try await Importer(store: store, now: now).importNamed(named, source: "upload", place: "the upload"))
            EngageMetrics.countImport("imported")
            return result
        } catch let e as ImportFailed {
            EngageMetrics.countImport("refused")
            var details = e.errors.map(\.description)
            if e.truncated { details.append("… more errors not shown") }
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
