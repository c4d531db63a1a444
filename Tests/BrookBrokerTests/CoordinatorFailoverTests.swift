@testable import BrookBroker
import BrookCluster
import BrookProtocol
import BrookStorage
import NIOCore
import XCTest

/// Group and transaction coordinators on two real brokers of a cluster (a shared metadata store,
/// roles announced as a `ClusterMember` would): the internal topics are created with their
/// replication factor once enough brokers are live; a shard serves only on the leader of its
/// partition; after the leader is fenced and the follower elected at a newer epoch, the new leader
/// serves the state the old one wrote (replicated by the follower's fetcher).
final class CoordinatorFailoverTests: XCTestCase {
    private let offsets = TopicPartition(topic: OffsetsTopic.name, partition: 0)
    private let state = TopicPartition(topic: TransactionStateTopic.name, partition: 0)

    private static func configure(_ config: inout BrokerConfig) {
        config.groupCoordinator.offsetsTopicPartitions = 1
        config.transactionStateLogNumPartitions = 1
        config.offsetsTopicReplicationFactor = 2
        config.transactionStateLogReplicationFactor = 2
    }

    // MARK: Requests

    private func findCoordinator(_ broker: ClusteredTestBroker, _ key: String, type: Int8 = 0) throws -> FindCoordinatorResponse {
        try RawKafkaClient(port: broker.port).request(FindCoordinatorRequest(key: key, keyType: type), version: 3,
                                                      as: FindCoordinatorResponse.self)
    }

    private func commit(_ broker: ClusteredTestBroker, offset: Int64) throws -> Int16? {
        let request = OffsetCommitRequest(groupId: "g", topics: [.init(name: "t", partitions: [
            .init(partitionIndex: 0, committedOffset: offset, committedLeaderEpoch: -1, committedMetadata: nil),
        ])])
        return try RawKafkaClient(port: broker.port).request(request, version: 8, as: OffsetCommitResponse.self)
            .topics.first?.partitions.first?.errorCode
    }

    /// (top-level error, committed offset of t-0).
    private func fetchOffset(_ broker: ClusteredTestBroker) throws -> (Int16, Int64?) {
        let response = try RawKafkaClient(port: broker.port).request(
            OffsetFetchRequest(groupId: "g", topics: [.init(name: "t", partitionIndexes: [0])]), version: 7,
            as: OffsetFetchResponse.self)
        return (response.errorCode, response.topics.first?.partitions.first?.committedOffset)
    }

    private func initProducer(_ broker: ClusteredTestBroker) throws -> InitProducerIdResponse {
        try RawKafkaClient(port: broker.port).request(InitProducerIdRequest(transactionalId: "tx", transactionTimeoutMs: 60_000),
                                                      version: 4, as: InitProducerIdResponse.self)
    }

    private func view(_ one: ClusteredTestBroker, _ two: ClusteredTestBroker, leader: Int32, epoch: Int32) -> ClusterView {
        let routing = PartitionRouting(leader: leader, leaderEpoch: epoch, replicas: [1, 2], isr: leader == 1 ? [1, 2] : [2])
        return ClusterView(brokers: [one.endpoint, two.endpoint], controllerId: leader,
                           partitions: [offsets.topic: [routing], state.topic: [routing], "t": [routing]])
    }

    // MARK: Tests

    /// Runs `body` on two brokers of one cluster, always stopping both.
    private func withTwoBrokers(_ body: (ClusteredTestBroker, ClusteredTestBroker, SharedMetadataStore) async throws -> Void)
        async throws {
        let store = SharedMetadataStore()
        let one = try await ClusteredTestBroker(nodeId: 1, store: store, configure: Self.configure)
        let two: ClusteredTestBroker
        do {
            two = try await ClusteredTestBroker(nodeId: 2, store: store, configure: Self.configure)
        } catch {
            try await one.stop()
            throw error
        }
        var failure: Error?
        do {
            try await body(one, two, store)
        } catch {
            failure = error
        }
        store.finish()
        try await two.stop()
        try await one.stop()
        if let failure { throw failure }
    }

    func testCoordinatorsServeOnlyOnTheLeaderAndMoveWithIt() async throws {
        try await withTwoBrokers { one, two, store in try await run(one, two, store) }
    }

    /// acks=all for the coordinator's own writes: with the follower in the ISR, a commit is answered
    /// only once the follower has copied it, not when the leader's fsync is done.
    func testAnOffsetCommitWaitsForTheIsr() async throws {
        try await withTwoBrokers { one, two, store in
            for broker in [one, two] { await broker.roles.clusterViewChanged(view(one, two, leader: 1, epoch: 1)) }
            try await one.broker.groups.loadedFuture.get()
            try await two.broker.groups.loadedFuture.get()
            try await one.broker.topics.createTopic(name: "t", partitions: 1, replicationFactor: 2, configs: [:], validateOnly: false)
            await one.roles.becomeLeader(offsets, leaderEpoch: 1, isr: [1, 2], replicas: [1, 2], partitionEpoch: 1)
            try await one.broker.coordinatorRoleChanged(offsets, leaderEpoch: 1)?.get()
            let partition = try XCTUnwrap(one.broker.topics.topic(named: offsets.topic)?.partition(0))

            let client = try RawKafkaClient(port: one.port)
            let (frame, _) = client.frame(OffsetCommitRequest(groupId: "g", topics: [.init(name: "t", partitions: [
                .init(partitionIndex: 0, committedOffset: 5, committedLeaderEpoch: -1, committedMetadata: nil),
            ])]), version: 8)
            client.sendRaw(frame)
            // The commit is in the leader's log and fsynced there...
            var appended = false
            for _ in 0..<500 where !appended {
                appended = try await partition.offsets().get().logEndOffset > 0
                if !appended { try await Task.sleep(nanoseconds: 10_000_000) }
            }
            XCTAssertTrue(appended, "the commit never reached the leader's log")
            try await partition.currentFlush().get()
            // ...but not answered while the follower lacks it.
            var ready = pollfd(fd: client.fd, events: Int16(POLLIN), revents: 0)
            XCTAssertEqual(poll(&ready, 1, 300), 0, "answered before the follower had the commit")

            await two.roles.becomeFollower(offsets, leader: 1, endpoint: one.endpoint, leaderEpoch: 1)
            var body = try XCTUnwrap(client.readFrame())
            _ = try ResponseHeader(from: &body, headerVersion: ApiKey.offsetCommit.responseHeaderVersion(apiVersion: 8))
            XCTAssertEqual(try OffsetCommitResponse(from: &body, version: 8).topics.first?.partitions.first?.errorCode, 0)
            let copy = try XCTUnwrap(two.broker.topics.topic(named: offsets.topic)?.partition(0))
            let copied = try await copy.offsets().get().logEndOffset
            let written = try await partition.offsets().get().logEndOffset
            XCTAssertEqual(copied, written)
        }
    }

    private func run(_ one: ClusteredTestBroker, _ two: ClusteredTestBroker, _ store: SharedMetadataStore) async throws {
        let notCoordinator = ErrorCode.notCoordinator.rawValue
        // Replication factor 2 and each broker knows only itself: no internal topic, no coordinator.
        XCTAssertEqual(try findCoordinator(one, "g").errorCode, ErrorCode.coordinatorNotAvailable.rawValue)
        let stored = try await store.loadTopics().map(\.name)
        XCTAssertFalse(stored.contains(OffsetsTopic.name), "created before enough brokers were live")

        // Both brokers live: the topics are created (by whichever stores first) with 2 replicas each.
        for broker in [one, two] { await broker.roles.clusterViewChanged(view(one, two, leader: 1, epoch: 1)) }
        for broker in [one, two] {
            try await broker.broker.groups.loadedFuture.get()
            try await broker.broker.transactions.loadedFuture.get()
        }
        let internalTopics = try await store.loadTopics().filter { $0.name.hasPrefix("__") }
        XCTAssertEqual(internalTopics.map(\.name), [OffsetsTopic.name, TransactionStateTopic.name])
        XCTAssertEqual(internalTopics.map { $0.replicaAssignment.map { Set($0) } }, [[[1, 2]], [[1, 2]]])

        // No role yet: neither broker coordinates.
        XCTAssertEqual(try fetchOffset(one).0, notCoordinator)
        XCTAssertEqual(try initProducer(two).errorCode, notCoordinator)

        try await one.broker.topics.createTopic(name: "t", partitions: 1, replicationFactor: 2, configs: [:], validateOnly: false)
        let topics = try await store.loadTopics()
        let t = try XCTUnwrap(topics.first { $0.name == "t" })
        try await two.broker.topics.apply(.topicCreated(t)).get()

        // Broker 1 leads both internal partitions at epoch 1; broker 2 follows.
        for tp in [offsets, state] {
            await one.roles.becomeLeader(tp, leaderEpoch: 1, isr: [1, 2], replicas: [1, 2], partitionEpoch: 1)
            await two.roles.becomeFollower(tp, leader: 1, endpoint: one.endpoint, leaderEpoch: 1)
            try await one.broker.coordinatorRoleChanged(tp, leaderEpoch: 1)?.get()  // waits for the replay
        }
        XCTAssertEqual(try findCoordinator(two, "g").nodeId, 1)
        XCTAssertEqual(try findCoordinator(two, "tx", type: 1).nodeId, 1)
        // acks=all for the commit: answered once the follower has it on disk too.
        XCTAssertEqual(try commit(one, offset: 42), 0)
        XCTAssertEqual(try fetchOffset(one).1, 42)
        XCTAssertEqual(try commit(two, offset: 7), notCoordinator)
        XCTAssertEqual(try fetchOffset(two).0, notCoordinator)
        let producer = try initProducer(one)
        XCTAssertEqual(producer.errorCode, 0)
        XCTAssertEqual(producer.producerEpoch, 0)
        XCTAssertEqual(try initProducer(two).errorCode, notCoordinator)
        // Listing asks every broker: one leading nothing lists nothing, without an error.
        let follower = try RawKafkaClient(port: two.port)
        let groups = try follower.request(ListGroupsRequest(), version: 4, as: ListGroupsResponse.self)
        XCTAssertEqual(groups.errorCode, 0)
        XCTAssertEqual(groups.groups.count, 0)
        XCTAssertEqual(try follower.request(ListTransactionsRequest(), version: 0, as: ListTransactionsResponse.self).errorCode, 0)
        let leaderList = try RawKafkaClient(port: one.port).request(ListTransactionsRequest(), version: 0,
                                                                     as: ListTransactionsResponse.self)
        XCTAssertEqual(leaderList.transactionStates.map(\.transactionalId), ["tx"])

        // A JoinGroup parked in the initial rebalance delay is answered NOT_COORDINATOR on resignation.
        let joiner = try RawKafkaClient(port: one.port)
        let (join, _) = joiner.frame(JoinGroupRequest(groupId: "j", sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000,
                                                      memberId: "", protocolType: "consumer",
                                                      protocols: [.init(name: "range", metadata: ByteBuffer())]),
                                     version: 3)
        joiner.sendRaw(join)
        try await waitUntilParked(group: "j", on: one)

        // Broker 1 loses its lease: it stops coordinating at once.
        await one.roles.fenceLeaderships()
        var body = try XCTUnwrap(joiner.readFrame())
        _ = try ResponseHeader(from: &body, headerVersion: ApiKey.joinGroup.responseHeaderVersion(apiVersion: 3))
        XCTAssertEqual(try JoinGroupResponse(from: &body, version: 3).errorCode, notCoordinator)
        XCTAssertEqual(try fetchOffset(one).0, notCoordinator)
        XCTAssertEqual(try initProducer(one).errorCode, notCoordinator)

        // Broker 2 is elected at epoch 2: it serves what broker 1 wrote, replicated by its fetcher.
        for tp in [offsets, state] {
            await two.roles.becomeLeader(tp, leaderEpoch: 2, isr: [2], replicas: [1, 2], partitionEpoch: 2)
            try await two.broker.coordinatorRoleChanged(tp, leaderEpoch: 2)?.get()
        }
        for broker in [one, two] { await broker.roles.clusterViewChanged(view(one, two, leader: 2, epoch: 2)) }
        XCTAssertEqual(try findCoordinator(one, "g").nodeId, 2)
        let fetched = try fetchOffset(two)
        XCTAssertEqual(fetched.0, 0)
        XCTAssertEqual(fetched.1, 42)
        let again = try initProducer(two)
        XCTAssertEqual(again.errorCode, 0)
        XCTAssertEqual(again.producerId, producer.producerId, "the transactional id's state moved with the partition")
        XCTAssertEqual(again.producerEpoch, 1)
        XCTAssertEqual(try commit(two, offset: 43), 0)
        XCTAssertEqual(try fetchOffset(two).1, 43)

        // Re-elected at a newer epoch: the shard reloads from its log and serves the same state.
        await two.roles.becomeLeader(offsets, leaderEpoch: 3, isr: [2], replicas: [1, 2], partitionEpoch: 3)
        try await two.broker.coordinatorRoleChanged(offsets, leaderEpoch: 3)?.get()
        let runner = two.broker.groups.runners[0]
        let term = try await runner.eventLoop.submit { (runner.lifecycle.leaderEpoch, runner.lifecycle.generation) }.get()
        XCTAssertEqual(term.0, 3)
        XCTAssertEqual(term.1, 3, "the initial resignation, then epochs 2 and 3")
        XCTAssertEqual(try fetchOffset(two).1, 43)

        // A stale announcement (epoch 2 after 3), refused by the partition, leaves the shard's term alone.
        await two.roles.becomeLeader(offsets, leaderEpoch: 2, isr: [2], replicas: [1, 2], partitionEpoch: 2)
        try await two.broker.coordinatorRoleChanged(offsets, leaderEpoch: 2)?.get()
        let after = try await runner.eventLoop.submit { (runner.lifecycle.leaderEpoch, runner.lifecycle.generation) }.get()
        XCTAssertEqual(after.0, 3)
        XCTAssertEqual(after.1, 3)
    }

    /// Waits (bounded) until the group's first member is parked in the rebalance.
    private func waitUntilParked(group: String, on broker: ClusteredTestBroker) async throws {
        let client = try RawKafkaClient(port: broker.port)
        for _ in 0..<200 {
            let described = try client.request(DescribeGroupsRequest(groups: [group]), version: 0, as: DescribeGroupsResponse.self)
            if described.groups.first?.groupState == "PreparingRebalance" { return }
            try await Task.sleep(nanoseconds: 10_000_000)
        }
        XCTFail("the JoinGroup was never parked")
    }
}
