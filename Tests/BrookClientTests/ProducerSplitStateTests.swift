@testable import BrookClient
import BrookProtocol
import BrookRecords
import NIOCore
import XCTest

/// Splitting a batch refused as too large, and closing the sequence gap a batch refused for good
/// leaves, without a broker.
final class ProducerSplitStateTests: XCTestCase {
    private let now = NIODeadline.uptimeNanoseconds(5_000_000_000)
    private let partition = TopicPartition("t", 0)

    private func idempotentState(batchSize: Int = 1_000_000) -> ProducerState {
        var config = ProducerConfig()
        config.linger = .zero
        config.batchSize = batchSize
        var state = ProducerState(config: config)
        state.idempotenceReady = true
        state.producerId = 7
        state.producerEpoch = 0
        let partitions = [ClusterMetadata.Partition(id: 0, leader: 1, leaderEpoch: 0, replicas: [1], isr: [1], offlineReplicas: [], errorCode: .none)]
        state.apply(ClusterMetadata(topics: ["t": .init(name: "t", topicId: .zero, isInternal: false, partitions: partitions, errorCode: .none)]), topics: ["t"])
        return state
    }

    private func accept(_ state: inout ProducerState, _ value: String) {
        guard case .accepted = state.accept(ProducerRecord(topic: "t", partition: 0, key: nil, value: value), size: 30 + value.utf8.count,
                                            completion: .report, now: now) else { return XCTFail("not accepted") }
    }

    /// The batches the next plan sends, encoded as the sender would.
    private func send(_ state: inout ProducerState) throws -> [ProducerBatch] {
        try state.plan(now: now).requests.flatMap(\.batches).map { batch in
            var batch = batch
            _ = try batch.encode(codec: .none, level: nil, producerId: 7, producerEpoch: 0)
            return batch
        }
    }

    private func decoded(_ batch: ProducerBatch) throws -> RecordBatch {
        try RecordBatch.decode(XCTUnwrap(batch.encoded), maxDecompressedSize: 1 << 20)
    }

    func testSplitHalvesTheBatchAndNumbersThePartsFromItsSequence() throws {
        var state = idempotentState()
        for index in 0..<3 { accept(&state, "first-\(index)") }
        let first = try XCTUnwrap(send(&state).first)
        for index in 0..<10 { accept(&state, "record-\(index)") }
        let big = try XCTUnwrap(send(&state).first)
        XCTAssertEqual(big.baseSequence, 3)
        XCTAssertEqual(try state.splitTooLarge(big, notBefore: now), 2)
        _ = state.finish(first)
        state.requestFinished(node: 1)
        state.requestFinished(node: 1)

        var values: [String] = []
        var sequences: [Int32] = []
        while let part = try send(&state).first {
            XCTAssertLessThan(part.records.count, 10)
            sequences.append(part.baseSequence)
            let batch = try decoded(part)
            XCTAssertEqual(batch.header.baseSequence, part.baseSequence)
            XCTAssertEqual(batch.header.producerId, 7)
            values += batch.records.map { String(buffer: $0.value!) }
            _ = state.finish(part)
            state.requestFinished(node: 1)
        }
        XCTAssertEqual(values, (0..<10).map { "record-\($0)" }, "every record once, in order")
        XCTAssertEqual(sequences, [3, 8])
        XCTAssertEqual(state.accumulator.outstandingRecords, 0)
        XCTAssertEqual(state.usedMemory, 0)
    }

    func testSplitGivesAnOversizedRecordABatchOfItsOwn() throws {
        let batch = ProducerBatchFixture.batch(values: ["a", String(repeating: "x", count: 500), "b", "c"])
        let parts = try XCTUnwrap(batch.split())
        XCTAssertEqual(parts.map(\.records.count), [1, 1, 2])
        XCTAssertNil(try ProducerBatchFixture.batch(values: ["alone"]).split(), "one record: nothing to split")
    }

    func testARefusedBatchLowersTheSequencesNumberedAfterIt() throws {
        var state = idempotentState(batchSize: 200)
        for index in 0..<12 { accept(&state, "value-\(index)-" + String(repeating: "p", count: 40)) }  // several batches
        var inFlight: [ProducerBatch] = []
        while let batch = try send(&state).first { inFlight.append(batch) }
        XCTAssertGreaterThanOrEqual(inFlight.count, 3)
        let (refused, second, third) = (inFlight[0], inFlight[1], inFlight[2])
        XCTAssertEqual(second.baseSequence, Int32(refused.records.count))

        state.closeSequenceGap(of: refused)
        _ = state.finish(refused)
        // The later batches come back OUT_OF_ORDER_SEQUENCE_NUMBER and go again, renumbered; the
        // ones still queued and those not numbered yet follow without the gap.
        for batch in inFlight.dropFirst() { state.requeue(batch, notBefore: now) }
        for _ in inFlight { state.requestFinished(node: 1) }
        accept(&state, "later")
        var expected: Int32 = 0
        var resent = 0
        while let batch = try send(&state).first {
            XCTAssertEqual(batch.baseSequence, expected)
            XCTAssertEqual(try decoded(batch).header.baseSequence, expected, "the encoded header and CRC follow")
            expected += Int32(batch.records.count)
            resent += batch.records.count
            _ = state.finish(batch)
            state.requestFinished(node: 1)
        }
        XCTAssertEqual(resent, 13 - refused.records.count)
        XCTAssertEqual(second.baseSequence, Int32(refused.records.count), "sent with the old numbering")
        XCTAssertGreaterThan(third.baseSequence, second.baseSequence)
        XCTAssertEqual(state.accumulator.outstandingRecords, 0)
    }

    func testSequenceArithmeticWraps() {
        XCTAssertEqual(ProducerBatch.sequence(Int32.max, plus: 1), 0)
        XCTAssertEqual(ProducerBatch.sequence(Int32.max - 1, plus: 5), 3)
        XCTAssertEqual(ProducerBatch.sequence(2, plus: -5), Int32.max - 2)
        XCTAssertEqual(ProducerBatch.sequence(10, plus: -10), 0)
    }
}

/// Encoded batches built directly, for split tests.
enum ProducerBatchFixture {
    static func batch(values: [String]) -> ProducerBatch {
        let start = NIODeadline.uptimeNanoseconds(1)
        var batch = ProducerBatch(partition: TopicPartition("t", 0), createdAt: start, capacity: 1024)
        for value in values {
            let pending = PendingRecord(completion: .report, timestamp: 1_000, acceptedAt: start, size: value.utf8.count, key: nil)
            batch.append(key: nil, value: ByteBuffer(string: value), headers: [], pending: pending)
        }
        _ = try? batch.encode(codec: .none, level: nil, producerId: -1, producerEpoch: -1)
        return batch
    }
}
