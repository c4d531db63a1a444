@testable import BrookClient
import NIOCore
import XCTest

final class RecordAccumulatorTests: XCTestCase {
    private let t0 = NIODeadline.uptimeNanoseconds(1_000_000_000)
    private let p0 = TopicPartition("t", 0)
    private let p1 = TopicPartition("t", 1)

    /// Appends a record whose value makes its encoded size exactly `size` bytes (the record's
    /// framing takes 8 of them here).
    private func append(_ accumulator: inout RecordAccumulator, size: Int, at time: NIODeadline, to partition: TopicPartition) -> Bool {
        let pending = PendingRecord(completion: .report, timestamp: 0, acceptedAt: time, size: size)
        return accumulator.append(key: nil, value: ByteBuffer(repeating: 0, count: size - 8), headers: [], pending: pending,
                                  to: partition, now: time)
    }

    func testFirstRecordWakesTheSenderAndLingers() {
        var accumulator = RecordAccumulator(batchSize: 1000, linger: .milliseconds(5))
        XCTAssertTrue(append(&accumulator, size: 10, at: t0, to: p0), "first batch arms a timer")
        XCTAssertFalse(append(&accumulator, size: 10, at: t0, to: p0))
        var drained = accumulator.drain(now: t0 + .milliseconds(4), flushing: false) { _ in true }
        XCTAssertTrue(drained.batches.isEmpty)
        XCTAssertEqual(drained.nextReady, t0 + .milliseconds(5))
        drained = accumulator.drain(now: t0 + .milliseconds(5), flushing: false) { _ in true }
        XCTAssertEqual(drained.batches.map(\.records.count), [2])
        XCTAssertEqual(accumulator.outstandingRecords, 2)
    }

    func testFullBatchIsReadyAtOnceAndNextRecordOpensANewOne() {
        var accumulator = RecordAccumulator(batchSize: 200, linger: .seconds(10))
        _ = append(&accumulator, size: 60, at: t0, to: p0)
        _ = append(&accumulator, size: 60, at: t0, to: p0)
        XCTAssertTrue(accumulator.wouldOpenBatch(p0, size: 100))
        XCTAssertTrue(append(&accumulator, size: 100, at: t0, to: p0), "sealing the first batch wakes the sender")
        let drained = accumulator.drain(now: t0, flushing: false) { _ in true }
        XCTAssertEqual(drained.batches.map(\.records.count), [2], "only the full head; the second still lingers")
    }

    func testOneBatchPerPartitionInFlight() {
        var accumulator = RecordAccumulator(batchSize: 100, linger: .zero)
        for _ in 0..<3 { _ = append(&accumulator, size: 90, at: t0, to: p0) }
        var drained = accumulator.drain(now: t0, flushing: false) { _ in true }
        XCTAssertEqual(drained.batches.count, 1)
        XCTAssertTrue(accumulator.drain(now: t0, flushing: false) { _ in true }.batches.isEmpty, "p0 has one in flight")
        accumulator.complete(drained.batches[0])
        drained = accumulator.drain(now: t0, flushing: false) { _ in true }
        XCTAssertEqual(drained.batches.count, 1)
        XCTAssertEqual(accumulator.outstandingRecords, 2)
    }

    func testRequeuedBatchGoesFirstAfterItsBackoff() {
        var accumulator = RecordAccumulator(batchSize: 100, linger: .zero)
        _ = append(&accumulator, size: 90, at: t0, to: p0)
        _ = append(&accumulator, size: 90, at: t0, to: p0)
        let first = accumulator.drain(now: t0, flushing: false) { _ in true }.batches[0]
        accumulator.requeue(first, notBefore: t0 + .milliseconds(100))
        let early = accumulator.drain(now: t0 + .milliseconds(50), flushing: false) { _ in true }
        XCTAssertTrue(early.batches.isEmpty, "the retry holds its partition until its backoff ends")
        XCTAssertEqual(early.nextReady, t0 + .milliseconds(100))
        let late = accumulator.drain(now: t0 + .milliseconds(100), flushing: false) { _ in true }
        XCTAssertEqual(late.batches.first?.attempts, 1)
        XCTAssertEqual(late.batches.first?.createdAt, first.createdAt)
    }

    func testFlushMakesLingeringBatchesReadyAndCanSendFilters() {
        var accumulator = RecordAccumulator(batchSize: 1000, linger: .seconds(60))
        _ = append(&accumulator, size: 10, at: t0, to: p0)
        _ = append(&accumulator, size: 10, at: t0, to: p1)
        let drained = accumulator.drain(now: t0, flushing: true) { $0 == self.p1 }
        XCTAssertEqual(drained.batches.map(\.partition), [p1])
    }

    func testExpireRemovesOldQueuedBatches() {
        var accumulator = RecordAccumulator(batchSize: 1000, linger: .seconds(60))
        _ = append(&accumulator, size: 10, at: t0, to: p0)
        _ = append(&accumulator, size: 10, at: t0 + .seconds(5), to: p1)
        let expired = accumulator.expire(olderThan: t0 + .seconds(1))
        XCTAssertEqual(expired.map(\.partition), [p0])
        XCTAssertEqual(accumulator.outstandingRecords, 1)
    }

    func testSeveralBatchesOfAPartitionInFlightOnePerDrain() {
        var accumulator = RecordAccumulator(batchSize: 100, linger: .zero, maxInFlightPerPartition: 2)
        for _ in 0..<3 { _ = append(&accumulator, size: 90, at: t0, to: p0) }
        let first = accumulator.drain(now: t0, flushing: false) { _ in true }
        XCTAssertEqual(first.batches.count, 1, "one batch per partition per request")
        XCTAssertEqual(first.nextReady, t0, "another batch is ready: look again at once")
        let second = accumulator.drain(now: t0, flushing: false) { _ in true }
        XCTAssertEqual(second.batches.count, 1)
        XCTAssertTrue(accumulator.drain(now: t0, flushing: false) { _ in true }.batches.isEmpty, "two in flight is the limit")
        XCTAssertEqual(accumulator.inFlightCount(p0), 2)
        accumulator.complete(first.batches[0])
        XCTAssertEqual(accumulator.drain(now: t0, flushing: false) { _ in true }.batches.count, 1)
    }

    func testRetriesGoOutAloneAndInSequenceOrder() {
        var accumulator = RecordAccumulator(batchSize: 100, linger: .zero, maxInFlightPerPartition: 3)
        var sent: [ProducerBatch] = []
        for sequence in Int32(0)..<3 {
            _ = append(&accumulator, size: 90, at: t0, to: p0)
            var batch = accumulator.drain(now: t0, flushing: false) { _ in true }.batches[0]
            batch.baseSequence = sequence
            sent.append(batch)
        }
        // The newest fails first, then the oldest: they must come back ordered 0, 2.
        accumulator.requeue(sent[2], notBefore: t0)
        XCTAssertTrue(accumulator.drain(now: t0, flushing: false) { _ in true }.batches.isEmpty, "others still in flight")
        accumulator.requeue(sent[0], notBefore: t0)
        accumulator.complete(sent[1])
        let retry = accumulator.drain(now: t0, flushing: false) { _ in true }.batches
        XCTAssertEqual(retry.map(\.baseSequence), [0], "one retry at a time, lowest sequence first")
        accumulator.complete(retry[0])
        XCTAssertEqual(accumulator.drain(now: t0, flushing: false) { _ in true }.batches.map(\.baseSequence), [2])
    }
}
