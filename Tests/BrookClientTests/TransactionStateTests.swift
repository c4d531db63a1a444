@testable import BrookClient
import BrookProtocol
import XCTest

final class TransactionStateTests: XCTestCase {
    private let partition = TopicPartition("t", 0)

    private func open() throws -> TransactionState {
        var state = TransactionState()
        try state.initialized()
        try state.begin()
        return state
    }

    func testSendsWaitForAddPartitionsOnePassAtATime() throws {
        var state = TransactionState()
        XCTAssertNotNil(state.acceptError(), "no transaction before initTransactions/beginTransaction")
        XCTAssertThrowsError(try state.begin())
        state = try open()
        XCTAssertNil(state.acceptError())
        XCTAssertFalse(state.canSend(partition))
        XCTAssertEqual(state.takePartitionsToAdd(), [partition])
        XCTAssertFalse(state.canSend(TopicPartition("t", 1)))
        XCTAssertEqual(state.takePartitionsToAdd(), [], "one AddPartitionsToTxn at a time")
        state.addFinished(succeeded: [partition])
        XCTAssertTrue(state.canSend(partition))
        XCTAssertTrue(state.startedOnCoordinator)
        XCTAssertEqual(state.takePartitionsToAdd(), [TopicPartition("t", 1)])
    }

    func testAFailedSendOnlyAllowsAbort() throws {
        var state = try open()
        state.failed(.server(.invalidRecord, message: nil, context: "produce"))
        XCTAssertEqual(state.phase, .abortableError)
        XCTAssertEqual(state.acceptError()?.errorCode, .invalidRecord)
        XCTAssertThrowsError(try state.beginEnd(commit: true))
        XCTAssertNoThrow(try state.beginEnd(commit: false))
        state.ended()
        XCTAssertEqual(state.phase, .ready)
        XCTAssertNil(state.error)
        XCTAssertNoThrow(try state.begin())
    }

    func testFencingIsFatal() throws {
        for code in [ErrorCode.producerFenced, .invalidProducerEpoch] {
            var state = try open()
            state.failed(.server(code, message: nil, context: "AddPartitionsToTxn"))
            XCTAssertEqual(state.phase, .fatalError)
            XCTAssertThrowsError(try state.beginEnd(commit: false)) { XCTAssertEqual(($0 as? KafkaClientError)?.errorCode, code) }
            XCTAssertThrowsError(try state.begin())
            state.failed(.server(.invalidRecord, message: nil, context: "later"))
            XCTAssertEqual(state.error?.errorCode, code, "the first fatal error stays")
        }
    }

    func testAbortStopsAddingPartitions() throws {
        var state = try open()
        XCTAssertFalse(state.canSend(partition))
        try state.beginEnd(commit: false)
        XCTAssertEqual(state.takePartitionsToAdd(), [])
        XCTAssertFalse(state.canSend(TopicPartition("t", 9)))
        state.failed(.server(.invalidRecord, message: nil, context: "aborted batch"))
        XCTAssertEqual(state.phase, .aborting, "batches failed by the abort do not change it")
    }
}
