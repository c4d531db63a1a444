import BrookCoordination
import NIOCore
import XCTest

final class TransactionLogRecordTests: XCTestCase {
    func testKeyAndValueRoundTripInKafkasV1Layout() throws {
        var m = TransactionMetadata(transactionalId: "tx-1", producerId: 42, producerEpoch: 3, timeoutMs: 60_000,
                                    state: .prepareCommit, lastUpdateTimestamp: 1_700_000_000_123)
        m.partitions = [.init(topic: "b", partition: 2), .init(topic: "a", partition: 0), .init(topic: "b", partition: 1)]
        m.startTimestamp = 1_700_000_000_000
        let key = TransactionLogRecord.encodeKey(transactionalId: "tx-1")
        XCTAssertEqual(Array(key.readableBytesView), [0, 0, 0, 4] + Array("tx-1".utf8))
        XCTAssertEqual(try TransactionLogRecord.decodeKey(key), "tx-1")

        let value = TransactionLogRecord.encodeValue(m)
        // version 1, producer id, epoch, timeout, state id 2 (PrepareCommit), then two topics (compact count 3).
        XCTAssertEqual(Array(value.readableBytesView.prefix(18)),
                       [0, 1, 0, 0, 0, 0, 0, 0, 0, 42, 0, 3, 0, 0, 0xEA, 0x60, 2, 3])
        XCTAssertEqual(try TransactionLogRecord.decodeValue(transactionalId: "tx-1", value), m)
    }

    func testMalformedAndUnknownVersionsAreRejected() {
        XCTAssertThrowsError(try TransactionLogRecord.decodeKey(ByteBuffer(bytes: [0, 1, 0, 0]))) {
            XCTAssertEqual($0 as? TransactionLogRecord.DecodeError, .unsupportedKeyVersion(1))
        }
        XCTAssertThrowsError(try TransactionLogRecord.decodeValue(transactionalId: "x", ByteBuffer(bytes: [0, 0, 1]))) {
            XCTAssertEqual($0 as? TransactionLogRecord.DecodeError, .malformed)
        }
        var huge = TransactionLogRecord.encodeValue(TransactionMetadata(
            transactionalId: "x", producerId: 1, producerEpoch: 0, timeoutMs: 1, state: .empty, lastUpdateTimestamp: 0))
        huge.setInteger(Int32.max, at: 17)
        XCTAssertThrowsError(try TransactionLogRecord.decodeValue(transactionalId: "x", huge))
    }
}
