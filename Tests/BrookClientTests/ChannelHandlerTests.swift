@testable import BrookClient
import BrookProtocol
import NIOCore
import NIOEmbedded
import XCTest

final class ChannelHandlerTests: XCTestCase {
    private func makeChannel() throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(KafkaClientChannelHandler(broker: "test", maxFrameSize: 1 << 20))
        return channel
    }

    private func request(_ channel: EmbeddedChannel, timeout: TimeAmount = .seconds(5)) -> EventLoopPromise<ByteBuffer> {
        let frame = BrokerConnection.encodeFrame(
            MetadataRequest(topics: []), version: 1, clientId: "c", allocator: channel.allocator)
        let promise = channel.eventLoop.makePromise(of: ByteBuffer.self)
        channel.writeAndFlush(OutboundKafkaRequest(frame: frame, api: .metadata, responseHeaderVersion: 0,
                                           responsePromise: promise, timeout: timeout), promise: nil)
        return promise
    }

    private func response(correlationId: Int32, payload: [UInt8]) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeInteger(Int32(4 + payload.count))
        buffer.writeInteger(correlationId)
        buffer.writeBytes(payload)
        return buffer
    }

    func testPipelinedRequestsGetIncreasingCorrelationIdsAndTheirOwnResponses() throws {
        let channel = try makeChannel()
        let first = request(channel)
        let second = request(channel)
        var written1 = try XCTUnwrap(channel.readOutbound(as: ByteBuffer.self))
        var written2 = try XCTUnwrap(channel.readOutbound(as: ByteBuffer.self))
        written1.moveReaderIndex(forwardBy: 8)
        written2.moveReaderIndex(forwardBy: 8)
        XCTAssertEqual(written1.readInteger(as: Int32.self), 1)
        XCTAssertEqual(written2.readInteger(as: Int32.self), 2)

        // Both responses in one read, the second split across two reads.
        var both = response(correlationId: 1, payload: [0xAA])
        let secondFrame = response(correlationId: 2, payload: [0xBB, 0xCC])
        both.writeBytes(secondFrame.readableBytesView.prefix(5))
        try channel.writeInbound(both)
        XCTAssertEqual(try first.futureResult.wait().readableBytesView.map { $0 }, [0xAA])
        try channel.writeInbound(ByteBuffer(bytes: secondFrame.readableBytesView.dropFirst(5)))
        XCTAssertEqual(try second.futureResult.wait().readableBytesView.map { $0 }, [0xBB, 0xCC])
        _ = try channel.finish()
    }

    func testUnexpectedCorrelationIdClosesTheConnection() throws {
        let channel = try makeChannel()
        let pending = request(channel)
        _ = try channel.readOutbound(as: ByteBuffer.self)
        _ = try? channel.writeInbound(response(correlationId: 7, payload: []))
        XCTAssertThrowsError(try pending.futureResult.wait()) { error in
            guard case .protocolViolation = error as? KafkaClientError else { return XCTFail("\(error)") }
        }
        XCTAssertFalse(channel.isActive)
    }

    func testTimeoutFailsTheRequestAndClosesTheConnection() throws {
        let channel = try makeChannel()
        let pending = request(channel, timeout: .milliseconds(100))
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(150))
        XCTAssertThrowsError(try pending.futureResult.wait()) { error in
            guard case .requestTimedOut(.metadata, "test") = error as? KafkaClientError else { return XCTFail("\(error)") }
        }
        XCTAssertFalse(channel.isActive)
    }

    func testCloseFailsOutstandingRequests() throws {
        let channel = try makeChannel()
        let pending = request(channel)
        channel.pipeline.fireChannelInactive()
        XCTAssertThrowsError(try pending.futureResult.wait()) { error in
            guard case .connectionClosed = error as? KafkaClientError else { return XCTFail("\(error)") }
        }
    }
}
