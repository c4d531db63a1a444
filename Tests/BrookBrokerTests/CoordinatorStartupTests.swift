@testable import BrookBroker
import BrookProtocol
import BrookRecords
import Foundation
import NIOCore
import XCTest

/// The listener comes up before `__consumer_offsets` and `__transaction_state` are open: until then
/// clients get Kafka's retriable errors, never an answer from a shard that has not replayed its log.
final class CoordinatorStartupTests: XCTestCase {
    private static func configure(_ config: inout BrokerConfig) {
        config.groupCoordinator.offsetsTopicPartitions = 4
        config.groupCoordinator.initialRebalanceDelayMs = 0
        config.transactionStateLogNumPartitions = 4
    }

    /// FindCoordinator gives up waiting after 50 ms here, so the tests see its not-ready answer.
    private func held(dataDir: String = TestBroker.makeTempDir(), findCoordinatorWait: TimeAmount = .milliseconds(50))
        async throws -> TestBroker {
        try await TestBroker(dataDir: dataDir, holdCoordinators: true, findCoordinatorWait: findCoordinatorWait,
                             configure: Self.configure)
    }

    private func release(_ broker: TestBroker) async throws {
        broker.releaseCoordinators()
        try await broker.broker.groups.loadedFuture.get()
        try await broker.broker.transactions.loadedFuture.get()
    }

    private let loading = ErrorCode.coordinatorLoadInProgress.rawValue
    private let notAvailable = ErrorCode.coordinatorNotAvailable.rawValue

    func testFindCoordinatorAnswersNotAvailableUntilTheTopicIsOpen() async throws {
        let broker = try await held()
        defer { broker.removeData() }
        do {
            let client = try RawKafkaClient(port: broker.port)
            for version: Int16 in 0...3 {
                for keyType: Int8 in [0, 1] {
                    let response = try client.request(FindCoordinatorRequest(key: "g", keyType: keyType), version: version,
                                                      as: FindCoordinatorResponse.self)
                    XCTAssertEqual(response.errorCode, notAvailable, "v\(version) key type \(keyType)")
                    XCTAssertEqual(response.nodeId, -1)
                }
            }
            // v4 batches keys: each carries its own error.
            let batched = try client.request(FindCoordinatorRequest(keyType: 0, coordinatorKeys: ["a", "b"]), version: 4,
                                             as: FindCoordinatorResponse.self)
            XCTAssertEqual(batched.coordinators.map(\.errorCode), [notAvailable, notAvailable])
            XCTAssertEqual(batched.coordinators.map(\.nodeId), [-1, -1])
            XCTAssertTrue(FileManager.default.fileExists(atPath: broker.dataDir + "/.lock"))
            XCTAssertFalse(FileManager.default.fileExists(atPath: broker.dataDir + "/__consumer_offsets-0"),
                           "nothing opened before the listener came up")

            try await release(broker)
            for keyType: Int8 in [0, 1] {
                let ready = try client.request(FindCoordinatorRequest(key: "g", keyType: keyType), version: 3,
                                               as: FindCoordinatorResponse.self)
                XCTAssertEqual(ready.errorCode, 0)
                XCTAssertEqual(Int(ready.port), broker.broker.config.advertised.port)
            }
            let batchedReady = try client.request(FindCoordinatorRequest(keyType: 1, coordinatorKeys: ["tx"]), version: 4,
                                                  as: FindCoordinatorResponse.self)
            XCTAssertEqual(batchedReady.coordinators.map(\.errorCode), [0])
        }
        try await broker.stop()
    }

    /// A FindCoordinator arriving while the topic opens is answered once the coordinator has loaded,
    /// so clients need not retry (librdkafka would wait a second before asking again).
    func testFindCoordinatorWaitsForACoordinatorThatIsOpening() async throws {
        let broker = try await held(findCoordinatorWait: .seconds(20))
        defer { broker.removeData() }
        do {
            let client = try RawKafkaClient(port: broker.port)
            client.post(FindCoordinatorRequest(key: "g", keyType: 0), version: 3)
            client.post(FindCoordinatorRequest(keyType: 1, coordinatorKeys: ["tx"]), version: 4)
            try await Task.sleep(nanoseconds: 100_000_000)
            broker.releaseCoordinators()
            let group = try client.receive(FindCoordinatorRequest.self, version: 3, as: FindCoordinatorResponse.self)
            XCTAssertEqual(group.errorCode, 0)
            XCTAssertEqual(Int(group.port), broker.broker.config.advertised.port)
            let transaction = try client.receive(FindCoordinatorRequest.self, version: 4, as: FindCoordinatorResponse.self)
            XCTAssertEqual(transaction.coordinators.map(\.errorCode), [0])
        }
        try await broker.stop()
    }

    func testInternalTopicsAreReservedButHiddenWhileOpening() async throws {
        let broker = try await held()
        defer { broker.removeData() }
        do {
            let client = try RawKafkaClient(port: broker.port)
            let all = try client.request(MetadataRequest(topics: nil), version: 12, as: MetadataResponse.self)
            XCTAssertFalse(all.topics.contains { $0.name?.hasPrefix("__") == true })
            let named = try client.request(MetadataRequest(topics: [.init(topicId: .zero, name: "__consumer_offsets")]),
                                           version: 12, as: MetadataResponse.self)
            XCTAssertEqual(named.topics.first?.errorCode, ErrorCode.leaderNotAvailable.rawValue)
            await assertThrowsAsync({ try await broker.broker.topics.createTopic(name: "__transaction_state", partitions: 1,
                                                                      replicationFactor: 1, configs: [:], validateOnly: false) }) {
                XCTAssertEqual(($0 as? TopicCreationError)?.errorCode, .topicAlreadyExists)
            }

            try await release(broker)
            let all2 = try client.request(MetadataRequest(topics: nil), version: 12, as: MetadataResponse.self)
            XCTAssertFalse(all2.topics.contains { $0.name?.hasPrefix("__") == true })
            let open = try client.request(MetadataRequest(topics: [.init(topicId: .zero, name: "__consumer_offsets")]),
                                          version: 12, as: MetadataResponse.self)
            XCTAssertEqual(open.topics.first?.errorCode, 0)
            XCTAssertEqual(open.topics.first?.isInternal, true)
            XCTAssertEqual(open.topics.first?.partitions.count, 4)
        }
        try await broker.stop()
    }

    func testGroupAndTransactionRequestsGetLoadInProgressUntilLoaded() async throws {
        let broker = try await held()
        defer { broker.removeData() }
        do {
            try await broker.broker.topics.createTopic(name: "t", partitions: 1, replicationFactor: 1, configs: [:], validateOnly: false)
            let client = try RawKafkaClient(port: broker.port)
            let join = try client.request(GroupTestSupport.joinRequest(group: "g"), version: 5, as: JoinGroupResponse.self)
            XCTAssertEqual(join.errorCode, loading)
            let sync = try client.request(SyncGroupRequest(groupId: "g", generationId: 1, memberId: "m"), version: 3,
                                          as: SyncGroupResponse.self)
            XCTAssertEqual(sync.errorCode, loading)
            // Kafka answers heartbeats blindly while loading.
            let beat = try client.request(HeartbeatRequest(groupId: "g", generationId: 1, memberId: "m"), version: 3,
                                          as: HeartbeatResponse.self)
            XCTAssertEqual(beat.errorCode, 0)
            let commit = OffsetCommitRequest(groupId: "g", topics: [.init(name: "t", partitions: [.init(partitionIndex: 0, committedOffset: 5)])])
            XCTAssertEqual(try client.request(commit, version: 8, as: OffsetCommitResponse.self).topics.first?.partitions.first?.errorCode,
                           loading)
            let listed = try client.request(ListGroupsRequest(), version: 4, as: ListGroupsResponse.self)
            XCTAssertEqual(listed.errorCode, loading)
            let described = try client.request(DescribeGroupsRequest(groups: ["g"]), version: 5, as: DescribeGroupsResponse.self)
            XCTAssertEqual(described.groups.first?.errorCode, loading)

            let initPid = try client.request(InitProducerIdRequest(transactionalId: "tx", transactionTimeoutMs: 60_000),
                                             version: 4, as: InitProducerIdResponse.self)
            XCTAssertEqual(initPid.errorCode, loading)
            let end = try client.request(EndTxnRequest(transactionalId: "tx", producerId: 1, producerEpoch: 0, committed: true),
                                         version: 3, as: EndTxnResponse.self)
            XCTAssertEqual(end.errorCode, loading)
            let transactions = try client.request(ListTransactionsRequest(), version: 0, as: ListTransactionsResponse.self)
            XCTAssertEqual(transactions.errorCode, loading)
            // A transactional append cannot be verified yet: Produce says NOT_ENOUGH_REPLICAS, as Kafka
            // does, which producers retry (coordinator errors are not expected there).
            var builder = RecordBatchBuilder(producerId: 1, producerEpoch: 0, baseSequence: 0, isTransactional: true)
            builder.append(key: nil, value: ByteBuffer(string: "v"), timestamp: 1)
            let produce = ProduceRequest(transactionalId: "tx", acks: -1, timeoutMs: 1000, topicData: [
                .init(name: "t", partitionData: [.init(index: 0, records: try builder.build())]),
            ])
            let produced = try client.request(produce, version: 9, as: ProduceResponse.self)
            XCTAssertEqual(produced.responses.first?.partitionResponses.first?.errorCode, ErrorCode.notEnoughReplicas.rawValue)
            // Idempotent producers need no coordinator.
            let idempotent = try client.request(InitProducerIdRequest(transactionalId: nil, transactionTimeoutMs: 60_000),
                                                version: 4, as: InitProducerIdResponse.self)
            XCTAssertEqual(idempotent.errorCode, 0)

            try await release(broker)
            let joined = try client.request(GroupTestSupport.joinRequest(group: "g"), version: 5, as: JoinGroupResponse.self)
            XCTAssertEqual(joined.errorCode, ErrorCode.memberIdRequired.rawValue)
            XCTAssertEqual(try client.request(commit, version: 8, as: OffsetCommitResponse.self).topics.first?.partitions.first?.errorCode, 0)
            let ready = try client.request(InitProducerIdRequest(transactionalId: "tx", transactionTimeoutMs: 60_000),
                                           version: 4, as: InitProducerIdResponse.self)
            XCTAssertEqual(ready.errorCode, 0)
            XCTAssertEqual(try client.request(ListTransactionsRequest(), version: 0, as: ListTransactionsResponse.self).errorCode, 0)
        }
        try await broker.stop()
    }

    /// A commit made before a restart is never answered as "no offset": while loading, OffsetFetch
    /// says COORDINATOR_LOAD_IN_PROGRESS in every version's error field; then it returns the commit.
    /// Likewise an ongoing transaction is replayed before EndTxn is accepted.
    func testOffsetsAndTransactionsFromBeforeARestartAreServedOnlyOnceLoaded() async throws {
        let dataDir = TestBroker.makeTempDir()
        defer { try? FileManager.default.removeItem(atPath: dataDir) }
        var producerId: Int64 = -1
        var epoch: Int16 = -1
        do {
            let broker = try await TestBroker(dataDir: dataDir, configure: Self.configure)
            try await broker.broker.groups.loadedFuture.get()
            try await broker.broker.transactions.loadedFuture.get()
            try await broker.broker.topics.createTopic(name: "t", partitions: 2, replicationFactor: 1, configs: [:], validateOnly: false)
            let client = try RawKafkaClient(port: broker.port)
            let commit = OffsetCommitRequest(groupId: "durable", topics: [.init(name: "t", partitions: [
                .init(partitionIndex: 0, committedOffset: 17, committedMetadata: "m0"),
                .init(partitionIndex: 1, committedOffset: 23, committedMetadata: "m1"),
            ])])
            XCTAssertEqual(try client.request(commit, version: 8, as: OffsetCommitResponse.self).topics.first?.partitions.map(\.errorCode),
                           [0, 0])
            let ids = try client.request(InitProducerIdRequest(transactionalId: "app", transactionTimeoutMs: 60_000),
                                         version: 4, as: InitProducerIdResponse.self)
            XCTAssertEqual(ids.errorCode, 0)
            (producerId, epoch) = (ids.producerId, ids.producerEpoch)
            let add = AddPartitionsToTxnRequest(v3AndBelowTransactionalId: "app", v3AndBelowProducerId: producerId,
                                                v3AndBelowProducerEpoch: epoch, v3AndBelowTopics: [.init(name: "t", partitions: [0])])
            let added = try client.request(add, version: 3, as: AddPartitionsToTxnResponse.self)
            XCTAssertEqual(added.resultsByTopicV3AndBelow.first?.resultsByPartition.first?.partitionErrorCode, 0)
            try await broker.stop()
        }

        let restarted = try await held(dataDir: dataDir)
        do {
            let client = try RawKafkaClient(port: restarted.port)
            let request = OffsetFetchRequest(groupId: "durable", topics: [.init(name: "t", partitionIndexes: [0, 1])])
            // v1: no top-level error, each partition carries it.
            let v1 = try client.request(request, version: 1, as: OffsetFetchResponse.self)
            XCTAssertEqual(v1.topics.first?.partitions.map(\.errorCode), [loading, loading])
            let v7 = try client.request(request, version: 7, as: OffsetFetchResponse.self)
            XCTAssertEqual(v7.errorCode, loading)
            let v8 = try client.request(OffsetFetchRequest(groups: [.init(groupId: "durable", topics: nil)]), version: 8,
                                        as: OffsetFetchResponse.self)
            XCTAssertEqual(v8.groups.first?.errorCode, loading)
            XCTAssertEqual(v8.groups.first?.topics.count, 0)
            let end = EndTxnRequest(transactionalId: "app", producerId: producerId, producerEpoch: epoch, committed: true)
            XCTAssertEqual(try client.request(end, version: 3, as: EndTxnResponse.self).errorCode, loading)

            try await release(restarted)
            for version: Int16 in [1, 7] {
                let fetched = try client.request(request, version: version, as: OffsetFetchResponse.self)
                XCTAssertEqual(fetched.errorCode, 0, "v\(version)")
                XCTAssertEqual(fetched.topics.first?.partitions.map(\.committedOffset), [17, 23], "v\(version)")
                XCTAssertEqual(fetched.topics.first?.partitions.map(\.metadata), ["m0", "m1"], "v\(version)")
            }
            XCTAssertEqual(try client.request(end, version: 3, as: EndTxnResponse.self).errorCode, 0,
                           "the transaction begun before the restart is still ongoing")
        }
        try await restarted.stop()
    }

    func testShutdownWhileTheInternalTopicsAreHeldReleasesTheDirectory() async throws {
        let dataDir = TestBroker.makeTempDir()
        defer { try? FileManager.default.removeItem(atPath: dataDir) }
        let first = try await held(dataDir: dataDir)
        try await first.stop()
        XCTAssertFalse(FileManager.default.fileExists(atPath: dataDir + "/__consumer_offsets-0"))

        // The lock was released: the directory opens again, and this time the topics are created.
        let second = try await TestBroker(dataDir: dataDir, configure: Self.configure)
        try await second.broker.groups.loadedFuture.get()
        try await second.broker.transactions.loadedFuture.get()
        XCTAssertNotNil(second.broker.topics.topic(named: "__consumer_offsets"))
        XCTAssertNotNil(second.broker.topics.topic(named: "__transaction_state"))
        try await second.stop()
    }

    /// Shutdown can stop the opening between two partitions: what was opened is closed again (no file
    /// stays open), the name stays reserved, and the next attempt opens the whole topic.
    func testCancelledOpeningClosesWhatItOpened() async throws {
        let broker = try await held()
        defer { broker.removeData() }
        let topics = broker.broker.topics
        var checks = 0
        let cancelled = try await topics.openReserved(TransactionStateTopic.name) {
            checks += 1
            return checks > 3  // once before starting, then before each partition: opens 0 and 1
        }
        XCTAssertNil(cancelled)
        XCTAssertTrue(topics.isReserved(TransactionStateTopic.name))
        XCTAssertNil(topics.topic(named: TransactionStateTopic.name))
        XCTAssertTrue(FileManager.default.fileExists(atPath: broker.dataDir + "/__transaction_state-1"))
        XCTAssertEqual(openFiles(under: broker.dataDir + "/__transaction_state"), [])

        try await release(broker)
        XCTAssertEqual(topics.topic(named: TransactionStateTopic.name)?.partitions.count, 4)
        XCTAssertFalse(topics.isReserved(TransactionStateTopic.name))
        XCTAssertFalse(openFiles(under: broker.dataDir + "/__transaction_state").isEmpty)
        try await broker.stop()
    }

    /// Paths of this process's open file descriptors that start with `prefix`.
    private func openFiles(under prefix: String) -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return entries.compactMap { try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + $0) }
            .filter { $0.hasPrefix(prefix) }
    }
}
