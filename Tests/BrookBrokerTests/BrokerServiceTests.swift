@testable import BrookBroker
import BrookRecords
import BrookStorage
import Foundation
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import XCTest

/// `Broker` as a `Service`: its repeated tasks run only while `run()` does, and graceful shutdown
/// ends with the logs closed cleanly.
final class BrokerServiceTests: XCTestCase {
    func testTheRepeatedTasksRunWhileTheServiceRunsAndShutdownClosesTheLogs() async throws {
        let dataDir = TestBroker.makeTempDir()
        defer { try? FileManager.default.removeItem(atPath: dataDir) }
        var config = BrokerConfig()
        config.dataDir = dataDir
        config.logFlushOffsetCheckpointIntervalMs = 20
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
        let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        let broker = try Broker(config: config, group: group, threadPool: pool, logger: logger, clock: Broker.wallClockMillis,
                                internalTopicsGate: nil)
        XCTAssertFalse(broker.timers.withLockedValue { $0.started }, "nothing is scheduled before run()")
        let topic = try await unwrapped(broker.topics.createTopic(name: "t", partitions: 1, replicationFactor: 1, configs: [:],
                                                                 validateOnly: false))
        var builder = RecordBatchBuilder()
        builder.append(key: nil, value: ByteBuffer(string: "v"), timestamp: 1)
        _ = try await XCTUnwrap(topic.partition(0)).append([try builder.build()], durable: true, logAppendTime: false).get()

        let services = ServiceGroup(configuration: .init(services: [.init(service: broker)], logger: logger))
        let running = Task { try await services.run() }
        // The periodic checkpoint (a task run() starts) records the recovery point.
        let file = OffsetCheckpointFile(path: dataDir + "/recovery-point-offset-checkpoint")
        let tp = TopicPartition(topic: "t", partition: 0)
        let deadline = Date().addingTimeInterval(10)
        while (try? file.read())?[tp] != 1 && Date() < deadline {
            try await Task.sleep(nanoseconds: 10_000_000)
        }
        XCTAssertEqual(try file.read()[tp], 1, "the periodic checkpoint did not run")
        XCTAssertTrue(broker.timers.withLockedValue { $0.started })

        await services.triggerGracefulShutdown()
        try await running.value
        XCTAssertTrue(FileManager.default.fileExists(atPath: dataDir + "/.brook_clean_shutdown"),
                      "run() ends with the logs closed and the clean-shutdown marker written")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dataDir + "/.lock") && isLocked(dataDir),
                       "the data directory is released")
        try await group.shutdownGracefully()
        try await pool.shutdownGracefully()
    }

    /// Another broker can take the directory once the first one has shut down.
    private func isLocked(_ dataDir: String) -> Bool {
        guard let directory = try? DataDirectory(path: dataDir) else { return true }
        directory.unlock()
        return false
    }
}
