@testable import BrookBroker
import BrookProtocol
import XCTest

/// The terms of a coordinator shard: loads on election, serves once loaded, reloads at a new epoch,
/// resigns, and never lets work of an ended term count.
final class CoordinatorShardLifecycleTests: XCTestCase {
    func testSingleNodeLoadsOnceAndServes() {
        var lifecycle = CoordinatorShardLifecycle()
        XCTAssertEqual(lifecycle.unavailableError, .coordinatorLoadInProgress, "before the topic is open")
        guard case .load(let generation, let unloadFirst) = lifecycle.elected(leaderEpoch: 0) else {
            return XCTFail("an election loads")
        }
        XCTAssertFalse(unloadFirst)
        XCTAssertEqual(lifecycle.unavailableError, .coordinatorLoadInProgress)
        XCTAssertTrue(lifecycle.loaded(generation: generation))
        XCTAssertNil(lifecycle.unavailableError)
        XCTAssertEqual(lifecycle.elected(leaderEpoch: 0), .ignore, "the same term again")
    }

    func testANewEpochReloadsAndTheOldTermsWorkIsStale() {
        var lifecycle = CoordinatorShardLifecycle()
        guard case .load(let first, _) = lifecycle.elected(leaderEpoch: 1) else { return XCTFail() }
        XCTAssertTrue(lifecycle.loaded(generation: first))
        guard case .load(let second, let unloadFirst) = lifecycle.elected(leaderEpoch: 3) else { return XCTFail() }
        XCTAssertTrue(unloadFirst, "the served term's state is dropped first")
        XCTAssertFalse(lifecycle.isCurrent(first))
        XCTAssertFalse(lifecycle.loaded(generation: first), "the old replay cannot activate the new term")
        XCTAssertTrue(lifecycle.loaded(generation: second))
    }

    func testResignationDuringALoadStopsIt() {
        var lifecycle = CoordinatorShardLifecycle()
        guard case .load(let generation, _) = lifecycle.elected(leaderEpoch: 1) else { return XCTFail() }
        XCTAssertTrue(lifecycle.resigned(), "a loading term is dropped")
        XCTAssertEqual(lifecycle.unavailableError, .notCoordinator)
        XCTAssertFalse(lifecycle.loaded(generation: generation))
        XCTAssertEqual(lifecycle.unavailableError, .notCoordinator)
        XCTAssertFalse(lifecycle.resigned(), "nothing left to drop")
        guard case .load(_, let unloadFirst) = lifecycle.elected(leaderEpoch: 1) else {
            return XCTFail("elected again at the same epoch after resigning: loads again")
        }
        XCTAssertFalse(unloadFirst)
    }

    func testAClusterShardThatNeverLedResignsWithNothingToDrop() {
        var lifecycle = CoordinatorShardLifecycle()
        XCTAssertFalse(lifecycle.resigned())
        XCTAssertEqual(lifecycle.unavailableError, .notCoordinator)
    }

    func testCloseIsFinal() {
        var lifecycle = CoordinatorShardLifecycle()
        guard case .load(let generation, _) = lifecycle.elected(leaderEpoch: 0) else { return XCTFail() }
        XCTAssertTrue(lifecycle.close())
        XCTAssertFalse(lifecycle.close())
        XCTAssertFalse(lifecycle.loaded(generation: generation))
        XCTAssertEqual(lifecycle.elected(leaderEpoch: 5), .ignore)
        XCTAssertFalse(lifecycle.resigned())
        XCTAssertEqual(lifecycle.unavailableError, .notCoordinator)
    }
}
