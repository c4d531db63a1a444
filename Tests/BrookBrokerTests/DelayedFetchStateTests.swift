@testable import BrookBroker
import BrookProtocol
import NIOCore
import XCTest

/// `DelayedFetchState` driven without I/O: one read at a time, answer once, abandon at once.
final class DelayedFetchStateTests: XCTestCase {
    private struct Failure: Error {}

    private func result(highWatermark: Int64, satisfied: Bool, records: ByteBuffer? = nil) -> FetchResult {
        var response = FetchResponse()
        response.responses = [.init(topic: "t", partitions: [.init(
            partitionIndex: 0, errorCode: 0, highWatermark: highWatermark, lastStableOffset: highWatermark,
            logStartOffset: 0, abortedTransactions: nil, records: records)])]
        return FetchResult(response: response, files: [], satisfied: satisfied)
    }

    private func describe(_ actions: [DelayedFetchState.Action]) -> [String] {
        actions.map { action in
            switch action {
            case .runAttempt: return "run"
            case .register(let observed): return "register \(observed)"
            case .discard: return "discard"
            case .complete(.success(let r)): return r.satisfied ? "complete" : "complete unsatisfied"
            case .complete(.failure): return "fail"
            }
        }
    }

    private func makeState() -> DelayedFetchState {
        DelayedFetchState(watched: [("t", 0)], initial: result(highWatermark: 5, satisfied: false))
    }

    func testWaitsForAppendsAndAnswersOnceSatisfied() {
        var s = makeState()
        XCTAssertEqual(describe(s.start()), ["register [5]"])
        XCTAssertEqual(describe(s.dataArrived()), ["run"])
        XCTAssertEqual(describe(s.dataArrived()), [], "one read at a time")
        // Not enough yet, and an append arrived meanwhile: read again at once.
        XCTAssertEqual(describe(s.attemptFinished(.success(result(highWatermark: 6, satisfied: false)))), ["discard", "run"])
        XCTAssertEqual(describe(s.attemptFinished(.success(result(highWatermark: 7, satisfied: false)))), ["discard", "register [7]"])
        XCTAssertEqual(describe(s.dataArrived()), ["run"])
        XCTAssertEqual(describe(s.attemptFinished(.success(result(highWatermark: 9, satisfied: true)))), ["complete"])
        XCTAssertEqual(describe(s.dataArrived()), [])
        XCTAssertEqual(describe(s.timedOut()), [])
    }

    func testTimeoutAnswersWithTheNextReadWhateverItHolds() {
        var s = makeState()
        _ = s.start()
        XCTAssertEqual(describe(s.dataArrived()), ["run"])
        XCTAssertEqual(describe(s.timedOut()), [], "the read in flight becomes the final one")
        XCTAssertEqual(describe(s.attemptFinished(.success(result(highWatermark: 5, satisfied: false)))), ["complete unsatisfied"])

        var t = makeState()
        _ = t.start()
        XCTAssertEqual(describe(t.timedOut()), ["run"])
        XCTAssertEqual(describe(t.attemptFinished(.success(result(highWatermark: 5, satisfied: false)))), ["complete unsatisfied"])
    }

    func testFailedReadFailsTheFetch() {
        var s = makeState()
        _ = s.dataArrived()
        XCTAssertEqual(describe(s.attemptFinished(.failure(Failure()))), ["fail"])
    }

    func testAbandonAnswersAtOnceWithNoRecordsAndDropsTheReadInFlight() {
        var s = DelayedFetchState(watched: [("t", 0)], initial: result(highWatermark: 5, satisfied: false, records: nil))
        _ = s.start()
        XCTAssertEqual(describe(s.dataArrived()), ["run"])
        let actions = s.abandon()
        XCTAssertEqual(describe(actions), ["complete"])
        if case .complete(.success(let answer)) = actions.first {
            let partition = answer.response.responses.first?.partitions.first
            XCTAssertEqual(partition?.highWatermark, 5)
            XCTAssertEqual(partition?.records, ByteBuffer(), "records are empty, not null")
            XCTAssertTrue(answer.files.isEmpty)
        }
        XCTAssertEqual(describe(s.attemptFinished(.success(result(highWatermark: 6, satisfied: true)))), ["discard"])
        XCTAssertEqual(describe(s.abandon()), [])
    }
}
