import EngageCore
import Foundation

/// Why no PDF was made (one line for the user).
public struct PDFError: UserFacingError {
    public var description: String
    init(_ d: String) { description = d }
}

/// `--format pdf` and PDF attachments: the HTML report printed to PDF by headless Chromium
/// (the same page a browser's "Save as PDF" gives), when Chromium is installed.
public enum PDFPrinter {
    /// `$ENGAGE_CHROMIUM`, else the first of Chromium's and Chrome's usual names on PATH.
    public static func chromium() -> String? {
        let fm = FileManager.default
        if let e = ProcessInfo.processInfo.environment["ENGAGE_CHROMIUM"], !e.isEmpty {
            return fm.isExecutableFile(atPath: e) ? e : nil
        }
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":")
        for name in ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"] {
            for dir in path where fm.isExecutableFile(atPath: "\(dir)/\(name)") { return "\(dir)/\(name)" }
        }
        return nil
    }

    public static let missing = "--format pdf needs headless Chromium: install it (Debian: apt-get install chromium) or set ENGAGE_CHROMIUM to its path; or write --format html and print it from a browser"

    /// The PDF of `html`.
    public static func pdf(html: String) throws -> Data {
        let fm = FileManager.default
        let dir = fm.temporaryDirectory.appendingPathComponent("engage-pdf-out-" + UUID().uuidString)
        try fm.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: dir) }
        let file = dir.appendingPathComponent("report.pdf").path
        try write(html: html, to: file)
        guard let data = fm.contents(atPath: file) else { throw PDFError("Chromium wrote no PDF") }
        return data
    }

    /// Prints `html` to the PDF file `output`.
    public static func write(html: String, to output: String?) throws {
        guard let output else { throw PDFError("--format pdf needs --output FILE.pdf") }
        guard let exe = chromium() else { throw PDFError(missing) }
        let fm = FileManager.default
        let dir = fm.temporaryDirectory.appendingPathComponent("engage-pdf-" + UUID().uuidString)
        try fm.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: dir) }
        let page = dir.appendingPathComponent("report.html")
        try html.write(to: page, atomically: true, encoding: .utf8)
        let target = URL(fileURLWithPath: output).standardizedFileURL
        try? fm.removeItem(at: target)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        // a profile of its own (no user's browser state), no sandbox (root in containers),
        // no header and footer (both flag spellings: older and newer Chromium)
        p.arguments = ["--headless", "--disable-gpu", "--no-sandbox", "--no-first-run", "--user-data-dir=" + dir.appendingPathComponent("profile").path,
                       "--no-pdf-header-footer", "--print-to-pdf-no-header", "--print-to-pdf=" + target.path, page.absoluteString]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { throw PDFError("\(exe) could not be started: \(error.localizedDescription)") }
        p.waitUntilExit()
        guard p.terminationStatus == 0, let head = fm.contents(atPath: target.path)?.prefix(4), head == Data("%PDF".utf8) else {
            throw PDFError("Chromium (\(exe)) did not write \(output) (exit \(p.terminationStatus))")
        }
    }
}
