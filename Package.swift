// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Engage",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "engage", targets: ["engage"]),
        .library(name: "EngageCore", targets: ["EngageCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/swift-extras/swift-extras-base64.git", from: "1.0.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/vapor/multipart-kit", from: "4.7.1"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.24.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        // Pure: domain types, every formula, statistics. No I/O.
        .target(name: "EngageCore"),
        // Every SQL statement of the product, behind named operations by domain; SQLite and
        // PostgreSQL behind one API (what differs lives in SQLite/ and Postgres/).
        .target(name: "EngageStore", dependencies: [
            "EngageCore",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "GRDBSQLite", package: "GRDB.swift"),
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
        ]),
        // Legacy Excel .xls (LinkedIn's Page exports), through Debian's FreeXL.
        .systemLibrary(name: "CFreeXL", path: "Sources/CFreeXL", pkgConfig: "freexl", providers: [.apt(["libfreexl-dev"])]),
        // CSV readers -> validated rows -> store, one transaction per import. Native exports
        // (Native/) come as CSV, JSON, ZIP and XLSX: ZIPFoundation opens the archives.
        .target(name: "EngageImport", dependencies: [
            "EngageCore", "EngageStore", .product(name: "Yams", package: "Yams"), .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "ZIPFoundation", package: "ZIPFoundation"), "CFreeXL",
        ]),
        // Report models and renderers (JSON, Markdown, CSV, HTML with SVG charts).
        .target(name: "EngageReports", dependencies: ["EngageCore", "EngageStore"]),
        // HTTP: API, dashboard pages, auth (Hummingbird 2).
        .target(name: "EngageServer", dependencies: [
            "EngageCore", "EngageStore", "EngageImport", "EngageReports",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdCore", package: "hummingbird"),
            .product(name: "ExtrasBase64", package: "swift-extras-base64"),
            .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            .product(name: "Mustache", package: "swift-mustache"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "MultipartKit", package: "multipart-kit"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            .product(name: "NIOExtras", package: "swift-nio-extras"),
        ], resources: [.copy("Templates"), .copy("Static"), .copy("openapi.yaml")]),
        // Subcommands and wiring.
        .target(name: "EngageCLI", dependencies: [
            "EngageCore", "EngageStore", "EngageImport", "EngageReports", "EngageServer",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "engage", dependencies: ["EngageCLI"]),

        .target(name: "EngageTestSupport", dependencies: ["EngageCore", "EngageStore", "EngageImport"],
                path: "Tests/EngageTestSupport"),
        .testTarget(name: "EngageCoreTests", dependencies: [
            "EngageCore", .product(name: "PropertyBased", package: "swift-property-based"),
        ]),
        .testTarget(name: "EngageStoreTests", dependencies: ["EngageCore", "EngageStore", "EngageImport", "EngageTestSupport"]),
        .testTarget(name: "EngageImportTests", dependencies: [
            "EngageCore", "EngageStore", "EngageImport", "EngageReports", "EngageTestSupport",
            .product(name: "PropertyBased", package: "swift-property-based"),
        ]),
        .testTarget(name: "EngageServerTests", dependencies: [
            "EngageCore", "EngageStore", "EngageImport", "EngageReports", "EngageServer", "EngageCLI", "EngageTestSupport",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "Yams", package: "Yams"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOEmbedded", package: "swift-nio"),
            .product(name: "PropertyBased", package: "swift-property-based"),
        ]),
        .testTarget(name: "EngageReportsTests", dependencies: [
            "EngageCore", "EngageStore", "EngageImport", "EngageReports", "EngageCLI", "EngageTestSupport",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], resources: [.copy("Fixtures")]),
        // The commands: parsed in process, and run as the `engage` binary (exit status, output).
        .testTarget(name: "EngageCLITests", dependencies: [
            "EngageStore", "EngageCLI", "engage", "EngageTestSupport",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
