import EngageCore
import EngageStore

/// Collects errors across the files of one import, up to a limit.
final class IssueSink: @unchecked Sendable {
    var errors: [ImportIssue] = []
    var warnings: [ImportIssue] = []
    var truncated = false
    let limit: Int

    init(limit: Int) { self.limit = limit }

    var full: Bool { errors.count >= limit }

    func error(_ file: String, _ line: Int, _ column: Int, _ message: String) {
        if errors.count >= limit { truncated = true; return }
        errors.append(ImportIssue(file: file, line: line, column: column, message: message))
    }

    func warning(_ file: String, _ line: Int, _ column: Int, _ message: String) {
        warnings.append(ImportIssue(file: file, line: line, column: column, message: message))
    }
}

/// The current record of one file, read by column name, with typed getters that record a
/// positioned error and return nil when a value is bad.
final class RowContext {
    let reader: CSVReader
    let file: String
    let issues: IssueSink
    let now: Int64
    /// Header name → field index.
    private(set) var index: [String: Int] = [:]
    private(set) var headerColumns: [Int] = []
    var rowOK = true

    init(reader: CSVReader, file: String, issues: IssueSink, now: Int64) {
        self.reader = reader
        self.file = file
        self.issues = issues
        self.now = now
    }

    /// Reads the header; records errors for missing required columns and warnings for
    /// unknown ones. False when the file cannot be read further.
    func readHeader(required: [String], optional: [String]) throws -> Bool {
        guard try reader.next() else {
            issues.error(file, 1, 1, "the file is empty: a header row is required")
            return false
        }
        let known = Set(required + optional)
        // trailing empty header cells (a spreadsheet's extra delimiters) do not count
        headerFieldCount = ((0..<reader.fieldCount).last { !reader.isEmpty($0) } ?? -1) + 1
        for i in 0..<reader.fieldCount {
            let name = reader.string(i).trimmingCharacters(in: .whitespaces).lowercased()
            if index[name] != nil {
                issues.error(file, reader.line, reader.column(i), "column '\(name)' appears twice in the header")
                continue
            }
            if !known.contains(name) {
                issues.warning(file, reader.line, reader.column(i), "unknown column '\(name)' ignored")
                continue
            }
            index[name] = i
        }
        var ok = true
        for r in required where index[r] == nil {
            issues.error(file, reader.line, 1, "missing required column '\(r)' (required: \(required.joined(separator: ", ")))")
            ok = false
        }
        return ok
    }

    func col(_ name: String) -> Int? { index[name] }

    /// The header's number of fields.
    private(set) var headerFieldCount = 0

    /// A record must have the header's fields: fewer is an error (a row cut short, or a
    /// value with an unquoted delimiter); more is one unless the extra fields are empty
    /// (spreadsheets add trailing delimiters).
    func checkFieldCount() -> Bool {
        let n = reader.fieldCount
        if n < headerFieldCount {
            rowOK = false
            issues.error(file, reader.line, reader.column(n - 1), "this row has \(n) field\(n == 1 ? "" : "s"), the header \(headerFieldCount): a value is missing (or a field needs quotes)")
            return false
        }
        if n > headerFieldCount, let extra = (headerFieldCount..<n).first(where: { !reader.isEmpty($0) }) {
            rowOK = false
            issues.error(file, reader.line, reader.column(extra), "this row has \(n) fields, the header \(headerFieldCount): an extra value (or a field needs quotes)")
            return false
        }
        return true
    }

    func fail(_ c: Int?, _ name: String, _ message: String) {
        rowOK = false
        issues.error(file, reader.line, c.map(reader.column) ?? 1, "\(name): \(message)")
    }

    private func shown(_ c: Int) -> String {
        let s = reader.string(c)
        return s.count > 40 ? String(s.prefix(40)) + "…" : s
    }

    /// A text value; nil when empty. `required` records an error when empty.
    func text(_ c: Int?, _ name: String, required: Bool = false) -> String? {
        guard let c, !reader.isEmpty(c) else {
            if required { fail(c, name, "a value is required") }
            return nil
        }
        // an apostrophe that kept a spreadsheet from running the text as a formula is not
        // part of it (CSVText: what engage export writes)
        return CSVText.restored(reader.string(c))
    }

    func count(_ c: Int?, _ name: String, required: Bool = false) -> Int? {
        guard let c, !reader.isEmpty(c) else {
            if required { fail(c, name, "a value is required") }
            return nil
        }
        guard let v = Values.int(reader.bytes(c)) else {
            fail(c, name, "expected a whole number, got '\(shown(c))'")
            return nil
        }
        guard v >= 0 else {
            fail(c, name, "must not be negative, got \(v)")
            return nil
        }
        guard v <= Limits.maxCount else {
            fail(c, name, "must be at most \(Limits.shown(Limits.maxCount)) (Engage's limit for a count), got \(shown(c))")
            return nil
        }
        return v
    }

    func cents(_ c: Int?, _ name: String, required: Bool = false, allowNegative: Bool = false) -> Int? {
        guard let c, !reader.isEmpty(c) else {
            if required { fail(c, name, "a value is required") }
            return nil
        }
        guard let v = Values.cents(reader.bytes(c), decimalComma: reader.decimalComma) else {
            fail(c, name, "expected a number\(reader.decimalComma ? " (decimal comma or point)" : " with a '.' decimal point"), got '\(shown(c))'")
            return nil
        }
        if v < 0 && !allowNegative { fail(c, name, "must not be negative, got '\(shown(c))'"); return nil }
        guard abs(v) <= Limits.maxCents else {
            fail(c, name, "must be at most \(Limits.shown(Limits.maxCents / 100)) (Engage's limit for an amount), got '\(shown(c))'")
            return nil
        }
        return v
    }

    func bool(_ c: Int?, _ name: String) -> Bool? {
        guard let c, !reader.isEmpty(c) else { return nil }
        guard let v = Values.bool(reader.bytes(c)) else {
            fail(c, name, "expected true/false, 1/0, yes/no or да/нет, got '\(shown(c))'")
            return nil
        }
        return v
    }

    var latestDay: LocalDate { LocalDate(dayNumber: LocalDate(utcInstant: now).dayNumber + 1) }

    func date(_ c: Int?, _ name: String, required: Bool = false) -> LocalDate? {
        guard let c, !reader.isEmpty(c) else {
            if required { fail(c, name, "a value is required") }
            return nil
        }
        guard let d = ISOParse.date(reader.bytes(c)) else {
            fail(c, name, "expected a date YYYY-MM-DD, got '\(shown(c))'")
            return nil
        }
        guard d <= latestDay else {
            fail(c, name, "\(d) is in the future (later than tomorrow)")
            return nil
        }
        return d
    }

    /// A timestamp as a UTC instant; one without an offset is read in `clock`'s zone.
    func instant(_ c: Int?, _ name: String, clock: inout ZoneClock, required: Bool = false) -> Int64? {
        guard let c, !reader.isEmpty(c) else {
            if required { fail(c, name, "a value is required") }
            return nil
        }
        guard let t = ISOParse.timestamp(reader.bytes(c)) else {
            fail(c, name, "expected an ISO 8601 timestamp like 2026-03-01T09:30:00+03:00, got '\(shown(c))'")
            return nil
        }
        let v = clock.instant(t)
        guard v <= now + LocalDate.secondsPerDay else {
            fail(c, name, "'\(shown(c))' is in the future (more than a day ahead)")
            return nil
        }
        return v
    }
}
