import EngageCore
import EngageReports
import Foundation
import HTTPTypes
import Hummingbird

/// An error a client caused or may see: a status and one message. API routes answer it as
/// `{"error": {"status": 422, "message": "…", "details": […]}}`; pages show it.
public struct APIError: Error, HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    public var message: String
    public var details: [String] = []

    public init(_ status: HTTPResponse.Status, _ message: String, details: [String] = []) {
        self.status = status
        self.message = message
        self.details = details
    }

    public var json: String {
        var fields: [(String, JSONValue)] = [("status", .int(Int(status.code))), ("message", .string(message))]
        if !details.isEmpty { fields.append(("details", .array(details.map(JSONValue.string)))) }
        return JSONValue.object([("error", .object(fields))]).serialized()
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        if status == .unauthorized, !request.uri.path.hasPrefix("/api/") { headers[.location] = "/login" }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: json + "\n")))
    }

    /// A domain refusal as the status its kind is answered with (the one mapping).
    public init(_ e: any UserFacingError) {
        switch e.kind {
        case .badRequest: self.init(.badRequest, e.description)
        case .invalid: self.init(.unprocessableContent, e.description)
        case .notFound: self.init(.notFound, e.description)
        case .conflict: self.init(.conflict, e.description)
        case .unavailable: self.init(.serviceUnavailable, "the database is not available: \(e.description)")
        }
    }

    static func badRequest(_ m: String) -> APIError { APIError(.badRequest, m) }
    static let unauthorized = APIError(.unauthorized, "sign in first, or send an API token as 'Authorization: Bearer …'")
    static let forbidden = APIError(.forbidden, "your role does not allow this")
    static let notFound = APIError(.notFound, "no such page or resource")
}
