@testable import BrookBroker
import BrookProtocol
import NIOCore
import XCTest

/// A parked follower fetch watches each partition's log end, not the high watermark it holds back.
final class DelayedReplicaFetchStateTests: XCTestCase {
    private func result(highWatermark: Int64, logEnd: Int64?) -> FetchResult {
        var response = FetchResponse()
        response.responses = [.init(topic: "t", partitions: [.init(
            partitionIndex: 0, errorCode: 0, highWatermark: highWatermark, lastStableOffset: highWatermark,
            logStartOffset: 0, abortedTransactions: nil, records: ByteBuffer())])]
        return FetchResult(response: response, files: [], satisfied: false,
                           replicaLogEnds: logEnd.map { ["t": [0: $0]] } ?? [:])
    }

    private func registered(_ actions: [DelayedFetchState.Action]) -> [Int64]? {
        guard actions.count == 1, case .register(let observed) = actions[0] else { return nil }
        return observed
    }

    func testAFollowerFetchRegistersWithTheLogEndItRead() {
        var s = DelayedFetchState(watched: [("t", 0)], initial: result(highWatermark: 2, logEnd: 9), watchesLogEnd: true)
        XCTAssertEqual(registered(s.start()), [9])
        _ = s.dataArrived()
        let again = s.attemptFinished(.success(result(highWatermark: 3, logEnd: 10)))
        XCTAssertEqual(again.count, 2, "the unsatisfied read is discarded and the fetch parks again")
        XCTAssertEqual(registered(Array(again.dropFirst())), [10])
    }

    func testAConsumerFetchStillRegistersWithTheHighWatermark() {
        let s = DelayedFetchState(watched: [("t", 0)], initial: result(highWatermark: 2, logEnd: 9))
        XCTAssertEqual(registered(s.start()), [2])
    }

    func testAPartitionMissingFromAFollowerReadWakesAtOnce() {
        let s = DelayedFetchState(watched: [("t", 0)], initial: result(highWatermark: 2, logEnd: nil), watchesLogEnd: true)
        XCTAssertEqual(registered(s.start()), [-1], "-1 differs from any log end, so the partition wakes the fetch")
    }
}
