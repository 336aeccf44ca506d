import Foundation
import Testing

/// Every SQL statement of the product lives in EngageStore, behind a named operation
/// (DESIGN.md): no other module writes SQL, nor calls the store's raw SQL runners (which are
/// `package`, for the store and its tests only).
@Suite(.tags(.small)) struct SourceLayoutTests {
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources")

    static func files(outside folder: String) throws -> [(String, String)] {
        let root = sources.path
        var out: [(String, String)] = []
        for case let rel as String in FileManager.default.enumerator(atPath: root)! where rel.hasSuffix(".swift") && !rel.hasPrefix(folder + "/") {
            out.append((rel, try String(contentsOfFile: root + "/" + rel, encoding: .utf8)))
        }
        return out
    }

    @Test func noSQLOutsideTheStore() throws {
        let sql = /"[^"\n]*\b(SELECT|INSERT INTO|UPDATE [a-z_]+ SET|DELETE FROM)\b/
        let runners = /\b(store|app\.store|sql)\.(execute|executeAll|executeIfIdle|executeBatch|dailyDistinct)\(/
        let files = try Self.files(outside: "EngageStore")
        #expect(files.count > 50)
        for (name, text) in files {
            for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                #expect(line.firstMatch(of: sql) == nil, "SQL in \(name):\(i + 1)")
                #expect(line.firstMatch(of: runners) == nil, "a raw SQL runner called in \(name):\(i + 1)")
            }
        }
    }
}
