@testable import BrookClient
import BrookProtocol
import BrookRecords
import NIOCore
import XCTest

final class FetchedPartitionTests: XCTestCase {
    private let partition = TopicPartition("t", 0)

    private func batch(base: Int64, values: [String], producerId: Int64 = -1, transactional: Bool = false) throws -> ByteBuffer {
        var builder = RecordBatchBuilder(baseOffset: base, producerId: producerId, producerEpoch: producerId >= 0 ? 0 : -1,
                                         baseSequence: producerId >= 0 ? 0 : -1, isTransactional: transactional)
        for value in values { builder.append(key: nil, value: ByteBuffer(string: value), timestamp: 100) }
        return try builder.build()
    }

    private func marker(_ type: ControlRecordType, at offset: Int64, producerId: Int64) throws -> ByteBuffer {
        try RecordBatch.control(type, coordinatorEpoch: 0, producerId: producerId, producerEpoch: 0, timestamp: 100, baseOffset: offset).encode()
    }

    private func values(_ fetched: FetchedPartition) -> [String] {
        fetched.records.map { String(buffer: $0.value!) }
    }

    func testSkipsRecordsBeforeThePositionInsideABatch() throws {
        var data = try batch(base: 0, values: ["a", "b", "c"])
        var second = try batch(base: 3, values: ["d"])
        data.writeBuffer(&second)
        let fetched = try FetchedPartition(partition: partition, records: data, position: 1, abortedTransactions: nil, isolation: .readUncommitted)
        XCTAssertEqual(values(fetched), ["b", "c", "d"])
        XCTAssertEqual(fetched.records.map(\.offset), [1, 2, 3])
        XCTAssertEqual(fetched.nextPosition, 4)
    }

    func testTrailingPartialBatchIsLeftForTheNextFetch() throws {
        var data = try batch(base: 0, values: ["a"])
        let second = try batch(base: 1, values: ["b"])
        data.writeBytes(second.readableBytesView.prefix(second.readableBytes - 3))
        let fetched = try FetchedPartition(partition: partition, records: data, position: 0, abortedTransactions: nil, isolation: .readUncommitted)
        XCTAssertEqual(values(fetched), ["a"])
        XCTAssertEqual(fetched.nextPosition, 1)
    }

    func testCorruptBatchIsAnError() throws {
        var data = try batch(base: 0, values: ["hello"])
        data.setInteger(UInt8(0xFF), at: data.writerIndex - 1)
        XCTAssertThrowsError(try FetchedPartition(partition: partition, records: data, position: 0, abortedTransactions: nil, isolation: .readUncommitted))
    }

    func testReadCommittedDropsAbortedTransactionsAndControlBatches() throws {
        // 0-1 committed txn of producer 7, 2 commit marker, 3-4 aborted txn of producer 8, 5 abort marker, 6 plain.
        var data = try batch(base: 0, values: ["c1", "c2"], producerId: 7, transactional: true)
        var parts = [
            try marker(.commit, at: 2, producerId: 7),
            try batch(base: 3, values: ["x1", "x2"], producerId: 8, transactional: true),
            try marker(.abort, at: 5, producerId: 8),
            try batch(base: 6, values: ["plain"]),
        ]
        for index in parts.indices { data.writeBuffer(&parts[index]) }
        let aborted = [FetchResponse.AbortedTransaction(producerId: 8, firstOffset: 3)]

        let committed = try FetchedPartition(partition: partition, records: data, position: 0, abortedTransactions: aborted, isolation: .readCommitted)
        XCTAssertEqual(values(committed), ["c1", "c2", "plain"])
        XCTAssertEqual(committed.nextPosition, 7)

        let uncommitted = try FetchedPartition(partition: partition, records: data, position: 0, abortedTransactions: aborted, isolation: .readUncommitted)
        XCTAssertEqual(values(uncommitted), ["c1", "c2", "x1", "x2", "plain"], "control batches are never records")
    }

    func testEmptyOrNilRecordsKeepThePosition() throws {
        let fetched = try FetchedPartition(partition: partition, records: nil, position: 42, abortedTransactions: nil, isolation: .readUncommitted)
        XCTAssertTrue(fetched.records.isEmpty)
        XCTAssertEqual(fetched.nextPosition, 42)
    }
}
