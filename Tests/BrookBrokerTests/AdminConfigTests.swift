@testable import BrookBroker
import XCTest

/// Topic config validation, resolution of defaults and IncrementalAlterConfigs operations.
final class AdminConfigTests: XCTestCase {
    func testValidationUsesKafkaNamesTypesAndRanges() {
        XCTAssertNil(TopicConfigCatalog.problem(with: ["cleanup.policy": "compact,delete", "retention.ms": "-1",
                                                       "min.cleanable.dirty.ratio": "0.2", "compression.type": "zstd",
                                                       "message.timestamp.type": "LogAppendTime",
                                                       "unclean.leader.election.enable": "TRUE"]))
        let bad: [String: String] = [
            "cleanup.policy": "shred", "retention.ms": "-2", "segment.bytes": "13", "segment.ms": "0",
            "max.message.bytes": "9999999999", "min.cleanable.dirty.ratio": "1.5", "compression.type": "brotli",
            "message.timestamp.type": "Now", "min.insync.replicas": "0", "delete.retention.ms": "x",
            "unclean.leader.election.enable": "yes", "no.such.config": "1",
        ]
        for (name, value) in bad {
            XCTAssertNotNil(TopicConfigCatalog.problem(with: [name: value]), "\(name)=\(value) accepted")
        }
        XCTAssertEqual(TopicConfigCatalog.problem(with: ["retention.ms": "soon"]),
                       "Invalid value soon for configuration retention.ms: Not a number of type LONG")
    }

    func testResolverReportsTopicBrokerAndDefaultSources() throws {
        var config = BrokerConfig()
        try config.apply([("log.retention.ms", "1000"), ("log.cleaner.delete.retention.ms", "5")])
        let resolver = TopicConfigResolver(broker: config)
        XCTAssertEqual(resolver.effective("retention.ms", overrides: [:]).source, .staticBroker)
        XCTAssertEqual(resolver.effective("retention.ms", overrides: [:]).value, "1000")
        XCTAssertEqual(resolver.effective("retention.ms", overrides: ["retention.ms": "7"]).source, .topic)
        XCTAssertEqual(resolver.effective("segment.bytes", overrides: [:]).source, .default)
        XCTAssertEqual(resolver.cleanerConfig(overrides: [:]).deleteRetentionMs, 5)
        // A compact-only topic is never trimmed by retention.
        let log = resolver.logConfig(overrides: ["cleanup.policy": "compact"])
        XCTAssertEqual(log.retentionMs, -1)
        XCTAssertEqual(log.retentionBytes, -1)
        XCTAssertEqual(resolver.logConfig(overrides: ["retention.bytes": "100"]).retentionBytes, 100)
        XCTAssertThrowsError(try config.apply([("log.cleanup.policy", "shred")]))
    }

    func testIncrementalOperations() throws {
        let current = ["cleanup.policy": "delete", "retention.ms": "5"]
        let result = try ConfigAlteration.incremental(current, [
            ("cleanup.policy", 2, "compact"), ("retention.ms", 1, nil), ("segment.ms", 0, "100"),
        ])
        XCTAssertEqual(result, ["cleanup.policy": "delete,compact", "segment.ms": "100"])
        XCTAssertEqual(try ConfigAlteration.incremental(result, [("cleanup.policy", 3, "delete")])["cleanup.policy"], "compact")
        XCTAssertThrowsError(try ConfigAlteration.incremental(current, [("retention.ms", 2, "1")])) { error in
            XCTAssertEqual((error as? AdminError)?.code, .invalidConfig)
        }
        XCTAssertThrowsError(try ConfigAlteration.incremental(current, [("retention.ms", 0, "1"), ("retention.ms", 1, nil)])) {
            XCTAssertEqual(($0 as? AdminError)?.code, .invalidRequest)
        }
        XCTAssertThrowsError(try ConfigAlteration.incremental(current, [("retention.ms", 9, "1")]))
        XCTAssertThrowsError(try ConfigAlteration.incremental(current, [("nope", 0, "1")]))
    }
}
