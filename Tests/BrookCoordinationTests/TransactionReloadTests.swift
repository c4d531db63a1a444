import BrookCoordination
import NIOCore
import XCTest

/// The coordinator's state written to `__transaction_state` and read back by a new coordinator (a
/// reload after a restart or a coordinator move), through the record layouts the broker uses.
final class TransactionReloadTests: XCTestCase {
    /// What a new coordinator rebuilds from the records the old one wrote (last value per id wins).
    private func reloaded(from written: [TransactionMetadata]) throws -> TransactionCoordinatorShard {
        var shard = TransactionCoordinatorShard()
        for m in written {
            let key = TransactionLogRecord.encodeKey(transactionalId: m.transactionalId)
            let id = try TransactionLogRecord.decodeKey(key)
            shard.replay(transactionalId: id, try TransactionLogRecord.decodeValue(transactionalId: id,
                                                                                   TransactionLogRecord.encodeValue(m)))
        }
        return shard
    }

    func testKip360RetryOfAProducerIdRotationSucceedsAfterAReload() throws {
        var shard = TransactionCoordinatorShard()
        let exhausted = TransactionMetadata(transactionalId: "tx", producerId: 5, producerEpoch: Int16.max - 1,
                                            timeoutMs: 60_000, state: .completeCommit, lastUpdateTimestamp: 0)
        shard.replay(transactionalId: "tx", exhausted)
        // The client holds (5, 32766) and asks for a bump: the epoch is exhausted, so a new id is taken.
        guard case .persist(let rotated) = shard.initProducerId(
            transactionalId: "tx", timeoutMs: 60_000, expected: (5, Int16.max - 1), now: 1, allocateProducerId: { 77 })
        else { return XCTFail("the bump should be persisted") }
        _ = shard.writeCompleted(transactionalId: "tx", succeeded: true, now: 1)
        XCTAssertEqual(rotated.producerId, 77)
        XCTAssertEqual(rotated.producerEpoch, 0)

        // The answer is lost and the coordinator reloads; the client retries with what it still holds.
        var reloaded = try reloaded(from: [exhausted, rotated])
        let retry = reloaded.initProducerId(transactionalId: "tx", timeoutMs: 60_000, expected: (5, Int16.max - 1),
                                            now: 2, allocateProducerId: { XCTFail("no new id on a retry"); return 99 })
        guard case .done(let answer) = retry else { return XCTFail("retry got \(retry), expected the rotated id") }
        XCTAssertEqual(answer.producerId, 77)
        XCTAssertEqual(answer.producerEpoch, 0)
        // Anyone else presenting the old id is still fenced.
        XCTAssertEqual(reloaded.initProducerId(transactionalId: "tx", timeoutMs: 60_000, expected: (5, 3), now: 3,
                                               allocateProducerId: { 99 }), .fail(.producerFenced))
    }

    func testEpochBumpsAndTransactionsSurviveAReload() throws {
        var shard = TransactionCoordinatorShard()
        var written: [TransactionMetadata] = []
        func persist(_ decision: TransactionDecision) -> TransactionMetadata? {
            guard case .persist(let m) = decision else { XCTFail("expected a write, got \(decision)"); return nil }
            written.append(m)
            _ = shard.writeCompleted(transactionalId: m.transactionalId, succeeded: true, now: 0)
            return m
        }
        _ = persist(shard.initProducerId(transactionalId: "tx", timeoutMs: 60_000, expected: nil, now: 0,
                                         allocateProducerId: { 9 }))
        _ = persist(shard.initProducerId(transactionalId: "tx", timeoutMs: 60_000, expected: (9, 0), now: 1,
                                         allocateProducerId: { 10 }))
        let open = persist(shard.addPartitions(transactionalId: "tx", producerId: 9, epoch: 1,
                                               partitions: [.init(topic: "t", partition: 2)], now: 5))
        var reloaded = try reloaded(from: written)
        XCTAssertEqual(reloaded.transactions["tx"], open.map { var m = $0; m.lastProducerEpoch = -1; return m })
        XCTAssertEqual(reloaded.transactions["tx"]?.startTimestamp, 5)
        // The reloaded coordinator accepts the producer's current epoch.
        guard case .persist = reloaded.endTransaction(transactionalId: "tx", producerId: 9, epoch: 1, commit: true, now: 6)
        else { return XCTFail("commit after reload") }
    }

    func testVersion0ValuesAreStillRead() throws {
        // Kafka's v0 layout: version, producer id, epoch, timeout, state (Ongoing), one topic "t" with
        // partitions [1, 3], last update 7, start 6.
        var v0 = ByteBuffer()
        v0.writeInteger(Int16(0)); v0.writeInteger(Int64(42)); v0.writeInteger(Int16(3)); v0.writeInteger(Int32(60_000))
        v0.writeInteger(Int8(1)); v0.writeInteger(Int32(1)); v0.writeInteger(Int16(1)); v0.writeString("t")
        v0.writeInteger(Int32(2)); v0.writeInteger(Int32(1)); v0.writeInteger(Int32(3))
        v0.writeInteger(Int64(7)); v0.writeInteger(Int64(6))
        let m = try TransactionLogRecord.decodeValue(transactionalId: "x", v0)
        XCTAssertEqual(m.producerId, 42)
        XCTAssertEqual(m.producerEpoch, 3)
        XCTAssertEqual(m.state, .ongoing)
        XCTAssertEqual(m.partitions, [.init(topic: "t", partition: 1), .init(topic: "t", partition: 3)])
        XCTAssertEqual(m.lastUpdateTimestamp, 7)
        XCTAssertEqual(m.startTimestamp, 6)
        XCTAssertEqual(m.lastProducerId, -1)
    }

    func testVersion1LayoutMatchesKafka() throws {
        var m = TransactionMetadata(transactionalId: "tx", producerId: 42, producerEpoch: 3, timeoutMs: 60_000,
                                    state: .ongoing, lastUpdateTimestamp: 7)
        m.partitions = [.init(topic: "t", partition: 1)]
        m.startTimestamp = 6
        m.lastProducerId = 5
        let value = TransactionLogRecord.encodeValue(m)
        var expected: [UInt8] = [0, 1, 0, 0, 0, 0, 0, 0, 0, 42, 0, 3, 0, 0, 0xEA, 0x60, 1]
        expected += [2, 2, UInt8(ascii: "t"), 2, 0, 0, 0, 1, 0]       // compact topics: "t" [1], no tags
        expected += [0, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0, 6]  // last update, start
        expected += [1, 0, 8, 0, 0, 0, 0, 0, 0, 0, 5]                // tag 0: previous producer id 5
        XCTAssertEqual(Array(value.readableBytesView), expected)
        var decoded = try TransactionLogRecord.decodeValue(transactionalId: "tx", value)
        XCTAssertEqual(decoded.lastProducerId, 5)
        decoded.lastProducerEpoch = m.lastProducerEpoch
        XCTAssertEqual(decoded, m)
    }

    func testExtremeTimestampsReadFromDiskDoNotOverflowTheTimers() throws {
        var shard = TransactionCoordinatorShard()
        for (id, start) in [("late", Int64.max), ("early", Int64.min)] {
            var m = TransactionMetadata(transactionalId: id, producerId: 1, producerEpoch: 0, timeoutMs: .max,
                                        state: .ongoing, lastUpdateTimestamp: start)
            m.startTimestamp = start
            m.partitions = [.init(topic: "t", partition: 0)]
            shard.replay(transactionalId: id, try TransactionLogRecord.decodeValue(
                transactionalId: id, TransactionLogRecord.encodeValue(m)))
        }
        // The one that started at Int64.min is long overdue; the other is not.
        XCTAssertEqual(shard.abortTimedOutTransactions(now: 1_700_000_000_000).persisted.map(\.transactionalId), ["early"])
        XCTAssertEqual(shard.list(states: [], producerIds: [], minDurationMs: 10, now: 1_700_000_000_000)
            .map(\.transactionalId), ["early"])
        XCTAssertEqual(shard.expireTransactionalIds(now: 1_700_000_000_000, expirationMs: 604_800_000), [])
    }

    func testTruncatedAndOversizedValuesAreRejected() {
        var m = TransactionMetadata(transactionalId: "tx", producerId: .max, producerEpoch: .max, timeoutMs: .max,
                                    state: .prepareAbort, lastUpdateTimestamp: .min)
        m.partitions = [.init(topic: "t", partition: .max), .init(topic: "u", partition: .min)]
        m.lastProducerId = .min
        let value = TransactionLogRecord.encodeValue(m)
        XCTAssertEqual(try TransactionLogRecord.decodeValue(transactionalId: "tx", value).lastProducerId, .min)
        for length in 0..<value.readableBytes {
            XCTAssertThrowsError(try TransactionLogRecord.decodeValue(transactionalId: "tx",
                                                                      value.getSlice(at: 0, length: length)!),
                                 "prefix of \(length) bytes")
        }
        var huge = value
        huge.setInteger(UInt8(0xFF), at: 17)  // the topic count's varint no longer ends
        XCTAssertThrowsError(try TransactionLogRecord.decodeValue(transactionalId: "tx", huge))
    }
}

private extension Array where Element == TransactionEffect {
    var persisted: [TransactionMetadata] {
        compactMap { if case .persist(let m) = $0 { return m } else { return nil } }
    }
}
