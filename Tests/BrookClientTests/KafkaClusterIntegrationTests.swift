import BrookClient
import BrookProtocol
import XCTest

final class KafkaClusterIntegrationTests: XCTestCase {
    func testNegotiatesVersionsAndReadsMetadata() async throws {
        let server = try BrookServerProcess(settings: ["num.partitions": "3"])
        defer { server.stop() }
        let cluster = KafkaCluster(config: .testing(server))
        let connection = try await cluster.anyConnection()
        XCTAssertEqual(connection.apiVersions.version(for: .apiVersions), 4)
        XCTAssertEqual(connection.apiVersions.version(for: .fetch), 12)
        XCTAssertNotNil(connection.apiVersions.version(for: .produce))

        let topic = uniqueTopic()
        let metadata = try await cluster.refreshMetadata(topics: [topic], allowAutoCreation: true)
        XCTAssertEqual(metadata.brokers.count, 1)
        XCTAssertEqual(metadata.brokers.values.first?.address.port, server.port)
        XCTAssertEqual(metadata.partitionCount(of: topic), 3)
        XCTAssertNotNil(metadata.leader(for: TopicPartition(topic, 2)))
        let leader = try await cluster.leaderConnection(for: TopicPartition(topic, 0))
        XCTAssertEqual(leader.nodeId, metadata.leader(for: TopicPartition(topic, 0)))
        await cluster.close()
    }

    func testBootstrapSkipsDeadServers() async throws {
        let server = try BrookServerProcess()
        defer { server.stop() }
        let deadPort = try BrookServerProcess.freePort()
        var config = ClientConfig.testing(server)
        config.bootstrapServers = [BrokerAddress(host: "127.0.0.1", port: deadPort), BrokerAddress(host: "127.0.0.1", port: server.port)]
        let cluster = KafkaCluster(config: config)
        let connection = try await cluster.anyConnection()
        XCTAssertEqual(connection.address.port, server.port)
        await cluster.close()
    }

    func testNoBrokerReachableFailsWithTheListTried() async throws {
        let deadPort = try BrookServerProcess.freePort()
        var config = ClientConfig(bootstrapServers: [BrokerAddress(host: "127.0.0.1", port: deadPort)])
        config.defaultApiTimeout = .milliseconds(300)
        let cluster = KafkaCluster(config: config)
        do {
            _ = try await cluster.refreshMetadata(topics: [])
            XCTFail("expected failure")
        } catch let error as KafkaClientError {
            guard case .noBrokersAvailable(let tried, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(tried, ["127.0.0.1:\(deadPort)"])
        }
        await cluster.close()
    }
}
