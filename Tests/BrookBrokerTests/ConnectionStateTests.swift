import BrookBroker
@testable import BrookServer
import NIOCore
import XCTest

/// `ConnectionState` driven without sockets: in-flight bound, backpressure, order, timeouts.
final class ConnectionStateTests: XCTestCase {
    private let t0 = NIODeadline.uptimeNanoseconds(1_000_000_000)

    private func state(maxInFlight: Int = 2, readTimeout: TimeAmount? = .seconds(30),
                       idle: TimeAmount? = .seconds(600)) -> ConnectionState {
        ConnectionState(limits: .init(maxInFlight: maxInFlight, requestReadTimeout: readTimeout, idleTimeout: idle), now: t0)
    }

    private func frame(_ tag: UInt8) -> ByteBuffer { ByteBuffer(bytes: [tag]) }

    private func response(_ tag: UInt8) -> OutboundFrame { OutboundFrame(parts: [.byteBuffer(ByteBuffer(bytes: [tag]))]) }

    private func tags(_ frames: [OutboundFrame]) -> [UInt8] {
        frames.map { frame -> UInt8 in
            guard case .byteBuffer(let b) = frame.parts[0] else { return 0 }
            return b.getInteger(at: b.readerIndex) ?? 0
        }
    }

    func testRequestsBeyondTheInFlightBoundWaitAndTheSocketIsNotRead() {
        var s = state(maxInFlight: 2)
        var started: [UInt64] = []
        for i in 0..<5 { started += s.frameReceived(frame(UInt8(i)), now: t0).start.map(\.id) }
        XCTAssertEqual(started, [0, 1])
        XCTAssertEqual(s.inFlightCount, 2)
        XCTAssertEqual(s.heldCount, 3)
        XCTAssertFalse(s.mayRead)
        XCTAssertFalse(s.readRequested().read, "a muted connection must not read")

        // The second answer is ready first: nothing goes out before the first.
        var effects = s.responseReady(id: 1, response(1), now: t0)
        XCTAssertTrue(effects.write.isEmpty)
        XCTAssertTrue(effects.start.isEmpty)
        effects = s.responseReady(id: 0, response(0), now: t0)
        XCTAssertEqual(tags(effects.write), [0, 1])
        XCTAssertEqual(effects.start.map(\.id), [2, 3])
        XCTAssertEqual(effects.start.map { $0.frame.getInteger(at: 0, as: UInt8.self) }, [2, 3])
        XCTAssertFalse(effects.read, "one frame is still held")

        effects = s.responseReady(id: 2, nil, now: t0)  // acks=0: nothing to write
        XCTAssertTrue(effects.write.isEmpty)
        XCTAssertEqual(effects.start.map(\.id), [4])
        XCTAssertFalse(effects.read, "the bound is reached again")
        XCTAssertEqual(s.inFlightCount, 2)
        effects = s.responseReady(id: 3, response(3), now: t0)
        XCTAssertEqual(tags(effects.write), [3])
        XCTAssertTrue(effects.read, "the withheld read resumes below the bound")
        XCTAssertEqual(s.inFlightCount, 1)
    }

    /// Many large requests cannot pile up: past `maxInFlightBytes` of owed request frames the socket
    /// is not read, but a single request larger than the bound still runs.
    func testRequestBytesInFlightAreBounded() {
        var s = ConnectionState(limits: .init(maxInFlight: 100, maxInFlightBytes: 1000, requestReadTimeout: nil,
                                              idleTimeout: nil), now: t0)
        let big = ByteBuffer(repeating: 1, count: 600)
        XCTAssertEqual(s.frameReceived(big, now: t0).start.map(\.id), [0])
        XCTAssertTrue(s.mayRead, "600 of 1000 bytes in flight")
        XCTAssertEqual(s.frameReceived(big, now: t0).start.map(\.id), [1])
        XCTAssertEqual(s.inFlightBytes, 1200)
        XCTAssertFalse(s.mayRead, "the byte bound is reached")
        XCTAssertTrue(s.frameReceived(big, now: t0).start.isEmpty, "a third waits")
        XCTAssertEqual(s.heldCount, 1)
        var effects = s.responseReady(id: 0, response(0), now: t0)
        XCTAssertEqual(effects.start.map(\.id), [2], "the held request starts once bytes are answered")
        XCTAssertEqual(s.inFlightBytes, 1200)
        effects = s.responseReady(id: 1, response(1), now: t0)
        effects = s.responseReady(id: 2, response(2), now: t0)
        XCTAssertEqual(s.inFlightBytes, 0)
        XCTAssertTrue(s.mayRead)
        // One request above the bound still runs, alone.
        XCTAssertEqual(s.frameReceived(ByteBuffer(repeating: 1, count: 5000), now: t0).start.map(\.id), [3])
        XCTAssertFalse(s.mayRead)
        XCTAssertTrue(s.frameReceived(ByteBuffer(repeating: 1, count: 10), now: t0).start.isEmpty)
        XCTAssertEqual(s.connectionClosed().discard.count, 0)
        XCTAssertEqual(s.inFlightBytes, 0, "a closed connection holds nothing")
    }

    func testUnwritableChannelStopsReadingUntilItDrains() {
        var s = state(maxInFlight: 100)
        XCTAssertTrue(s.readRequested().read)
        _ = s.writabilityChanged(false, now: t0)
        XCTAssertFalse(s.readRequested().read)
        XCTAssertFalse(s.writabilityChanged(false, now: t0).read)
        XCTAssertTrue(s.writabilityChanged(true, now: t0).read)
        XCTAssertTrue(s.readRequested().read)
    }

    func testIncompleteRequestIsCutOffAfterTheReadTimeout() {
        var s = state(readTimeout: .seconds(2), idle: .seconds(600))
        s.partialFrameStarted(now: t0 + .milliseconds(500))
        XCTAssertEqual(s.nextDeadline, t0 + .milliseconds(2500))
        // Bytes keep trickling in (activity), but the request is still not complete.
        XCTAssertNil(s.timerFired(now: t0 + .milliseconds(2499)).close)
        XCTAssertNotNil(s.timerFired(now: t0 + .milliseconds(2500)).close)
    }

    func testCompletedRequestClearsTheReadTimeout() {
        var s = state(readTimeout: .seconds(2), idle: nil)
        s.partialFrameStarted(now: t0)
        _ = s.frameReceived(frame(0), now: t0 + .seconds(1))
        XCTAssertNil(s.nextDeadline)
        XCTAssertNil(s.timerFired(now: t0 + .seconds(10)).close)
    }

    func testReadTimeoutDoesNotRunWhileTheBrokerIsNotReading() {
        var s = state(maxInFlight: 1, readTimeout: .seconds(2), idle: nil)
        _ = s.frameReceived(frame(0), now: t0)
        s.partialFrameStarted(now: t0)
        XCTAssertFalse(s.mayRead)
        // Muted: the client cannot finish its request, so the clock starts again.
        XCTAssertNil(s.timerFired(now: t0 + .seconds(3)).close)
        let effects = s.responseReady(id: 0, response(0), now: t0 + .seconds(4))
        XCTAssertEqual(tags(effects.write), [0])
        XCTAssertNil(s.timerFired(now: t0 + .seconds(5)).close)
        XCTAssertNotNil(s.timerFired(now: t0 + .seconds(6)).close)
    }

    func testIdleConnectionIsClosedAndActivityKeepsItOpen() {
        var s = state(readTimeout: nil, idle: .seconds(10))
        XCTAssertEqual(s.nextDeadline, t0 + .seconds(10))
        _ = s.frameReceived(frame(0), now: t0 + .seconds(5))
        XCTAssertNil(s.timerFired(now: t0 + .seconds(10)).close)
        s.wrote(now: t0 + .seconds(12))
        XCTAssertNil(s.timerFired(now: t0 + .seconds(21)).close)
        XCTAssertNotNil(s.timerFired(now: t0 + .seconds(22)).close)
    }

    func testNoTimeoutsWhenDisabled() {
        var s = state(readTimeout: nil, idle: nil)
        s.partialFrameStarted(now: t0)
        XCTAssertNil(s.nextDeadline)
        XCTAssertNil(s.timerFired(now: t0 + .hours(1000)).close)
    }

    func testShutdownDropsHeldFramesAndClosesOnceEverythingOwedIsWritten() {
        var s = state(maxInFlight: 1)
        _ = s.frameReceived(frame(0), now: t0)
        _ = s.frameReceived(frame(1), now: t0)
        XCTAssertNil(s.shutdownRequested().close)
        XCTAssertTrue(s.frameReceived(frame(2), now: t0).start.isEmpty)
        let effects = s.responseReady(id: 0, response(0), now: t0)
        XCTAssertEqual(tags(effects.write), [0])
        XCTAssertTrue(effects.start.isEmpty, "held frames do not start during shutdown")
        XCTAssertNotNil(effects.close)
        XCTAssertTrue(effects.closeWhenWritten, "the last answers still go out")
    }

    func testTimeoutsCloseAtOnceNotAfterPendingWrites() {
        var s = state(readTimeout: nil, idle: .seconds(1))
        let effects = s.timerFired(now: t0 + .seconds(1))
        XCTAssertNotNil(effects.close)
        XCTAssertFalse(effects.closeWhenWritten, "a client that never reads would keep it open")
    }

    func testClosedConnectionDiscardsReadyAndLateAnswers() {
        var s = state(maxInFlight: 3)
        for i in 0..<3 { _ = s.frameReceived(frame(UInt8(i)), now: t0) }
        _ = s.responseReady(id: 1, response(1), now: t0)
        XCTAssertEqual(tags(s.connectionClosed().discard), [1])
        let late = s.responseReady(id: 0, response(0), now: t0)
        XCTAssertEqual(tags(late.discard), [0])
        XCTAssertTrue(late.write.isEmpty)
        XCTAssertNil(s.nextDeadline)
    }
}
