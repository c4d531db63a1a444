import BrookProtocol
@testable import BrookServer
import NIOCore
import NIOEmbedded
import XCTest

/// The frame decoder under arbitrary splits of the byte stream, and hostile size prefixes.
final class KafkaFrameDecoderTests: XCTestCase {
    /// Records frames and the decoder's `PartialFrame` events in arrival order.
    private final class Recorder: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        var events: [String] = []
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let frame = Self.unwrapInboundIn(data)
            events.append("frame \(frame.readableBytes)")
        }
        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if event is KafkaFrameDecoder.PartialFrame { events.append("partial") }
        }
    }

    private func channel(maxFrameSize: Int = 1 << 20) throws -> (EmbeddedChannel, Recorder) {
        let channel = EmbeddedChannel()
        let recorder = Recorder()
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(KafkaFrameDecoder(maxFrameSize: maxFrameSize)))
        try channel.pipeline.syncOperations.addHandler(recorder)
        return (channel, recorder)
    }

    func testRandomSplitsYieldTheFramesAndOnePartialEventPerSplitFrame() throws {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<100 {
            let sizes = (0..<Int.random(in: 1...8, using: &rng)).map { _ in Int.random(in: 0...300, using: &rng) }
            var stream = ByteBuffer()
            var ends: [Int] = []
            for size in sizes {
                stream.writeInteger(Int32(size))
                stream.writeRepeatingByte(7, count: size)
                ends.append(stream.writerIndex)
            }
            var cuts = Set((0..<Int.random(in: 0...10, using: &rng)).map { _ in Int.random(in: 1..<stream.readableBytes, using: &rng) })
            cuts.insert(stream.readableBytes)
            let (channel, recorder) = try channel()
            var expected: [String] = []
            var position = 0
            var frameIndex = 0
            var partialOpen = false
            for cut in cuts.sorted() {
                try channel.writeInbound(stream.getSlice(at: position, length: cut - position)!)
                position = cut
                while frameIndex < ends.count && ends[frameIndex] <= position {
                    expected.append("frame \(sizes[frameIndex])")
                    frameIndex += 1
                    partialOpen = false
                }
                let frameStart = frameIndex == 0 ? 0 : ends[frameIndex - 1]
                if frameIndex < ends.count && position > frameStart && !partialOpen {
                    expected.append("partial")
                    partialOpen = true
                }
            }
            XCTAssertEqual(recorder.events, expected, "sizes \(sizes) cuts \(cuts.sorted())")
            _ = try channel.finish()
        }
    }

    func testHostileSizePrefixesAreRefusedWithoutBuffering() throws {
        for size in [Int32.min, -1, Int32.max, Int32(1 << 20) + 1] {
            let (channel, recorder) = try channel(maxFrameSize: 1 << 20)
            var bytes = ByteBuffer()
            bytes.writeInteger(size)
            bytes.writeRepeatingByte(0, count: 16)
            XCTAssertThrowsError(try channel.writeInbound(bytes), "size \(size)")
            XCTAssertEqual(recorder.events, [])
            _ = try? channel.finish()
        }
    }
}
