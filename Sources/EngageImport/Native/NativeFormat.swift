import EngageCore
import EngageStore
import Foundation

/// What a column of a native file becomes in Engage (shown by `--dry-run`).
enum NativeField: String, Sendable {
    case postID = "posts.post_id", publishedAt = "posts.published_at", url = "posts.url", text = "posts.text", type = "posts.type"
    case likes = "posts.likes", comments = "posts.comments", shares = "posts.shares", saves = "posts.saves"
    case views = "posts.views", reach = "posts.reach", clicks = "posts.clicks"
    case date = "account_daily.date", followers = "account_daily.followers", newFollowers = "account_daily.new_followers"
    case unfollows = "account_daily.unfollows", dailyReach = "account_daily.reach", reachViral = "account_daily.reach_viral"
    case reachPaid = "account_daily.reach_paid", reachOrganic = "account_daily.reach_organic", impressions = "account_daily.impressions"
    case pageViews = "account_daily.page_views", uniqueVisitors = "account_daily.unique_visitors"
    case engagedUsers = "account_daily.engaged_users"
    case accountID = "the account (native id)", accountName = "accounts.name", accountHandle = "accounts.handle"
    case asOf = "the day the lifetime totals were taken", lifetime = "checked: lifetime totals", metric = "which metric the file holds"
}

/// A post as a native file gives it; its account and clock are applied when written.
struct NativePost {
    enum Time { case instant(Int64), local(Int64) }
    var id: String
    var time: Time
    var type: String?
    var url: String?
    var text: String?
    var likes = 0, comments = 0, shares = 0
    var saves: Int?, views: Int?, reach: Int?, clicks: Int?
}

/// One native file, read: what it holds and what was decided about each column.
final class NativeResult {
    let format: NativeFormat
    let file: String
    var encoding: TextEncoding?
    /// The account the file names itself (Meta Page ID, Telegram channel id, …).
    var accountNativeID: String?
    var accountName: String?
    var accountHandle: String?
    var posts: [NativePost] = []
    /// Days by day number: the figures the file gives (account filled in when written).
    var days: [Int: DailyPatch] = [:]
    var asOf: LocalDate?
    var mapping: [(column: String, field: String)] = []
    var ignored: [String] = []
    var notes: [String] = []
    var rows = 0

    init(format: NativeFormat, file: String) {
        self.format = format
        self.file = file
    }

    func day(_ d: LocalDate) -> DailyPatch {
        days[d.dayNumber] ?? DailyPatch(accountID: "", date: d)
    }

    var period: (from: LocalDate, to: LocalDate)? {
        var lo = days.keys.min(), hi = days.keys.max()
        for p in posts {
            let d: Int
            switch p.time {
            case .instant(let t): d = LocalDate(utcInstant: t).dayNumber
            case .local(let t): d = Int(t >= 0 ? t / 86_400 : (t - 86_399) / 86_400)
            }
            lo = min(lo ?? d, d)
            hi = max(hi ?? d, d)
        }
        guard let lo, let hi else { return nil }
        return (LocalDate(dayNumber: lo), LocalDate(dayNumber: hi))
    }
}

/// A native export Engage reads: how it is recognised and how it is read.
struct NativeFormat: Sendable {
    let id: String
    let title: String
    let network: String
    /// Columns that must all be in the header (each: its accepted names, lower case).
    let signature: [[String]]
    /// For workbooks: the sheet that holds the header (any of these names).
    var sheets: [String] = []
    let read: @Sendable (NativeReader) throws -> Void

    /// Columns of `header` found for each signature entry, as a fraction, and the missing ones.
    func match(_ header: [String]) -> (score: Double, missing: [String]) {
        let keys = Set(header.map(headerKey))
        let missing = signature.filter { names in !names.contains(where: keys.contains) }.map { $0[0] }
        return (Double(signature.count - missing.count) / Double(max(1, signature.count)), missing)
    }
}

/// Reading one native file: the rows after its header, the header's columns by accepted
/// names, typed getters that record positioned errors, and the result being filled.
final class NativeReader {
    let rows: TableRows
    let header: [String]
    /// The name messages give the file (with `:sheet` for a workbook).
    let file: String
    let input: InputFile
    let issues: IssueSink
    let result: NativeResult
    /// The line above the header (Meta's daily files name their metric there).
    let titleLine: String?
    private var used: Set<Int> = []
    var rowOK = true

    /// A workbook sheet's every row (for cells above the header: LinkedIn's follower total).
    let sheetRows: [(line: Int, cells: [String])]

    init(rows: TableRows, header: [String], file: String, input: InputFile, issues: IssueSink,
         result: NativeResult, titleLine: String?, sheetRows: [(line: Int, cells: [String])] = []) {
        self.sheetRows = sheetRows
        self.rows = rows
        self.header = header
        self.file = file
        self.input = input
        self.issues = issues
        self.result = result
        self.titleLine = titleLine
    }

    /// The index of the first header column with one of `names` (marked as used and shown
    /// as mapped to `field`).
    func col(_ names: [String], _ field: NativeField?) -> Int? {
        for n in names {
            if let i = header.firstIndex(where: { headerKey($0) == n }) {
                if used.insert(i).inserted, let field { result.mapping.append((header[i], field.rawValue)) }
                return i
            }
        }
        return nil
    }

    /// Records every header column not mapped as ignored.
    func finishHeader() {
        for (i, h) in header.enumerated() where !used.contains(i) && !headerKey(h).isEmpty { result.ignored.append(h) }
    }

    func fail(_ c: Int?, _ message: String) {
        rowOK = false
        issues.error(file, rows.line, c.map { rows.column($0) } ?? 1, message)
    }

    func text(_ c: Int?) -> String? {
        guard let c, let t = rows.trimmed(c) else { return nil }
        return t == "N/A" ? nil : t
    }

    func count(_ c: Int?, _ what: String) -> Int? {
        guard let c else { return nil }
        switch NativeValue.count(rows.cell(c)) {
        case .value(let v): return v
        case .empty: return nil
        case .bad:
            fail(c, "\(what): '\(rows.cell(c).prefix(40))' is not a whole number")
            return nil
        }
    }

    /// A count that cannot be negative in Engage (a negative one is read as 0, noted once).
    func nonNegative(_ c: Int?, _ what: String) -> Int? {
        guard let v = count(c, what) else { return nil }
        if v < 0 {
            if !result.notes.contains(where: { $0.hasPrefix("negative \(what)") }) {
                result.notes.append("negative \(what) (line \(rows.line)) read as 0: the network subtracts deleted items")
            }
            return 0
        }
        return v
    }

    /// A date cell read by `parse` (a wall-clock time); an error names the expected form.
    func wallClock(_ c: Int?, _ what: String, expected: String, _ parse: (String) -> Int64?) -> Int64? {
        guard let c, let t = text(c) else {
            fail(c, "\(what): a value is required")
            return nil
        }
        guard let v = parse(t) else {
            fail(c, "\(what): '\(t.prefix(40))' is not a date of the form \(expected)")
            return nil
        }
        return v
    }

    func date(_ c: Int?, _ what: String, expected: String, _ parse: (String) -> Int64?) -> LocalDate? {
        wallClock(c, what, expected: expected, parse).map { LocalDate(dayNumber: Int($0 / 86_400)) }
    }

    /// Each remaining row as one day: its date (`parse` gives a wall-clock time, `expected`
    /// names the form), then each figure (column, the day's field, the column's name) read
    /// as a count of at least 0; an empty cell keeps what is stored.
    func readDays(date c: Int?, expected: String, _ parse: (String) -> Int64?,
                  _ figures: [(column: Int?, field: WritableKeyPath<DailyPatch, Int?>, name: String)]) throws {
        try forEachRow {
            guard let d = date(c, "Date", expected: expected, parse) else { return }
            var day = result.day(d)
            for f in figures where f.column != nil {
                if let v = nonNegative(f.column, f.name) { day[keyPath: f.field] = v }
            }
            guard rowOK else { return }
            result.days[d.dayNumber] = day
            result.rows += 1
        }
    }

    /// Each remaining row, with `rowOK` reset; stops when the error list is full.
    func forEachRow(_ body: () throws -> Void) throws {
        while try rows.next() {
            if rows.isBlank { continue }
            rowOK = true
            try body()
            if issues.full { issues.truncated = true; break }
        }
    }
}
