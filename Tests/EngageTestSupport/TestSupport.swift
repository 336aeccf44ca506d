import EngageCore
import EngageImport
import EngageStore
import Foundation
import Testing

extension Tag {
    /// Pure code: Core, parsing, rendering.
    @Tag public static var small: Self
    /// A real SQLite file in a temp folder.
    @Tag public static var medium: Self
    /// A real PostgreSQL server, concurrency.
    @Tag public static var large: Self
}

/// A fresh temp folder, removed afterwards.
public func withTempDir<T>(_ body: (String) async throws -> T) async throws -> T {
    let dir = NSTemporaryDirectory() + "engage-test-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    return try await body(dir)
}

/// Writes `files` (name → content) into `dir`.
public func write(_ files: [String: String], to dir: String) throws {
    for (name, text) in files {
        try text.write(toFile: (dir as NSString).appendingPathComponent(name), atomically: true, encoding: .utf8)
    }
}

/// The engines every store, import and report test runs on.
public enum Engine: String, Sendable, CaseIterable, CustomStringConvertible {
    case sqlite, postgres
    public var description: String { rawValue }
}

/// SQLite always; PostgreSQL when `ENGAGE_TEST_POSTGRES_URL` is set — or required
/// (`ENGAGE_REQUIRE_POSTGRES`, set by scripts/test.sh, or CI): then a missing server fails
/// the PostgreSQL cases instead of skipping them.
public let engines: [Engine] = {
    let env = ProcessInfo.processInfo.environment
    let wanted = env["ENGAGE_TEST_POSTGRES_URL"] != nil || env["ENGAGE_REQUIRE_POSTGRES"] != nil || env["CI"] != nil
    return wanted ? [.sqlite, .postgres] : [.sqlite]
}()

/// The database target of a fresh, empty store of `engine` under `dir`: a SQLite file, or
/// a new schema on the test PostgreSQL server.
public func freshTarget(_ engine: Engine, dir: String) throws -> String {
    switch engine {
    case .sqlite:
        return dir + "/engage.sqlite"
    case .postgres:
        guard let url = ProcessInfo.processInfo.environment["ENGAGE_TEST_POSTGRES_URL"] else {
            throw StoreError("ENGAGE_TEST_POSTGRES_URL is not set: run scripts/test.sh, which starts a throwaway PostgreSQL")
        }
        let schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        return url + (url.contains("?") ? "&" : "?") + "schema=\(schema)"
    }
}

/// A migrated store of `engine` (a temp SQLite file or a fresh PostgreSQL schema), and a
/// folder for import files. The PostgreSQL schema is dropped afterwards.
package func withStore<T>(_ engine: Engine = .sqlite, _ body: (any StoreMaintenance, String) async throws -> T) async throws -> T {
    try await withTempDir { dir in
        let target = try freshTarget(engine, dir: dir)
        let store = try openStore(target: target) as! any StoreMaintenance
        try await store.migrate()
        let files = dir + "/in"
        try FileManager.default.createDirectory(atPath: files, withIntermediateDirectories: true)
        do {
            let result = try await body(store, files)
            try await dropSchema(store)
            return result
        } catch {
            try? await dropSchema(store)
            throw error
        }
    }
}

package func dropSchema(_ store: any StoreMaintenance) async throws {
    if let pg = store as? PostgresStore, let schema = pg.target.schema {
        try await pg.executeForTests("DROP SCHEMA \(schema) CASCADE")
    }
}

/// The instant tests run "at": 2026-11-23T12:00:00Z.
public let testNow = Int64(LocalDate(year: 2026, month: 11, day: 23).dayNumber) * 86_400 + 43_200

/// Imports `files` (written to a fresh subfolder of `dir`); returns the failure, if any.
@discardableResult
public func importFiles(_ files: [String: String], into store: any Store, dir: String) async throws -> Result<ImportSummary, ImportFailed> {
    let sub = dir + "/" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: sub, withIntermediateDirectories: true)
    try write(files, to: sub)
    do {
        return .success(try await Importer(store: store, now: testNow).importFolder(sub))
    } catch let e as ImportFailed {
        return .failure(e)
    }
}

/// A folder of fixtures from a test bundle, copied to a temp folder first.
public func fixtureFolder(_ bundle: Bundle, _ name: String, into dir: String) throws -> String {
    guard let url = bundle.url(forResource: "Fixtures/" + name, withExtension: nil) ?? bundle.resourceURL?.appendingPathComponent("Fixtures/" + name) else {
        throw StoreError("fixture \(name) not found")
    }
    let target = dir + "/" + name
    try FileManager.default.copyItem(atPath: url.path, toPath: target)
    return target
}

public let accountsCSV = """
    account_id,network,name,competitor,timezone
    vk_main,vk,Main,false,Europe/Moscow
    tg_comp,telegram,Comp,true,UTC

    """

/// A one-shot signal between tasks (e.g. an import held open while others read).
public actor Gate {
    private var isOpen = false
    private var waiters: [CheckedContinuation<Void, Never>] = []
    public init() {}
    public func wait() async {
        if isOpen { return }
        await withCheckedContinuation { waiters.append($0) }
    }
    public func open() {
        isOpen = true
        for w in waiters { w.resume() }
        waiters = []
    }
}
