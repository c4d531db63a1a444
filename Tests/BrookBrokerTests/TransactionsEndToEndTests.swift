import BrookBroker
import BrookProtocol
import BrookRecords
import Foundation
import NIOCore
import XCTest

/// Transactions through a real broker: InitProducerId with a transactional id, AddPartitionsToTxn,
/// KIP-890 verification of appends, EndTxn with markers, the LSO and aborted transactions in
/// read_committed fetches, and the coordinator's state across a restart.
final class TransactionsEndToEndTests: XCTestCase {
    private func configure(_ config: inout BrokerConfig) {
        config.transactionStateLogNumPartitions = 2
        config.groupCoordinator.offsetsTopicPartitions = 2
    }

    private func start(dataDir: String = TestBroker.makeTempDir()) async throws -> TestBroker {
        let broker = try await TestBroker(dataDir: dataDir, configure: configure)
        try await broker.broker.transactions.loadedFuture.get()
        return broker
    }

    private func txnBatch(_ pid: Int64, _ epoch: Int16, _ sequence: Int32, _ values: [String]) throws -> ByteBuffer {
        var builder = RecordBatchBuilder(producerId: pid, producerEpoch: epoch, baseSequence: sequence, isTransactional: true)
        for v in values { builder.append(key: nil, value: ByteBuffer(string: v), timestamp: 1_700_000_000_000) }
        return try builder.build()
    }

    private func produce(_ client: RawKafkaClient, _ records: ByteBuffer, transactionalId: String?)
        throws -> ProduceResponse.PartitionProduceResponse {
        let request = ProduceRequest(transactionalId: transactionalId, acks: -1, timeoutMs: 5000,
                                     topicData: [.init(name: "t", partitionData: [.init(index: 0, records: records)])])
        return try XCTUnwrap(try client.request(request, version: 9, as: ProduceResponse.self).responses.first?
            .partitionResponses.first)
    }

    private func fetch(_ client: RawKafkaClient, readCommitted: Bool) throws -> FetchResponse.PartitionData {
        let request = FetchRequest(replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20,
                                   isolationLevel: readCommitted ? 1 : 0,
                                   topics: [.init(topic: "t", partitions: [.init(partition: 0, fetchOffset: 0,
                                                                                  partitionMaxBytes: 1 << 20)])])
        return try XCTUnwrap(try client.request(request, version: 12, as: FetchResponse.self).responses.first?.partitions.first)
    }

    private func initProducer(_ client: RawKafkaClient, _ id: String) throws -> InitProducerIdResponse {
        try client.request(InitProducerIdRequest(transactionalId: id, transactionTimeoutMs: 60_000),
                           version: 4, as: InitProducerIdResponse.self)
    }

    private func addPartition(_ client: RawKafkaClient, _ id: String, _ pid: Int64, _ epoch: Int16) throws -> Int16 {
        let request = AddPartitionsToTxnRequest(v3AndBelowTransactionalId: id, v3AndBelowProducerId: pid,
                                                v3AndBelowProducerEpoch: epoch,
                                                v3AndBelowTopics: [.init(name: "t", partitions: [0])])
        let response = try client.request(request, version: 3, as: AddPartitionsToTxnResponse.self)
        return try XCTUnwrap(response.resultsByTopicV3AndBelow.first?.resultsByPartition.first?.partitionErrorCode)
    }

    private func endTxn(_ client: RawKafkaClient, _ id: String, _ pid: Int64, _ epoch: Int16, commit: Bool) throws -> Int16 {
        try client.request(EndTxnRequest(transactionalId: id, producerId: pid, producerEpoch: epoch, committed: commit),
                           version: 3, as: EndTxnResponse.self).errorCode
    }

    /// Markers are written after EndTxn answers: wait until the coordinator is idle again.
    private func waitUntilComplete(_ client: RawKafkaClient, _ id: String) throws -> String {
        for _ in 0..<100 {
            let state = try client.request(DescribeTransactionsRequest(transactionalIds: [id]), version: 0,
                                           as: DescribeTransactionsResponse.self).transactionStates.first?.transactionState
            if state == "CompleteCommit" || state == "CompleteAbort" { return state ?? "" }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return "timed out"
    }

    /// v4+ (KIP-890, broker to broker): several transactions in one request; `verify_only` checks
    /// membership without adding, a plain entry adds, and unknown partitions fail only their transaction.
    func testBatchedAddPartitionsToTxnVerifiesAndAddsPerTransaction() async throws {
        let broker = try await start()
        defer { broker.removeData() }
        try await broker.broker.topics.createTopic(name: "t", partitions: 2, replicationFactor: 1, configs: [:], validateOnly: false)
        let client = try RawKafkaClient(port: broker.port)
        let a = try initProducer(client, "a")
        let b = try initProducer(client, "b")
        XCTAssertEqual(try addPartition(client, "a", a.producerId, a.producerEpoch), 0)
        typealias Transaction = AddPartitionsToTxnRequest.AddPartitionsToTxnTransaction
        func codes(_ transactions: [Transaction], version: Int16) throws -> [String: [Int32: Int16]] {
            let response = try client.request(AddPartitionsToTxnRequest(transactions: transactions), version: version,
                                              as: AddPartitionsToTxnResponse.self)
            XCTAssertEqual(response.errorCode, 0)
            return Dictionary(uniqueKeysWithValues: response.resultsByTransaction.map { result in
                (result.transactionalId, Dictionary(uniqueKeysWithValues: result.topicResults.flatMap { topic in
                    topic.resultsByPartition.map { ($0.partitionIndex, $0.partitionErrorCode) }
                }))
            })
        }
        for version: Int16 in [4, 5] {
            let verified = try codes([
                Transaction(transactionalId: "a", producerId: a.producerId, producerEpoch: a.producerEpoch, verifyOnly: true,
                            topics: [.init(name: "t", partitions: [0, 1])]),
            ], version: version)
            XCTAssertEqual(verified["a"], [0: 0, 1: ErrorCode.invalidTxnState.rawValue], "v\(version)")
        }
        let added = try codes([
            Transaction(transactionalId: "b", producerId: b.producerId, producerEpoch: b.producerEpoch,
                        topics: [.init(name: "t", partitions: [1])]),
            Transaction(transactionalId: "a", producerId: a.producerId, producerEpoch: a.producerEpoch,
                        topics: [.init(name: "t", partitions: [1]), .init(name: "missing", partitions: [0])]),
        ], version: 4)
        XCTAssertEqual(added["b"], [1: 0])
        XCTAssertEqual(added["a"], [1: ErrorCode.operationNotAttempted.rawValue, 0: ErrorCode.unknownTopicOrPartition.rawValue])
        let afterAdd = try codes([
            Transaction(transactionalId: "b", producerId: b.producerId, producerEpoch: b.producerEpoch, verifyOnly: true,
                        topics: [.init(name: "t", partitions: [1])]),
        ], version: 5)
        XCTAssertEqual(afterAdd["b"], [1: 0])
        try await broker.stop()
    }

    func testAbortedTransactionIsHiddenFromReadCommittedAndStateSurvivesRestart() async throws {
        let dataDir = TestBroker.makeTempDir()
        var broker = try await start(dataDir: dataDir)
        defer { broker.removeData() }
        try await broker.broker.topics.createTopic(name: "t", partitions: 1, replicationFactor: 1, configs: [:], validateOnly: false)
        let client = try RawKafkaClient(port: broker.port)
        let ids = try initProducer(client, "app")
        XCTAssertEqual(ids.errorCode, 0)
        let (pid, epoch) = (ids.producerId, ids.producerEpoch)

        // KIP-890: not yet part of a transaction.
        XCTAssertEqual(try produce(client, try txnBatch(pid, epoch, 0, ["early"]), transactionalId: "app").errorCode,
                       ErrorCode.invalidTxnState.rawValue)
        XCTAssertEqual(try addPartition(client, "app", pid, epoch), 0)
        XCTAssertEqual(try produce(client, try txnBatch(pid, epoch, 0, ["a", "b"]), transactionalId: "app").baseOffset, 0)
        // The open transaction holds the LSO at its first offset.
        XCTAssertEqual(try fetch(client, readCommitted: true).lastStableOffset, 0)
        XCTAssertEqual(try endTxn(client, "app", pid, epoch, commit: false), 0)
        XCTAssertEqual(try waitUntilComplete(client, "app"), "CompleteAbort")

        let committedView = try fetch(client, readCommitted: true)
        XCTAssertEqual(committedView.lastStableOffset, 3)  // two records and the abort marker
        XCTAssertEqual(committedView.abortedTransactions, [.init(producerId: pid, firstOffset: 0)])
        XCTAssertNil(try fetch(client, readCommitted: false).abortedTransactions)

        // A fenced epoch is refused; a retry of a finished abort is answered as done.
        XCTAssertEqual(try endTxn(client, "app", pid, epoch - 1, commit: true), ErrorCode.producerFenced.rawValue)
        XCTAssertEqual(try endTxn(client, "app", pid, epoch, commit: false), 0)

        try await broker.stop()
        broker = try await start(dataDir: dataDir)
        let again = try RawKafkaClient(port: broker.port)
        let bumped = try initProducer(again, "app")
        XCTAssertEqual(bumped.errorCode, 0)
        XCTAssertEqual(bumped.producerId, pid)
        XCTAssertEqual(bumped.producerEpoch, epoch + 1)
        try await broker.stop()
    }

    func testCommitMakesRecordsVisibleAndFindCoordinatorAnswersForTransactions() async throws {
        let broker = try await start()
        defer { broker.removeData() }
        try await broker.broker.topics.createTopic(name: "t", partitions: 1, replicationFactor: 1, configs: [:], validateOnly: false)
        let client = try RawKafkaClient(port: broker.port)
        let found = try client.request(FindCoordinatorRequest(key: "app", keyType: 1), version: 3,
                                       as: FindCoordinatorResponse.self)
        XCTAssertEqual(found.errorCode, 0)
        let ids = try initProducer(client, "app")
        XCTAssertEqual(try addPartition(client, "app", ids.producerId, ids.producerEpoch), 0)
        XCTAssertEqual(try produce(client, try txnBatch(ids.producerId, ids.producerEpoch, 0, ["x"]),
                                   transactionalId: "app").errorCode, 0)
        XCTAssertEqual(try endTxn(client, "app", ids.producerId, ids.producerEpoch, commit: true), 0)
        XCTAssertEqual(try waitUntilComplete(client, "app"), "CompleteCommit")
        let view = try fetch(client, readCommitted: true)
        XCTAssertEqual(view.lastStableOffset, 2)
        XCTAssertEqual(view.abortedTransactions, [])
        let listed = try client.request(ListTransactionsRequest(stateFilters: ["CompleteCommit"]), version: 1,
                                        as: ListTransactionsResponse.self)
        XCTAssertEqual(listed.transactionStates.map(\.transactionalId), ["app"])
        try await broker.stop()
    }

    /// The aborted list comes back from the `.txnindex` after a clean restart, and is rebuilt from the
    /// abort marker in the log after an unclean one whose index entry was lost.
    func testAbortedTransactionsSurviveCleanAndUncleanRestart() async throws {
        let dataDir = TestBroker.makeTempDir()
        var broker = try await start(dataDir: dataDir)
        defer { broker.removeData() }
        try await broker.broker.topics.createTopic(name: "t", partitions: 1, replicationFactor: 1, configs: [:], validateOnly: false)
        let client = try RawKafkaClient(port: broker.port)
        let ids = try initProducer(client, "app")
        let (pid, epoch) = (ids.producerId, ids.producerEpoch)
        XCTAssertEqual(try addPartition(client, "app", pid, epoch), 0)
        XCTAssertEqual(try produce(client, try txnBatch(pid, epoch, 0, ["a", "b"]), transactionalId: "app").baseOffset, 0)
        XCTAssertEqual(try endTxn(client, "app", pid, epoch, commit: false), 0)
        XCTAssertEqual(try waitUntilComplete(client, "app"), "CompleteAbort")
        let expected: [FetchResponse.AbortedTransaction] = [.init(producerId: pid, firstOffset: 0)]
        XCTAssertEqual(try fetch(client, readCommitted: true).abortedTransactions, expected)
        try await broker.stop()

        let partitionDir = dataDir + "/t-0"
        // Indexed beside the segment holding the abort marker (a time-based roll may have put it in a new one).
        let indexes = try FileManager.default.contentsOfDirectory(atPath: partitionDir).filter { $0.hasSuffix(".txnindex") }
        XCTAssertEqual(indexes.count, 1)
        let indexPath = partitionDir + "/" + (indexes.first ?? "missing.txnindex")
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: indexPath)[.size] as? Int, 34)

        broker = try await start(dataDir: dataDir)
        let afterClean = try fetch(try RawKafkaClient(port: broker.port), readCommitted: true)
        XCTAssertEqual(afterClean.lastStableOffset, 3)
        XCTAssertEqual(afterClean.abortedTransactions, expected)
        try await broker.stop()

        // Unclean: no clean-shutdown marker, and the index entry never reached disk.
        try FileManager.default.removeItem(atPath: dataDir + "/.brook_clean_shutdown")
        try FileManager.default.removeItem(atPath: indexPath)
        // The producer snapshot written at the clean stop (above the recovered segment) is passed over.
        broker = try await start(dataDir: dataDir)
        let afterUnclean = try fetch(try RawKafkaClient(port: broker.port), readCommitted: true)
        XCTAssertEqual(afterUnclean.lastStableOffset, 3)
        XCTAssertEqual(afterUnclean.abortedTransactions, expected)
        XCTAssertTrue(FileManager.default.fileExists(atPath: indexPath), "rebuilt on recovery")
        try await broker.stop()
    }

    /// Kafka asks the coordinator (KIP-890) only for a producer's first batch of a transaction in a
    /// partition. A batch retried after a restart, while the coordinator is still loading, is answered
    /// from the partition (as a duplicate, with its original offsets), not refused until the coordinator
    /// is back: a client that gives up on it meanwhile and aborts may reuse its sequence numbers, and
    /// its next transaction's batch would then be taken for the aborted one.
    func testBatchesOfAnOpenTransactionNeedNoLoadedCoordinator() async throws {
        let dataDir = TestBroker.makeTempDir()
        var broker = try await start(dataDir: dataDir)
        defer { broker.removeData() }
        try await broker.broker.topics.createTopic(name: "t", partitions: 1, replicationFactor: 1, configs: [:], validateOnly: false)
        var client = try RawKafkaClient(port: broker.port)
        let ids = try initProducer(client, "app")
        let (pid, epoch) = (ids.producerId, ids.producerEpoch)
        XCTAssertEqual(try addPartition(client, "app", pid, epoch), 0)
        let first = try txnBatch(pid, epoch, 0, ["a", "b"])
        XCTAssertEqual(try produce(client, first, transactionalId: "app").baseOffset, 0)
        try await broker.stop()

        // Restarted with the transaction coordinator held back (as while it loads its topic).
        broker = try await TestBroker(dataDir: dataDir, holdCoordinators: true, configure: configure)
        client = try RawKafkaClient(port: broker.port)

        let retried = try produce(client, first, transactionalId: "app")
        XCTAssertEqual(retried.errorCode, 0, "a retry of a stored batch is answered from the partition")
        XCTAssertEqual(retried.baseOffset, 0, "with its original offsets")

        let next = try produce(client, try txnBatch(pid, epoch, 2, ["c"]), transactionalId: "app")
        XCTAssertEqual(next.errorCode, 0, "the open transaction's next batch needs no coordinator either")
        XCTAssertEqual(next.baseOffset, 2)

        // A batch at a newer epoch has no open transaction here: only the coordinator can vouch for it.
        let newer = try produce(client, try txnBatch(pid, epoch + 1, 0, ["d"]), transactionalId: "app")
        XCTAssertEqual(newer.errorCode, ErrorCode.notEnoughReplicas.rawValue)

        // Without a transactional id a transactional batch is refused, open transaction or not.
        XCTAssertEqual(try produce(client, try txnBatch(pid, epoch, 3, ["e"]), transactionalId: nil).errorCode,
                       ErrorCode.invalidTxnState.rawValue)

        broker.releaseCoordinators()
        try await broker.stop()
    }
}
