@testable import BrookBroker
import BrookProtocol
import BrookServer
import Foundation
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import XCTest

/// A real broker and listener started in-process on a free loopback port with a temporary data dir.
final class TestBroker: @unchecked Sendable {
    let dataDir: String
    let group: MultiThreadedEventLoopGroup
    let threadPool: NIOThreadPool
    let broker: Broker
    let port: Int
    private let serviceGroup: ServiceGroup
    private let runTask: Task<Void, Error>
    /// Holds the opening of the internal topics while unfulfilled (`holdCoordinators`).
    private let coordinatorHold: EventLoopPromise<Void>?

    static func makeTempDir() -> String {
        let path = NSTemporaryDirectory() + "brook-test-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// `holdCoordinators`: the internal topics stay unopened (coordinators not ready) until
    /// `releaseCoordinators()`; FindCoordinator waits `findCoordinatorWait` for them.
    init(dataDir: String = TestBroker.makeTempDir(), holdCoordinators: Bool = false,
         findCoordinatorWait: TimeAmount = .seconds(1),
         configure: (inout BrokerConfig) -> Void = { _ in }) async throws {
        self.dataDir = dataDir
        var config = BrokerConfig()
        config.listenPort = 0
        config.dataDir = dataDir
        configure(&config)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
        self.group = group
        self.threadPool = pool
        let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        let hold = holdCoordinators ? group.next().makePromise(of: Void.self) : nil
        self.coordinatorHold = hold
        let broker: Broker
        do {
            broker = try Broker(config: config, group: group, threadPool: pool, logger: logger, clock: Broker.wallClockMillis,
                                internalTopicsGate: hold?.futureResult, findCoordinatorWait: findCoordinatorWait)
        } catch {
            hold?.succeed(())
            throw error
        }
        self.broker = broker
        let (stream, continuation) = AsyncStream.makeStream(of: Int.self)
        let server = KafkaServer(broker: broker, group: group, logger: logger) { address in
            continuation.yield(address.port ?? 0)
            continuation.finish()
        }
        let serviceGroup = ServiceGroup(configuration: .init(services: [.init(service: broker), .init(service: server)], logger: logger))
        self.serviceGroup = serviceGroup
        self.runTask = Task { try await serviceGroup.run() }
        var iterator = stream.makeAsyncIterator()
        guard let port = await iterator.next() else {
            hold?.succeed(())
            throw ConfigError("server did not start")
        }
        self.port = port
    }

    /// Lets the internal topics open (see `holdCoordinators`).
    func releaseCoordinators() {
        coordinatorHold?.succeed(())
    }

    /// Graceful stop: in-flight requests finish, logs close cleanly.
    func stop() async throws {
        await serviceGroup.triggerGracefulShutdown()
        try await runTask.value
        releaseCoordinators()  // a held gate must still be fulfilled; shutdown did not wait for it
        try await group.shutdownGracefully()
        try await threadPool.shutdownGracefully()
    }

    func removeData() {
        try? FileManager.default.removeItem(atPath: dataDir)
    }

    /// Runs `body` with nodes 1 and 2 started, and always stops them (node 2 first) and removes
    /// their data, also when `body` fails.
    static func withNodesOneAndTwo(_ body: (TestBroker, TestBroker) async throws -> Void) async throws {
        let one = try await TestBroker { $0.nodeId = 1 }
        defer { one.removeData() }
        let two: TestBroker
        do {
            two = try await TestBroker { $0.nodeId = 2 }
        } catch {
            try? await one.stop()
            throw error
        }
        defer { two.removeData() }
        var failure: Error?
        do {
            try await body(one, two)
        } catch {
            failure = error
        }
        try await two.stop()
        try await one.stop()
        if let failure { throw failure }
    }
}

/// A blocking loopback client speaking raw Kafka frames, with a receive timeout so tests stay bounded.
final class RawKafkaClient {
    let fd: Int32
    private var correlation: Int32 = 0
    private var inbox = ByteBuffer()
    private let clientId: String

    init(port: Int, clientId: String = "test") throws {
        self.clientId = clientId
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else { throw ConfigError("connect failed: \(errno)") }
        var tv = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    func sendRaw(_ bytes: ByteBuffer) {
        var bytes = bytes
        while bytes.readableBytes > 0 {
            let n = bytes.withUnsafeReadableBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            bytes.moveReaderIndex(forwardBy: n)
        }
    }

    /// Encodes a request frame; returns its correlation id.
    func frame<M: KafkaMessage>(_ message: M, version: Int16) -> (ByteBuffer, Int32) {
        correlation += 1
        let header = RequestHeader(apiKey: M.apiKey.rawValue, apiVersion: version, correlationId: correlation, clientId: clientId)
        var out = ByteBuffer()
        KafkaFrame.write(into: &out) { body in
            header.encode(into: &body, headerVersion: M.apiKey.requestHeaderVersion(apiVersion: version))
            message.encode(into: &body, version: version)
        }
        return (out, correlation)
    }

    /// Reads one response frame body; nil when the broker closed the connection.
    func readFrame() -> ByteBuffer? {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            if let frame = try? KafkaFrame.read(from: &inbox, maxSize: 1 << 30) { return frame }
            let n = recv(fd, &chunk, chunk.count, 0)
            if n <= 0 { return nil }
            inbox.writeBytes(chunk[0..<n])
        }
    }

    func request<Req: KafkaMessage, Resp: KafkaMessage>(_ message: Req, version: Int16, as: Resp.Type) throws -> Resp {
        let (frame, id) = self.frame(message, version: version)
        sendRaw(frame)
        guard var body = readFrame() else { throw ConfigError("connection closed") }
        let header = try ResponseHeader(from: &body, headerVersion: Req.apiKey.responseHeaderVersion(apiVersion: version))
        XCTAssertEqual(header.correlationId, id)
        return try Resp(from: &body, version: version)
    }
}
