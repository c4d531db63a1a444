@testable import brook
import BrookClient
import BrookProtocol
import XCTest

final class ProduceTallyTests: XCTestCase {
    func testFailuresAreNumberedAndCounted() {
        let tally = ProduceTally()
        tally.succeeded()
        let line = tally.fail(line: 2, KafkaClientError.server(.messageTooLarge, message: "record of 9 bytes exceeds max.request.size 8", context: "produce to t"))
        XCTAssertEqual(line, "line 2: produce to t: MESSAGE_TOO_LARGE (record of 9 bytes exceeds max.request.size 8)")
        tally.succeeded()
        _ = tally.fail(line: 4, KafkaClientError.server(.invalidRecord, message: nil, context: "produce to t-0"))
        XCTAssertEqual(tally.delivered, 2)
        XCTAssertEqual(tally.failed, 2)
        XCTAssertEqual(tally.firstFailedLine, 2)
        XCTAssertEqual(tally.summary(topic: "t"), "produced 2 record(s) to t, 2 failed")
        XCTAssertEqual(ProduceTally().summary(topic: "t"), "produced 0 record(s) to t")
    }

    func testOnlyRecordErrorsLetTheNextLinesGoOn() {
        XCTAssertTrue(ProduceTally.concernsTheLineAlone(KafkaClientError.server(.messageTooLarge, message: nil, context: "")))
        XCTAssertTrue(ProduceTally.concernsTheLineAlone(KafkaClientError.server(.invalidRecord, message: nil, context: "")))
        XCTAssertFalse(ProduceTally.concernsTheLineAlone(KafkaClientError.noBrokersAvailable(tried: ["a:1"], lastError: nil)))
        XCTAssertFalse(ProduceTally.concernsTheLineAlone(KafkaClientError.invalidArgument("partition 5 of t does not exist (it has 1)")))
        XCTAssertFalse(ProduceTally.concernsTheLineAlone(KafkaClientError.timedOut("metadata")))
        XCTAssertFalse(ProduceTally.concernsTheLineAlone(CancellationError()))
    }
}
