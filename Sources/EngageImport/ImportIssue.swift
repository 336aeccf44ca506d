import EngageCore
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
    /// Each file as recognised (format, account, rows, period, columns): what `--dry-run` prints.
    public var reports: [FileReport] = []
    /// True when nothing was written (`--dry-run`).
    public var dryRun = false
}

/// How `engage import` treats native exports (CONTRACT.md §2).
public struct ImportOptions: Sendable {
    /// The account native files are assigned to (created if missing).
    public var account: String?
    /// The network of an account the import creates (else the format's).
    public var network: String?
    /// The time zone of an account the import creates (else UTC).
    public var timezone: String?
    /// Known follower totals of `account` (or the import's one native account).
    public var followers: [(total: Int, date: LocalDate)] = []
    /// Read, check and show everything; write nothing.
    public var dryRun = false
    /// Where the import reports how far it has got (a progress display), if anywhere.
    public var progress: ImportProgress?

    public init(account: String? = nil, network: String? = nil, timezone: String? = nil,
                followers: [(total: Int, date: LocalDate)] = [], dryRun: Bool = false) {
        self.account = account
        self.network = network
        self.timezone = timezone
        self.followers = followers
        self.dryRun = dryRun
    }

    /// `N@YYYY-MM-DD`.
    public static func parseFollowers(_ s: String) -> (total: Int, date: LocalDate)? {
        let parts = s.split(separator: "@")
        guard parts.count == 2, let n = Int(parts[0]), n >= 0, n <= Limits.maxCount, let d = LocalDate(parts[1]) else { return nil }
        return (n, d)
    }
}
