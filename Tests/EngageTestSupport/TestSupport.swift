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

/// A migrated SQLite store in a temp file, and a folder for import files.
public func withStore<T>(_ body: (SQLiteStore, String) async throws -> T) async throws -> T {
    try await withTempDir { dir in
        let store = try SQLiteStore(path: dir + "/engage.sqlite")
        try await store.migrate()
        let files = dir + "/in"
        try FileManager.default.createDirectory(atPath: files, withIntermediateDirectories: true)
        return try await body(store, files)
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
