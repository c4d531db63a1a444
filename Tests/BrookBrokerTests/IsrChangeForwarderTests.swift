@testable import BrookBroker
import BrookCluster
import BrookProtocol
import BrookStorage
import NIOConcurrencyHelpers
import NIOCore
import XCTest

/// A leader's wish to change its ISR reaches the cluster once per proposal: a follower that stopped
/// fetching is dropped after `replica.lag.time.max.ms`, a refused change is proposed again, and a
/// follower that caught up is asked back in.
final class IsrChangeForwarderTests: XCTestCase {
    private struct Refused: Error {}

    func testLaggingFollowerIsDroppedRefusalsAreRetriedAndACaughtUpFollowerJoins() async throws {
        let broker = try await TestBroker { $0.nodeId = 1 }
        defer { broker.removeData() }
        var failure: Error?
        do {
            try await broker.broker.topics.createTopic(name: "isr", partitions: 1, replicationFactor: 1, configs: [:], validateOnly: false)
            let partition = try XCTUnwrap(broker.broker.topics.topic(named: "isr")?.partition(0))
            try await ReplicationFetchSupport.lead(partition, epoch: 3, replicas: [1, 2])
            try await ReplicationFetchSupport.append(partition, ["a"])

            let sent = NIOLockedValueBox<[[Int32]]>([])
            let refuseNext = NIOLockedValueBox(false)
            let forwarder = IsrChangeForwarder(broker: broker.broker, replicaLagTimeMaxMs: 20) { tp, epoch, partitionEpoch, isr in
                XCTAssertEqual(tp, TopicPartition(topic: "isr", partition: 0))
                XCTAssertEqual(epoch, 3)
                XCTAssertEqual(partitionEpoch, 3)
                sent.withLockedValue { $0.append(isr) }
                if refuseNext.withLockedValue({ was in defer { was = false }; return was }) { throw Refused() }
            }

            // Follower 2 has not fetched for longer than the lag bound (the time itself is under test).
            try await Task.sleep(for: .milliseconds(60))
            refuseNext.withLockedValue { $0 = true }
            await forwarder.checkOnce()
            XCTAssertEqual(sent.withLockedValue { $0 }, [[1]], "the lagging follower is proposed out")
            await forwarder.checkOnce()
            XCTAssertEqual(sent.withLockedValue { $0 }, [[1], [1]], "a refused change is proposed again")
            await forwarder.checkOnce()
            XCTAssertEqual(sent.withLockedValue { $0 }, [[1], [1]], "a change in flight is not sent twice")

            // The cluster commits ISR [1]; follower 2 then fetches up to our log end and is asked back in.
            try await partition.updateReplica { $0.isrUpdated(isr: [1], partitionEpoch: 4) }.get()
            let client = try RawKafkaClient(port: broker.port)
            let fetched = try ReplicationFetchSupport.fetch(
                client, ReplicationFetchSupport.fetchRequest("isr", replicaId: 2, offset: 1, currentLeaderEpoch: 3))
            XCTAssertEqual(fetched.errorCode, 0)
            let forwarderAfter = IsrChangeForwarder(broker: broker.broker, replicaLagTimeMaxMs: 30_000) { _, _, partitionEpoch, isr in
                XCTAssertEqual(partitionEpoch, 4)
                sent.withLockedValue { $0.append(isr) }
            }
            await forwarderAfter.checkOnce()
            XCTAssertEqual(sent.withLockedValue { $0 }.last, [1, 2])
        } catch {
            failure = error
        }
        try await broker.stop()
        if let failure { throw failure }
    }
}
