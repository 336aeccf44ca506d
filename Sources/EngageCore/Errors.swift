/// What kind of refusal an error is: the server answers each with one HTTP status (400,
/// 404, 409, 422, 503), the CLI prints the message and exits with status 1.
public enum ErrorKind: Sendable, Equatable {
    /// The request itself is malformed (a period too long, a threshold too low).
    case badRequest
    /// Well formed, but against a rule (an unknown employee, a bad link target).
    case invalid
    case notFound
    /// Clashes with what exists (a taken code or name, the last admin).
    case conflict
    /// The database is busy (an import holds it) or cannot be reached.
    case unavailable
}

/// An error whose `description` is the one line a user is shown, and whose `kind` says
/// which refusal it is (the CLI prints it and exits with status 1; the server maps the
/// kind to a status in one place).
public protocol UserFacingError: Error, CustomStringConvertible {
    var kind: ErrorKind { get }
}

extension UserFacingError {
    public var kind: ErrorKind { .invalid }
}
