@testable import BrookConnect
import XCTest

/// PollPause: the wait an idle poll makes ends early on wake() and stop().
final class FilePollPauseTests: XCTestCase {
    func testWakeEndsTheCurrentWaitOrTheNextOne() async {
        let pause = PollPause()
        let waiting = Task { await pause.wait(.seconds(30)) }
        try? await Task.sleep(for: .milliseconds(50))
        let woken = ContinuousClock.now
        pause.wake()
        await waiting.value
        XCTAssertLessThan(ContinuousClock.now - woken, .seconds(5))

        pause.wake()  // nobody waits: the next wait returns at once
        let start = ContinuousClock.now
        await pause.wait(.seconds(30))
        XCTAssertLessThan(ContinuousClock.now - start, .seconds(5))
    }

    func testAfterStopEveryWaitReturnsAtOnce() async {
        let pause = PollPause()
        pause.stop()
        let start = ContinuousClock.now
        await pause.wait(.seconds(30))
        await pause.wait(.seconds(30))
        XCTAssertTrue(pause.isStopped)
        XCTAssertLessThan(ContinuousClock.now - start, .seconds(5))
    }

    func testAWaitWithoutWakeLastsItsDuration() async {
        let pause = PollPause()
        let start = ContinuousClock.now
        await pause.wait(.milliseconds(200))
        XCTAssertGreaterThanOrEqual(ContinuousClock.now - start, .milliseconds(200))
    }
}
