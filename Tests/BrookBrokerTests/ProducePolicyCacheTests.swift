@testable import BrookBroker
import XCTest

/// The produce rules are resolved once per topic and reused until the topic's configs or the
/// runtime broker settings change; a change must never leave a stale policy in force.
final class ProducePolicyCacheTests: XCTestCase {
    func testPolicyIsCachedUntilTopicConfigsOrBrokerSettingsChange() async throws {
        let broker = try await TestBroker()
        defer { broker.removeData() }
        let registry = broker.broker.topics
        let topic = try await unwrapped(registry.createTopic(name: "p", partitions: 1, replicationFactor: 1,
                                                           configs: ["max.message.bytes": "1000"], validateOnly: false))
        XCTAssertEqual(registry.producePolicy(for: topic).maxBatchBytes, 1000)

        var resolutions = 0
        let generation = registry.dynamicConfigs.generation
        func policy(_ generation: Int) -> ProducePolicy {
            topic.producePolicy(brokerGeneration: generation) { overrides in
                resolutions += 1
                return ProducePolicy(resolver: registry.resolver, overrides: overrides, maxDecompressedSize: 1 << 20)
            }
        }
        _ = policy(generation)
        XCTAssertEqual(resolutions, 0, "the policy resolved above is reused")

        topic.replaceConfigs(["max.message.bytes": "2000"])
        XCTAssertEqual(policy(generation).maxBatchBytes, 2000)
        XCTAssertEqual(resolutions, 1)
        _ = policy(generation)
        XCTAssertEqual(resolutions, 1)

        registry.dynamicConfigs.load(["default.log.message.timestamp.type": "LogAppendTime"])
        XCTAssertNotEqual(registry.dynamicConfigs.generation, generation)
        XCTAssertTrue(registry.producePolicy(for: topic).logAppendTime, "a runtime broker setting applies at once")
        try await broker.stop()
    }
}
