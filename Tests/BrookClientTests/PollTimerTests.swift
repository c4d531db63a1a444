@testable import BrookClient
import XCTest

final class PollTimerTests: XCTestCase {
    private let start = ContinuousClock.now

    func testExpiresOnlyAfterTheIntervalWithoutAPoll() {
        var timer = PollTimer(interval: .seconds(300))
        XCTAssertFalse(timer.hasExpired(at: start + .seconds(10_000)), "nothing to time before the first poll")
        timer.pollStarted()
        timer.pollEnded(at: start)
        XCTAssertEqual(timer.deadline, start + .seconds(300))
        XCTAssertFalse(timer.hasExpired(at: start + .seconds(300)))
        XCTAssertTrue(timer.hasExpired(at: start + .seconds(300) + .milliseconds(1)))
        timer.pollStarted()
        timer.pollEnded(at: start + .seconds(299))
        XCTAssertFalse(timer.hasExpired(at: start + .seconds(500)), "a poll starts the interval again")
    }

    func testAPollInProgressNeverExpires() {
        var timer = PollTimer(interval: .milliseconds(100))
        timer.pollStarted()
        timer.pollEnded(at: start)
        timer.pollStarted()
        XCTAssertNil(timer.deadline)
        XCTAssertFalse(timer.hasExpired(at: start + .seconds(60)), "a long poll is not a stalled application")
        timer.pollEnded(at: start + .seconds(60))
        XCTAssertTrue(timer.hasExpired(at: start + .seconds(61)))
    }

    func testResetForgetsTheLastPoll() {
        var timer = PollTimer(interval: .milliseconds(100))
        timer.pollStarted()
        timer.pollEnded(at: start)
        timer.reset()
        XCTAssertFalse(timer.hasExpired(at: start + .seconds(1)))
    }

    func testMaxPollIntervalIsTheRebalanceTimeoutAndDefaultsToKafkas() throws {
        var config = ConsumerConfig()
        XCTAssertEqual(config.maxPollInterval, .milliseconds(300_000))
        try config.apply(["max.poll.interval.ms": "1500"])
        XCTAssertEqual(config.maxPollInterval, .milliseconds(1_500))
        XCTAssertEqual(config.rebalanceTimeout, .milliseconds(1_500))
    }
}
