import BrookCoordination
import XCTest

/// Drives the transaction coordinator machine with explicit times and completes its writes by hand.
final class TransactionCoordinatorTests: XCTestCase {
    private var nextId: Int64 = 100
    private let p0 = TransactionPartition(topic: "t", partition: 0)
    private let p1 = TransactionPartition(topic: "t", partition: 1)

    private func allocate() -> Int64 {
        defer { nextId += 1 }
        return nextId
    }

    /// Persists the decision's target (the write succeeds) and returns it with the follow-up effects.
    @discardableResult
    private func complete(_ shard: inout TransactionCoordinatorShard, _ decision: TransactionDecision,
                          now: Int64 = 0, file: StaticString = #filePath, line: UInt = #line)
        -> (TransactionMetadata?, [TransactionEffect]) {
        switch decision {
        case .persist(let target), .persistThenFail(let target, _):
            return (target, shard.writeCompleted(transactionalId: target.transactionalId, succeeded: true, now: now))
        case .done(let m): return (m, [])
        case .fail(let error):
            XCTFail("unexpected \(error)", file: file, line: line)
            return (nil, [])
        }
    }

    private func initialised(_ shard: inout TransactionCoordinatorShard, _ id: String = "tx") -> TransactionMetadata {
        let decision = shard.initProducerId(transactionalId: id, timeoutMs: 60_000, expected: nil, now: 0,
                                            allocateProducerId: allocate)
        return complete(&shard, decision).0!
    }

    func testCommitRunsThroughPrepareMarkersAndComplete() {
        var shard = TransactionCoordinatorShard(coordinatorEpoch: 3)
        let m = initialised(&shard)
        XCTAssertEqual(m.producerId, 100)
        XCTAssertEqual(m.producerEpoch, 0)
        complete(&shard, shard.addPartitions(transactionalId: "tx", producerId: 100, epoch: 0, partitions: [p0, p1], now: 10))
        XCTAssertEqual(shard.transactions["tx"]?.state, .ongoing)
        XCTAssertEqual(shard.transactions["tx"]?.startTimestamp, 10)
        // Adding a partition already in the transaction needs no write.
        XCTAssertEqual(shard.addPartitions(transactionalId: "tx", producerId: 100, epoch: 0, partitions: [p0], now: 11),
                       .done(shard.transactions["tx"]!))

        let end = shard.endTransaction(transactionalId: "tx", producerId: 100, epoch: 0, commit: true, now: 20)
        // While the prepare record is being written, everything else waits.
        XCTAssertEqual(shard.addPartitions(transactionalId: "tx", producerId: 100, epoch: 0, partitions: [p0], now: 21),
                       .fail(.concurrentTransactions))
        let (_, effects) = complete(&shard, end, now: 22)
        XCTAssertEqual(effects, [.writeMarkers(TransactionMarkers(transactionalId: "tx", producerId: 100, producerEpoch: 0,
                                                                  commit: true, partitions: [p0, p1], coordinatorEpoch: 3))])
        XCTAssertEqual(shard.endTransaction(transactionalId: "tx", producerId: 100, epoch: 0, commit: true, now: 23),
                       .fail(.concurrentTransactions))
        XCTAssertEqual(shard.endTransaction(transactionalId: "tx", producerId: 100, epoch: 0, commit: false, now: 23),
                       .fail(.invalidTxnState))
        guard case .persist(let completed)? = shard.markersWritten(transactionalId: "tx", now: 30).first else {
            return XCTFail("markers should complete the transaction")
        }
        XCTAssertEqual(completed.state, .completeCommit)
        XCTAssertEqual(completed.partitions, [])
        XCTAssertEqual(shard.writeCompleted(transactionalId: "tx", succeeded: true, now: 31), [])
        // A retried commit is answered as done; an abort now is invalid.
        XCTAssertEqual(shard.endTransaction(transactionalId: "tx", producerId: 100, epoch: 0, commit: true, now: 32),
                       .done(completed))
        XCTAssertEqual(shard.endTransaction(transactionalId: "tx", producerId: 100, epoch: 0, commit: false, now: 32),
                       .fail(.invalidTxnState))
        // The next transaction starts from CompleteCommit.
        complete(&shard, shard.addPartitions(transactionalId: "tx", producerId: 100, epoch: 0, partitions: [p1], now: 40))
        XCTAssertEqual(shard.transactions["tx"]?.partitions, [p1])
        XCTAssertEqual(shard.transactions["tx"]?.startTimestamp, 40)
    }

    func testErrorsForUnknownIdsWrongProducersAndEmptyTransactions() {
        var shard = TransactionCoordinatorShard()
        XCTAssertEqual(shard.addPartitions(transactionalId: "nope", producerId: 1, epoch: 0, partitions: [p0], now: 0),
                       .fail(.invalidProducerIdMapping))
        _ = initialised(&shard)
        XCTAssertEqual(shard.addPartitions(transactionalId: "tx", producerId: 999, epoch: 0, partitions: [p0], now: 0),
                       .fail(.invalidProducerIdMapping))
        XCTAssertEqual(shard.addPartitions(transactionalId: "tx", producerId: 100, epoch: 7, partitions: [p0], now: 0),
                       .fail(.producerFenced))
        XCTAssertEqual(shard.endTransaction(transactionalId: "tx", producerId: 100, epoch: 0, commit: true, now: 0),
                       .fail(.invalidTxnState))
        XCTAssertEqual(shard.initProducerId(transactionalId: "tx", timeoutMs: 900_001, expected: nil, now: 0,
                                            allocateProducerId: allocate), .fail(.invalidTransactionTimeout))
        XCTAssertEqual(shard.describe(transactionalId: "nope"), .failure(.transactionalIdNotFound))
    }

    func testASecondProducerFencesTheFirstAndAbortsItsTransaction() {
        var shard = TransactionCoordinatorShard()
        _ = initialised(&shard)
        complete(&shard, shard.addPartitions(transactionalId: "tx", producerId: 100, epoch: 0, partitions: [p0], now: 1))

        let second = shard.initProducerId(transactionalId: "tx", timeoutMs: 60_000, expected: nil, now: 2,
                                          allocateProducerId: allocate)
        guard case .persistThenFail(let fence, .concurrentTransactions) = second else {
            return XCTFail("the open transaction must be fenced first, got \(second)")
        }
        XCTAssertEqual(fence.state, .prepareEpochFence)
        XCTAssertEqual(fence.producerEpoch, 1)
        // The fence write is followed by the abort write, then the abort markers at the new epoch.
        let afterFence = shard.writeCompleted(transactionalId: "tx", succeeded: true, now: 3)
        guard case .persist(let abort)? = afterFence.first else { return XCTFail("expected the abort write") }
        XCTAssertEqual(abort.state, .prepareAbort)
        XCTAssertEqual(shard.writeCompleted(transactionalId: "tx", succeeded: true, now: 4),
                       [.writeMarkers(TransactionMarkers(transactionalId: "tx", producerId: 100, producerEpoch: 1,
                                                         commit: false, partitions: [p0], coordinatorEpoch: 0))])
        // The zombie is fenced.
        XCTAssertEqual(shard.addPartitions(transactionalId: "tx", producerId: 100, epoch: 0, partitions: [p0], now: 5),
                       .fail(.producerFenced))
        XCTAssertEqual(shard.verify(transactionalId: "tx", producerId: 100, epoch: 0, partition: p0), .invalidProducerEpoch)
        // The new producer retries while the abort completes, then gets the next epoch.
        XCTAssertEqual(shard.initProducerId(transactionalId: "tx", timeoutMs: 60_000, expected: nil, now: 6,
                                            allocateProducerId: allocate), .fail(.concurrentTransactions))
        complete(&shard, .persist(shard.markersWritten(transactionalId: "tx", now: 7).persisted!))
        let retry = complete(&shard, shard.initProducerId(transactionalId: "tx", timeoutMs: 60_000, expected: nil, now: 8,
                                                         allocateProducerId: allocate)).0!
        XCTAssertEqual(retry.producerId, 100)
        XCTAssertEqual(retry.producerEpoch, 2)
        XCTAssertEqual(retry.state, .empty)
    }

    func testTimedOutTransactionsAreFencedAndAborted() {
        var shard = TransactionCoordinatorShard()
        _ = initialised(&shard)
        complete(&shard, shard.addPartitions(transactionalId: "tx", producerId: 100, epoch: 0, partitions: [p0], now: 1_000))
        XCTAssertEqual(shard.abortTimedOutTransactions(now: 60_999), [])
        let effects = shard.abortTimedOutTransactions(now: 61_000)
        guard case .persist(let fence)? = effects.first else { return XCTFail("expected a fence") }
        XCTAssertEqual(fence.state, .prepareEpochFence)
        XCTAssertEqual(fence.producerEpoch, 1)
        // Not twice while the write is in flight.
        XCTAssertEqual(shard.abortTimedOutTransactions(now: 70_000), [])
    }

    func testKip890VerificationRejectsPartitionsOutsideTheTransaction() {
        var shard = TransactionCoordinatorShard()
        _ = initialised(&shard)
        XCTAssertEqual(shard.verify(transactionalId: "tx", producerId: 100, epoch: 0, partition: p0), .invalidTxnState)
        complete(&shard, shard.addPartitions(transactionalId: "tx", producerId: 100, epoch: 0, partitions: [p0], now: 1))
        XCTAssertNil(shard.verify(transactionalId: "tx", producerId: 100, epoch: 0, partition: p0))
        XCTAssertEqual(shard.verify(transactionalId: "tx", producerId: 100, epoch: 0, partition: p1), .invalidTxnState)
        XCTAssertEqual(shard.verify(transactionalId: "other", producerId: 100, epoch: 0, partition: p0),
                       .invalidProducerIdMapping)
    }

    func testFailedWritesLeaveTheStateUnchanged() {
        var shard = TransactionCoordinatorShard()
        let m = initialised(&shard)
        guard case .persist = shard.addPartitions(transactionalId: "tx", producerId: 100, epoch: 0, partitions: [p0], now: 1) else {
            return XCTFail("expected a write")
        }
        XCTAssertEqual(shard.writeCompleted(transactionalId: "tx", succeeded: false, now: 2), [])
        XCTAssertEqual(shard.transactions["tx"], m)
        XCTAssertTrue(shard.pending.isEmpty)
    }

    func testEpochExhaustionTakesANewProducerId() {
        var shard = TransactionCoordinatorShard()
        var old = TransactionMetadata(transactionalId: "tx", producerId: 5, producerEpoch: Int16.max - 1,
                                      timeoutMs: 1000, state: .completeCommit, lastUpdateTimestamp: 0)
        old.lastProducerEpoch = Int16.max - 2
        shard.replay(transactionalId: "tx", old)
        let bumped = complete(&shard, shard.initProducerId(transactionalId: "tx", timeoutMs: 1000, expected: nil, now: 1,
                                                          allocateProducerId: allocate)).0!
        XCTAssertEqual(bumped.producerId, 100)
        XCTAssertEqual(bumped.producerEpoch, 0)
        XCTAssertEqual(bumped.lastProducerId, 5)
    }

    func testExpiryListingAndUnfinishedWorkAfterLoad() {
        var shard = TransactionCoordinatorShard()
        shard.replay(transactionalId: "idle", TransactionMetadata(transactionalId: "idle", producerId: 1, producerEpoch: 0,
                                                                  timeoutMs: 1000, state: .completeAbort,
                                                                  lastUpdateTimestamp: 0))
        var prepared = TransactionMetadata(transactionalId: "prep", producerId: 2, producerEpoch: 4, timeoutMs: 1000,
                                           state: .prepareCommit, lastUpdateTimestamp: 0)
        prepared.partitions = [p1]
        shard.replay(transactionalId: "prep", prepared)
        shard.replay(transactionalId: "gone", nil)
        XCTAssertEqual(shard.unfinishedWork(), [.writeMarkers(TransactionMarkers(
            transactionalId: "prep", producerId: 2, producerEpoch: 4, commit: true, partitions: [p1], coordinatorEpoch: 0))])
        XCTAssertEqual(shard.list(states: [.prepareCommit], producerIds: [], minDurationMs: -1, now: 0).map(\.transactionalId),
                       ["prep"])
        XCTAssertEqual(shard.list(states: [], producerIds: [1], minDurationMs: -1, now: 0).map(\.transactionalId), ["idle"])
        XCTAssertEqual(shard.expireTransactionalIds(now: 10_000, expirationMs: 10_000), [.delete(transactionalId: "idle")])
        XCTAssertEqual(Set(shard.transactions.keys), ["prep"])
        XCTAssertEqual(TransactionState(name: "PrepareEpochFence"), .prepareEpochFence)
    }
}

private extension Array where Element == TransactionEffect {
    /// The metadata of the first `.persist` effect.
    var persisted: TransactionMetadata? {
        for effect in self { if case .persist(let m) = effect { return m } }
        return nil
    }
}
