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
            try context.require(.analyst)
            return try page(request, context, title: UIText(lang: context.lang)["import"], current: "/import",
                            content: importContent(context, summary: nil))
        }
        router.post("import") { request, context in
            if let r = signedIn(request, context) { return r }
            try context.require(.analyst)
            return try await app.withUploadPlace { try await importPost(request, context) }
        }
    }

    func importContent(_ context: EngageContext, summary: ImportUpload.Result?) throws -> String {
        var data: [String: Any] = ["csrf": context.principal?.session.map(app.security.csrf(for:)) ?? ""]
        if let s = summary?.summary {
            data["imported"] = [
                "dryRun": s.dryRun,
                "files": s.reports.map { r in
                    ["file": r.file, "rows": r.rows, "format": r.format, "account": r.account ?? "", "period": r.period ?? "",
                     "encoding": r.encoding ?? "", "columns": r.mapping.map { "\($0.column) → \($0.field)" }.joined(separator: "; "),
                     "ignored": r.ignored.joined(separator: ", "), "notes": r.notes] as [String: Any]
                },
                "warnings": s.warnings.map(\.description), "hasWarnings": !s.warnings.isEmpty,
            ] as [String: Any]
        }
        return try render("import", data, context)
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
        do {
            let options = try ImportUpload.options { fields[$0] }
            let result = try await ImportUpload(store: app.store, now: app.config.now()).run(try Multipart.files(body: body, contentType: type), options: options)
            let message = result.summary.dryRun ? t["dry_run_done"] : "\(t["imported"]): \(result.summary.rows) \(t["rows"])"
            return try page(request, context, title: t["import"], current: "/import", content: importContent(context, summary: result), message: message)
        } catch let e as APIError {
            return try page(request, context, title: t["import"], current: "/import", content: importContent(context, summary: nil),
                            error: APIError(e.status, e.status == .unprocessableContent ? t["refused"] : e.message, details: e.details), status: e.status)
        }
    }
}
