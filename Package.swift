// swift-tools-version:6.0
import PackageDescription

let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "Brook",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "brook", targets: ["brook"]),
        .library(name: "BrookProtocol", targets: ["BrookProtocol"]),
        .library(name: "BrookRecords", targets: ["BrookRecords"]),
        .library(name: "BrookClient", targets: ["BrookClient"]),
        .library(name: "BrookRegistryClient", targets: ["BrookRegistryClient"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
        // The one HTTP framework for every HTTP service (Schema Registry, Connect REST, SQL, console).
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.20.0"),
        // Hummingbird's own HTTP part types, for the registry's event-loop fast path (already in its graph).
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.34.1"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        // SQL connectors (JDBC-style sinks/source, desired-state input=sql): PostgreSQL's wire protocol,
        // and SQLite with its C library embedded (no system libsqlite3 needed).
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.0"),
        .package(url: "https://github.com/vapor/sqlite-nio.git", from: "1.13.0"),
    ],
    targets: [
        // C libraries from Debian -dev packages, found through pkg-config.
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CZstd", path: "Sources/CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CLZ4", path: "Sources/CLZ4", pkgConfig: "liblz4", providers: [.apt(["liblz4-dev"])]),
        .systemLibrary(name: "CSnappy", path: "Sources/CSnappy", pkgConfig: "snappy", providers: [.apt(["libsnappy-dev"])]),
        // Hardware CRC32C (SSE4.2) with a portable fallback.
        .target(name: "CCRC32C", path: "Sources/CCRC32C"),
        // sync_file_range, which Swift's Glibc module does not expose.
        .target(name: "CBrookIO", path: "Sources/CBrookIO"),

        .target(
            name: "BrookProtocol",
            dependencies: [.product(name: "NIOCore", package: "swift-nio")],
            exclude: [],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "BrookProtocolGen",
            dependencies: [],
            swiftSettings: strict
        ),
        .target(
            name: "BrookRecords",
            dependencies: [
                "CCRC32C", "CZlib", "CZstd", "CLZ4", "CSnappy",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "BrookStorage",
            dependencies: [
                "BrookRecords", "CBrookIO",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "BrookCoordination",
            dependencies: ["BrookProtocol", .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: strict
        ),
        // etcd v3 client (cluster metadata store); no Brook dependencies.
        .target(
            name: "BrookEtcd",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // Cluster seams: sans-IO replica state and placement, the metadata store protocol and its stores.
        .target(
            name: "BrookCluster",
            dependencies: [
                "BrookProtocol", "BrookEtcd", "BrookStorage",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // Schema types (Avro, Protobuf, JSON Schema): parsing, normal forms, compatibility. Sans-IO.
        .target(name: "BrookSchemas", swiftSettings: strict),
        // ksqlDB's language: lexer, AST, parser and formatter (issue 15). Sans-IO, standard library only.
        .target(name: "BrookSQL", swiftSettings: strict),
        .target(
            name: "BrookBroker",
            dependencies: [
                "BrookProtocol", "BrookRecords", "BrookStorage", "BrookCoordination", "BrookCluster", "BrookEtcd",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "BrookServer",
            dependencies: [
                "BrookProtocol", "BrookBroker",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // Confluent-compatible Schema Registry: registry state, the `_schemas` topic, the REST API.
        .target(
            name: "BrookSchemaRegistry",
            dependencies: [
                "BrookSchemas", "BrookClient", "BrookProtocol", "BrookBroker",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // Kafka Connect–compatible connector runtime: data model, converters, transforms, the
        // desired-state source, connectors, Connect's internal topics and REST API (issue 14).
        .target(
            name: "BrookConnect",
            dependencies: [
                "BrookSchemas", "BrookClient", "BrookRegistryClient", "BrookProtocol",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
            ],
            swiftSettings: strict
        ),
        // Client of a Confluent-compatible Schema Registry (REST) and the registry wire format.
        .target(
            name: "BrookRegistryClient",
            dependencies: [
                "BrookSchemas",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "BrookClient",
            dependencies: [
                "BrookProtocol", "BrookRecords",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "brook",
            dependencies: [
                "BrookServer", "BrookBroker", "BrookClient", "BrookRegistryClient", "BrookSchemas", "BrookSchemaRegistry", "BrookConnect",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),

        // Helpers every test target shares (seeded generators, ...), instead of a copy per target.
        .target(name: "BrookTestSupport", path: "Tests/BrookTestSupport", swiftSettings: strict),
        .testTarget(name: "BrookProtocolTests", dependencies: ["BrookProtocol", "BrookTestSupport", .product(name: "NIOCore", package: "swift-nio")], swiftSettings: strict),
        .testTarget(name: "BrookRecordsTests", dependencies: ["BrookRecords", "BrookTestSupport", .product(name: "NIOCore", package: "swift-nio")], swiftSettings: strict),
        .testTarget(name: "BrookStorageTests", dependencies: ["BrookStorage", "BrookTestSupport", "BrookRecords", .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOConcurrencyHelpers", package: "swift-nio"), .product(name: "Logging", package: "swift-log")], swiftSettings: strict),
        .testTarget(name: "BrookCoordinationTests", dependencies: ["BrookCoordination", "BrookTestSupport", "BrookProtocol", .product(name: "NIOCore", package: "swift-nio")], swiftSettings: strict),
        .testTarget(name: "BrookClientTests", dependencies: ["BrookClient", "BrookProtocol", "BrookRecords", .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"), .product(name: "NIOEmbedded", package: "swift-nio"), .product(name: "Logging", package: "swift-log")], swiftSettings: strict),
        .testTarget(name: "BrookCLITests", dependencies: ["brook", "BrookClient", .product(name: "NIOCore", package: "swift-nio")], swiftSettings: strict),
        .testTarget(name: "BrookEtcdTests", dependencies: ["BrookEtcd", "BrookTestSupport", .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"), .product(name: "Logging", package: "swift-log")], swiftSettings: strict),
        .testTarget(name: "BrookClusterTests", dependencies: ["BrookCluster", "BrookEtcd", "BrookTestSupport", "BrookProtocol", "BrookStorage", .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"), .product(name: "Logging", package: "swift-log")], swiftSettings: strict),
        .testTarget(name: "BrookRegistryClientTests", dependencies: ["BrookRegistryClient", "BrookSchemas", .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio")], swiftSettings: strict),
        .testTarget(name: "BrookConnectTests", dependencies: ["BrookConnect", "BrookSchemas", "BrookTestSupport", .product(name: "Hummingbird", package: "hummingbird"), .product(name: "HummingbirdTesting", package: "hummingbird"), .product(name: "Logging", package: "swift-log"), .product(name: "NIOConcurrencyHelpers", package: "swift-nio"), .product(name: "PostgresNIO", package: "postgres-nio"), .product(name: "SQLiteNIO", package: "sqlite-nio")],
                    exclude: ["Pipeline/csv-orders.yaml"], swiftSettings: strict),
        .testTarget(name: "BrookSchemasTests", dependencies: ["BrookSchemas", "BrookTestSupport"], swiftSettings: strict),
        .testTarget(name: "BrookSQLTests", dependencies: ["BrookSQL", "BrookTestSupport"], swiftSettings: strict),
        .testTarget(name: "BrookSchemaRegistryTests", dependencies: ["BrookSchemaRegistry", "BrookSchemas", "BrookTestSupport", .product(name: "Hummingbird", package: "hummingbird"), .product(name: "HummingbirdTesting", package: "hummingbird"), .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOEmbedded", package: "swift-nio"), .product(name: "NIOHTTPTypes", package: "swift-nio-extras"), .product(name: "HTTPTypes", package: "swift-http-types")], swiftSettings: strict),
        .testTarget(name: "BrookBrokerTests", dependencies: ["BrookBroker", "BrookTestSupport", "BrookServer", "BrookProtocol", "BrookRecords", "BrookStorage", .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"), .product(name: "NIOEmbedded", package: "swift-nio"), .product(name: "Logging", package: "swift-log"), .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")], swiftSettings: strict),
    ]
)
