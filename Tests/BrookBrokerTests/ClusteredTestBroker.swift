@testable import BrookBroker
import BrookCluster
import BrookServer
import Foundation
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// A broker of a cluster (`Broker.clustered`) on a metadata store shared with others, with its
/// listener on a free loopback port and a temporary data dir. No `ClusterMember` runs: the test
/// announces roles and the routing view itself (`roles`), as the member would.
final class ClusteredTestBroker: @unchecked Sendable {
    let dataDir: String
    let group: MultiThreadedEventLoopGroup
    let threadPool: NIOThreadPool
    let broker: Broker
    let roles: BrokerReplicaRoles
    let port: Int
    private let serviceGroup: ServiceGroup
    private let runTask: Task<Void, Error>

    init(nodeId: Int32, store: any MetadataStore, configure: (inout BrokerConfig) -> Void = { _ in }) async throws {
        dataDir = TestBroker.makeTempDir()
        var config = BrokerConfig()
        config.nodeId = nodeId
        config.listenPort = 0
        config.dataDir = dataDir
        configure(&config)
        group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        threadPool = NIOThreadPool(numberOfThreads: 1)
        threadPool.start()
        let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        do {
            broker = try await Broker.clustered(config: config, metadataStore: store, group: group, threadPool: threadPool,
                                                logger: logger)
        } catch {
            try? await group.shutdownGracefully()
            try? await threadPool.shutdownGracefully()
            throw error
        }
        roles = BrokerReplicaRoles(broker: broker)
        let (stream, continuation) = AsyncStream.makeStream(of: Int.self)
        let server = KafkaServer(broker: broker, group: group, logger: logger) { address in
            continuation.yield(address.port ?? 0)
            continuation.finish()
        }
        let serviceGroup = ServiceGroup(configuration: .init(services: [.init(service: broker), .init(service: server)],
                                                             logger: logger))
        self.serviceGroup = serviceGroup
        runTask = Task { try await serviceGroup.run() }
        var iterator = stream.makeAsyncIterator()
        guard let port = await iterator.next() else { throw ConfigError("server did not start") }
        self.port = port
    }

    var endpoint: BrokerEndpoint {
        BrokerEndpoint(nodeId: broker.config.nodeId, host: "127.0.0.1", port: Int32(port))
    }

    /// Graceful stop, then the data dir is removed.
    func stop() async throws {
        await serviceGroup.triggerGracefulShutdown()
        try await runTask.value
        try await group.shutdownGracefully()
        try await threadPool.shutdownGracefully()
        try? FileManager.default.removeItem(atPath: dataDir)
    }
}
