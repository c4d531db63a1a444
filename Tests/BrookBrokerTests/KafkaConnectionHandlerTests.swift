import BrookBroker
import BrookProtocol
@testable import BrookServer
import Logging
import NIOCore
import NIOEmbedded
import XCTest

/// The connection handler's wiring on an embedded channel: reads pass only while the broker may
/// take more from this client (Kafka's muted channel).
final class KafkaConnectionHandlerTests: XCTestCase {
    /// Counts the reads that reach the socket end of the pipeline.
    private final class ReadCounter: ChannelOutboundHandler {
        typealias OutboundIn = Any
        var reads = 0
        func read(context: ChannelHandlerContext) {
            reads += 1
            context.read()
        }
    }

    func testConnectionIsNotReadWhileItsResponsesHaveNotDrained() async throws {
        let broker = try await TestBroker()
        defer { broker.removeData() }
        do {
            let channel = EmbeddedChannel()
            let counter = ReadCounter()
            let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
            try channel.pipeline.syncOperations.addHandler(counter)
            try channel.pipeline.syncOperations.addHandler(KafkaConnectionHandler(
                broker: broker.broker, logger: logger, inFlight: InFlightRequests(), connections: ConnectionSet(),
                limits: .init(maxInFlight: 500, requestReadTimeout: nil, idleTimeout: nil)))
            channel.read()
            XCTAssertEqual(counter.reads, 1)

            channel.isWritable = false
            channel.pipeline.fireChannelWritabilityChanged()
            channel.read()
            XCTAssertEqual(counter.reads, 1, "read while the written responses have not drained")

            channel.isWritable = true
            channel.pipeline.fireChannelWritabilityChanged()
            XCTAssertEqual(counter.reads, 2, "the withheld read resumes once the responses drain")
            _ = try? channel.finish()
        }
        try await broker.stop()
    }
}
