/// One problem found in an import file, printed as `file:line:column: message`.
public struct ImportIssue: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    public var message: String

    public init(file: String, line: Int, column: Int, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String { "\(file):\(line):\(column): \(message)" }
}

/// A refused import: nothing of it was stored.
public struct ImportFailed: Error, CustomStringConvertible, Sendable {
    public var errors: [ImportIssue]
    public var warnings: [ImportIssue]
    /// True when more errors were found than are listed.
    public var truncated: Bool

    public var description: String {
        var lines = errors.map(\.description)
        if truncated { lines.append("… more errors not shown (the limit is \(errors.count))") }
        lines.append("import refused: \(errors.count)\(truncated ? "+" : "") error(s); the database is unchanged")
        return lines.joined(separator: "\n")
    }
}

/// What an import stored.
public struct ImportSummary: Sendable {
    public struct FileResult: Sendable, Equatable {
        public var file: String
        public var rows: Int
        /// Time spent reading and writing the file.
        public var seconds: Double
    }

    public var files: [FileResult] = []
    public var warnings: [ImportIssue] = []
    public var rows: Int { files.reduce(0) { $0 + $1.rows } }
}
