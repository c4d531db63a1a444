import BrookRecords
@testable import BrookStorage
import NIOCore
import XCTest

/// A producer batch of `records` records from `producerId` at `epoch`, starting at `sequence`.
func producerBatch(producerId: Int64 = 7, epoch: Int16 = 0, sequence: Int32, records: Int = 1,
                   timestamp: Int64 = 1_000, transactional: Bool = false) -> ByteBuffer {
    var builder = RecordBatchBuilder(producerId: producerId, producerEpoch: epoch, baseSequence: sequence,
                                     isTransactional: transactional)
    for i in 0..<records {
        builder.append(key: nil, value: ByteBuffer(string: "v\(i)"), timestamp: timestamp)
    }
    return try! builder.build()
}

func header(_ batch: ByteBuffer) -> RecordBatchHeader { RecordBatchHeader(peekingAt: batch)! }

final class ProducerStateTests: XCTestCase {
    func testSequencesMustFollowAndRetriesAreDuplicates() throws {
        var state = ProducerStateManager(mapEndOffset: 0)
        let first = header(producerBatch(sequence: 0, records: 3))
        XCTAssertEqual(try state.check([first]), .append)
        state.record([first], firstOffset: 0)
        XCTAssertEqual(state.producers[7]?.lastSequence, 2)
        XCTAssertEqual(state.mapEndOffset, 3)

        // The retry of the same range is answered with its original offsets.
        XCTAssertEqual(try state.check([first]),
                       .duplicate(ProducerBatchMetadata(firstSequence: 0, lastSequence: 2, firstOffset: 0,
                                                        lastOffset: 2, maxTimestamp: 1_000)))
        // A gap is out of order.
        XCTAssertThrowsError(try state.check([header(producerBatch(sequence: 4))])) { error in
            XCTAssertEqual(error as? ProducerStateError,
                           .outOfOrderSequence(producerId: 7, expected: 3, received: 4))
        }
        // The next sequence is fine.
        XCTAssertEqual(try state.check([header(producerBatch(sequence: 3))]), .append)
    }

    func testBatchesInOneRequestAreCheckedInOrder() throws {
        let state = ProducerStateManager(mapEndOffset: 0)
        let a = header(producerBatch(sequence: 0, records: 2))
        let b = header(producerBatch(sequence: 2, records: 2))
        XCTAssertEqual(try state.check([a, b]), .append)
        XCTAssertThrowsError(try state.check([a, header(producerBatch(sequence: 5))]))
    }

    func testOnlyTheLastFiveBatchesAreRemembered() throws {
        var state = ProducerStateManager(mapEndOffset: 0)
        for sequence in 0..<6 { state.record([header(producerBatch(sequence: Int32(sequence)))], firstOffset: Int64(sequence)) }
        XCTAssertEqual(state.producers[7]?.batches.count, 5)
        // Sequence 0 fell out of the window: no longer a duplicate but out of order.
        XCTAssertThrowsError(try state.check([header(producerBatch(sequence: 0))]))
        if case .duplicate(let original) = try state.check([header(producerBatch(sequence: 1))]) {
            XCTAssertEqual(original.firstOffset, 1)
        } else {
            XCTFail("sequence 1 should be a duplicate")
        }
    }

    func testEpochRules() throws {
        var state = ProducerStateManager(mapEndOffset: 0)
        state.record([header(producerBatch(epoch: 3, sequence: 0, records: 2))], firstOffset: 0)
        XCTAssertThrowsError(try state.check([header(producerBatch(epoch: 2, sequence: 2))])) { error in
            XCTAssertEqual(error as? ProducerStateError, .invalidProducerEpoch(producerId: 7, epoch: 2, current: 3))
        }
        // A new epoch starts at sequence 0 and nowhere else.
        XCTAssertThrowsError(try state.check([header(producerBatch(epoch: 4, sequence: 2))]))
        XCTAssertEqual(try state.check([header(producerBatch(epoch: 4, sequence: 0))]), .append)
        // A same-range batch from another epoch is not a duplicate.
        XCTAssertThrowsError(try state.check([header(producerBatch(epoch: 4, sequence: 5))]))
    }

    func testUnknownProducerMayStartAnywhere() throws {
        let state = ProducerStateManager(mapEndOffset: 0)
        XCTAssertEqual(try state.check([header(producerBatch(sequence: 42))]), .append)
    }

    func testSequenceWrapsAtInt32Max() throws {
        var state = ProducerStateManager(mapEndOffset: 0)
        let last = header(producerBatch(sequence: Int32.max - 1, records: 2))
        XCTAssertEqual(ProducerSequence.last(of: last), Int32.max)
        state.record([last], firstOffset: 0)
        XCTAssertEqual(try state.check([header(producerBatch(sequence: 0))]), .append)
        let wrapping = header(producerBatch(sequence: Int32.max, records: 3))
        XCTAssertEqual(ProducerSequence.last(of: wrapping), 1)
    }

    func testExpiryUsesTheLastTimestampAndSparesOpenTransactions() {
        var state = ProducerStateManager(mapEndOffset: 0)
        state.record([header(producerBatch(producerId: 1, sequence: 0, timestamp: 1_000))], firstOffset: 0)
        state.record([header(producerBatch(producerId: 2, sequence: 0, timestamp: 1_000, transactional: true))],
                     firstOffset: 1)
        state.record([header(producerBatch(producerId: 3, sequence: 0, timestamp: 5_000))], firstOffset: 2)
        XCTAssertEqual(state.firstUnstableOffset, 1)
        XCTAssertEqual(state.removeExpired(now: 4_000, expirationMs: 3_000), 1)
        XCTAssertEqual(Set(state.producers.keys), [2, 3])
    }

    func testSnapshotRoundTripsAndRejectsCorruption() throws {
        let entries = [
            ProducerStateEntry(producerId: 9, producerEpoch: 2, coordinatorEpoch: 4, lastTimestamp: 77,
                               currentTxnFirstOffset: 12, batches: [
                                   ProducerBatchMetadata(firstSequence: 0, lastSequence: 4, firstOffset: 10,
                                                         lastOffset: 14, maxTimestamp: 77),
                               ]),
            ProducerStateEntry(producerId: 3, producerEpoch: 0),
        ]
        var bytes = ProducerStateSnapshot.encode(entries)
        XCTAssertEqual(try ProducerStateSnapshot.decode(bytes).sorted { $0.producerId < $1.producerId },
                       entries.sorted { $0.producerId < $1.producerId })
        bytes[8] ^= 0xFF
        XCTAssertThrowsError(try ProducerStateSnapshot.decode(bytes))
        XCTAssertEqual(ProducerStateSnapshot.fileName(offset: 1234), "00000000000000001234.snapshot")
        XCTAssertEqual(ProducerStateSnapshot.offset(fromFileName: "00000000000000001234.snapshot"), 1234)
    }
}
