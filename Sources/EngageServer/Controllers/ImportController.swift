import EngageCore
import EngageImport
import EngageReports
import EngageStore
import Foundation
import Hummingbird

/// The import page (CSV files through the browser; `POST /api/v1/import` for scripts).
struct ImportController: PageController {
    let app: ServerState

    func register(on router: Router<EngageContext>) {
        router.get("import") { request, context in
            if let r = signedIn(request, context) { return r }
            try context.require(.analyst)
            let q = try QueryReader(request, allowed: ["entry", "before"])
            var entry: ImportHistoryEntry?
            if let id = try q.int("entry", in: 1...Int(Int32.max)) {
                guard let e = try await ImportHistory(store: app.store).entry(id) else { throw APIError(.notFound, "no such import in the history") }
                entry = e
            }
            return try await importPage(request, context, shown: entry, before: try q.int("before", in: 1...Int(Int32.max)))
        }
        router.post("import") { request, context in
            if let r = signedIn(request, context) { return r }
            try context.require(.analyst)
            return try await app.withUploadPlace { try await importPost(request, context) }
        }
        // how far an upload this user started has got (app.js asks while it runs)
        router.get("import/progress/{id}") { request, context in
            let p = try context.require(.analyst)
            guard let user = p.userID, let s = app.importProgress.snapshot(context.parameters.get("id") ?? "", user: user) else {
                throw APIError(.notFound, "no import running under that id")
            }
            var r = json(.object([("phase", .string(s.phase)), ("file", .string(s.file)), ("rows", .int(s.rows)),
                                  ("bytes_read", .int(s.bytesRead)), ("bytes_total", .int(s.bytesTotal)),
                                  ("file_index", .int(s.fileIndex)), ("files_total", .int(s.filesTotal))]))
            r.headers[.cacheControl] = "no-store"
            return r
        }
    }

    /// The import page: the form, the import just made or chosen from the history (what it
    /// read, or why it was refused), and the history, newest first, 20 at a time.
    func importPage(_ request: Request, _ context: EngageContext, shown: ImportHistoryEntry?, before: Int?,
                    error: APIError? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let t = UIText(lang: context.lang)
        var data: [String: Any] = ["csrf": context.principal?.session.map(app.security.csrf(for:)) ?? ""]
        if let shown { data["imported"] = Self.summaryData(shown, t) }
        let history = try await ImportHistory(store: app.store).recent(limit: 20, before: before)
        data["history"] = history.map { e in
            ["id": e.id, "at": Self.time(e.at), "by": e.by, "files": e.files, "rows": Labels(context.lang).int(e.rows),
             "outcome": t["outcome_" + e.outcome], "refused": e.outcome == "refused", "current": e.id == shown?.id] as [String: Any]
        }
        data["hasHistory"] = !history.isEmpty
        if history.count == 20, let last = history.last { data["olderHref"] = "/import?before=\(last.id)" }
        if before != nil { data["newestHref"] = "/import" }
        let message = shown.map { e -> String in
            e.outcome == "refused" ? t["refused"] : e.outcome == "dry-run" ? t["dry_run_done"] : "\(t["imported"]): \(Labels(context.lang).int(e.rows)) \(t["rows"])"
        }
        return try page(request, context, title: t["import"], current: "/import", content: try render("import", data, context),
                        message: error == nil && shown?.outcome != "refused" ? message : nil, error: error, status: status)
    }

    static func time(_ t: Int64) -> String {
        let d = LocalDate(utcInstant: t), s = Int(t - Int64(d.dayNumber) * 86_400)
        return "\(d) " + String(format: "%02d:%02d UTC", s / 3600, s / 60 % 60)
    }

    /// The template's view of a stored summary (ImportUpload.Result's JSON, or the errors).
    static func summaryData(_ e: ImportHistoryEntry, _ t: UIText) -> [String: Any] {
        let json = (try? JSONSerialization.jsonObject(with: Data(e.summary.utf8))) as? [String: Any] ?? [:]
        let files = (json["files"] as? [[String: Any]] ?? []).map { f -> [String: Any] in
            let columns = (f["columns"] as? [[String: Any]] ?? []).map { "\($0["column"] as? String ?? "") → \($0["field"] as? String ?? "")" }
            return ["file": f["file"] as? String ?? "", "rows": f["rows"] as? Int ?? 0, "format": f["format"] as? String ?? "",
                    "account": f["account"] as? String ?? "", "period": f["period"] as? String ?? "", "encoding": f["encoding"] as? String ?? "",
                    "columns": columns.joined(separator: "; "), "ignored": (f["ignored"] as? [String] ?? []).joined(separator: ", "),
                    "notes": f["notes"] as? [String] ?? []]
        }
        let warnings = json["warnings"] as? [String] ?? []
        let errors = json["errors"] as? [String] ?? []
        return ["dryRun": e.outcome == "dry-run", "refused": e.outcome == "refused", "at": time(e.at), "by": e.by, "names": e.files,
                "files": files, "warnings": warnings, "hasWarnings": !warnings.isEmpty, "errors": errors, "hasErrors": !errors.isEmpty]
    }

    func importPost(_ request: Request, _ context: EngageContext) async throws -> Response {
        if let r = signedIn(request, context) { return r }
        let p = try context.require(.analyst)
        var request = request
        let t = UIText(lang: context.lang)
        let body = try await request.collectBody(upTo: app.config.maxBodyBytes)
        guard let type = request.headers[.contentType], type.lowercased().hasPrefix("multipart/form-data") else {
            throw APIError(.unsupportedMediaType, "send the form as multipart/form-data")
        }
        // the CSRF token is a plain field of the same multipart body
        let fields = try Multipart.fields(body: body, contentType: type)
        try checkCSRF(fields["csrf"], p, context)
        // followed by the page while it runs, under the id app.js chose
        // (keyed by the signed-in user's id: an API token of the same name reads nothing)
        let progress = p.userID.flatMap { app.importProgress.follow(fields["progress"], user: $0) }
        defer { if progress != nil { app.importProgress.done(fields["progress"]) } }
        do {
            var options = try ImportUpload.options { fields[$0] }
            options.progress = progress
            let result = try await ImportUpload(store: app.store, now: app.config.now(), by: p.name)
                .run(try Multipart.files(body: body, contentType: type), options: options)
            // post/redirect/get: the page of this import (a reload does not import again)
            return .redirect(to: "/import?entry=\(result.entryID)", type: .normal)
        } catch let e as APIError {
            return try await importPage(request, context, shown: nil, before: nil,
                                        error: APIError(e.status, e.status == .unprocessableContent ? t["refused"] : e.message, details: e.details), status: e.status)
        }
    }
}
