@testable import BrookBroker
import BrookProtocol
import NIOConcurrencyHelpers
import NIOCore
import NIOEmbedded
import XCTest

/// The follower's connection to its leader: answers framed and matched to requests in order.
final class ReplicaFetcherLeaderConnectionTests: XCTestCase {
    private func pending(_ channel: EmbeddedChannel, correlationId: Int32) -> PendingLeaderRequest {
        PendingLeaderRequest(frame: ByteBuffer(bytes: [0, 0, 0, 1, UInt8(correlationId)]), correlationId: correlationId,
                             responseHeaderVersion: 0, promise: channel.eventLoop.makePromise(of: ByteBuffer.self))
    }

    private func answer(_ correlationId: Int32, body: [UInt8]) -> ByteBuffer {
        var frame = ByteBuffer()
        KafkaFrame.write(into: &frame) { out in
            ResponseHeader(correlationId: correlationId).encode(into: &out, headerVersion: 0)
            out.writeBytes(body)
        }
        return frame
    }

    /// The future's result if it has one (an embedded loop runs callbacks at once).
    private func outcome(_ future: EventLoopFuture<ByteBuffer>) -> Result<ByteBuffer, Error>? {
        let result = NIOLockedValueBox<Result<ByteBuffer, Error>?>(nil)
        future.whenComplete { completed in result.withLockedValue { $0 = completed } }
        return result.withLockedValue { $0 }
    }

    func testAnswersSplitAcrossReadsCompleteTheirRequestsInOrder() throws {
        let channel = EmbeddedChannel(handler: LeaderResponseHandler(maxFrameSize: 1 << 20))
        let first = pending(channel, correlationId: 1)
        let second = pending(channel, correlationId: 2)
        try channel.writeOutbound(first)
        try channel.writeOutbound(second)
        XCTAssertEqual(try channel.readOutbound(as: ByteBuffer.self), first.frame)
        XCTAssertEqual(try channel.readOutbound(as: ByteBuffer.self), second.frame)

        var both = answer(1, body: [7, 7])
        var tail = answer(2, body: [9])
        both.writeBuffer(&tail)
        let split = both.readSlice(length: 5)!
        try channel.writeInbound(split)
        XCTAssertNil(outcome(first.promise.futureResult), "half a frame answers nothing")
        try channel.writeInbound(both)
        XCTAssertEqual(try outcome(first.promise.futureResult)?.get(), ByteBuffer(bytes: [7, 7]))
        XCTAssertEqual(try outcome(second.promise.futureResult)?.get(), ByteBuffer(bytes: [9]))
        _ = try channel.finish()
    }

    func testAMismatchedAnswerOrAClosedConnectionFailsWhatWaits() throws {
        let channel = EmbeddedChannel(handler: LeaderResponseHandler(maxFrameSize: 1 << 20))
        let first = pending(channel, correlationId: 1)
        let second = pending(channel, correlationId: 2)
        try channel.writeOutbound(first)
        try channel.writeOutbound(second)
        try channel.writeInbound(answer(5, body: []))
        XCTAssertThrowsError(try XCTUnwrap(outcome(first.promise.futureResult)).get()) { error in
            XCTAssertEqual(error as? LeaderConnectionError, .unexpectedCorrelation(expected: 1, got: 5))
        }
        XCTAssertThrowsError(try XCTUnwrap(outcome(second.promise.futureResult)).get())
        XCTAssertFalse(channel.isActive, "a connection out of step is dropped")

        let other = EmbeddedChannel(handler: LeaderResponseHandler(maxFrameSize: 1 << 20))
        let waiting = pending(other, correlationId: 1)
        try other.writeOutbound(waiting)
        _ = try other.finish(acceptAlreadyClosed: true)
        XCTAssertThrowsError(try XCTUnwrap(outcome(waiting.promise.futureResult)).get()) { error in
            XCTAssertEqual(error as? LeaderConnectionError, .closed)
        }
    }
}
