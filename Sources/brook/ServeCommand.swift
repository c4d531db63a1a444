import ArgumentParser
import BrookBroker
import BrookClient
import BrookEtcd
import BrookSchemaRegistry
import BrookServer
import Foundation
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// `brook serve`: runs a broker until SIGTERM/SIGINT: a single node with its metadata in the data
/// directory, or, with `--metadata etcd://...`, one broker of a cluster whose metadata lives in etcd.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run a Kafka-compatible broker (single node, or a cluster's broker with --metadata)."
    )

    @Option(name: .long, help: "This broker's node id (node.id; default 1). Unique within a cluster.")
    var nodeId: Int32?

    @Option(name: .long, help: ArgumentHelp(
        "Join a cluster whose metadata lives in etcd: etcd://HOST:PORT[,HOST:PORT...]. Without it the broker is a single node.",
        valueName: "etcd-url"))
    var metadata: String?

    @Option(name: .long, help: "Address to listen on, HOST:PORT (default 127.0.0.1:9092).")
    var listen: String?

    @Option(name: .long, help: "Address advertised to clients in Metadata, HOST:PORT (default: the listen address).")
    var advertise: String?

    @Option(name: .long, help: ArgumentHelp(
        "Schema Registry address, HOST:PORT, or none (default 127.0.0.1:8081; a busy default port is skipped with a warning).",
        valueName: "host:port|none"))
    var registryListen: String?

    @Option(name: .long, help: ArgumentHelp(
        "Kafka Connect REST address, HOST:PORT, or none (default 127.0.0.1:8083; a busy default port is skipped with a warning).",
        valueName: "host:port|none"))
    var connectListen: String?

    @Option(name: .long, help: "A Connect worker properties file (connect-distributed.properties names: group.id, key.converter, ...).")
    var connectConfig: String?

    @Option(name: .long, help: "Directory holding the logs (default ./brook-data).")
    var dataDir: String?

    @Option(name: .long, help: "A Kafka server.properties file.")
    var config: String?

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a Kafka broker property.", valueName: "key=value"))
    var overrides: [String] = []

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "brook")
        let brokerConfig: BrokerConfig
        do {
            brokerConfig = try makeConfig(logger: logger)
        } catch {
            throw fail("\(error)")
        }

        let group = MultiThreadedEventLoopGroup(
            numberOfThreads: brokerConfig.eventLoopThreads > 0 ? brokerConfig.eventLoopThreads : System.coreCount)
        let threadPool = NIOThreadPool(numberOfThreads: 2)
        threadPool.start()
        let result: Result<Void, Error>
        do {
            try await serve(config: brokerConfig, group: group, threadPool: threadPool, logger: logger)
            result = .success(())
        } catch {
            result = .failure(error)
        }
        try? await group.shutdownGracefully()
        try? await threadPool.shutdownGracefully()
        if case .failure(let error) = result { throw fail("\(error)") }
    }

    private func serve(config brokerConfig: BrokerConfig, group: EventLoopGroup, threadPool: NIOThreadPool,
                       logger: Logger) async throws {
        try await ListenCheck.probe(host: brokerConfig.listenHost, port: brokerConfig.listenPort, group: group)
        let registryAddress = try await optionalAddress(registryListen, service: "Schema Registry", flag: "--registry-listen",
                                                        defaultPort: SchemaRegistry.defaultPort, group: group, logger: logger)
        let connectAddress = try await optionalAddress(connectListen, service: "Connect", flag: "--connect-listen",
                                                       defaultPort: 8083, group: group, logger: logger)
        let workerProperties = try connectConfig.map { path -> [String: String] in
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw ConfigError("cannot read Connect config file \(path)") }
            return Dictionary(BrokerConfig.parseProperties(text).map { ($0.key, $0.value) }, uniquingKeysWith: { $1 })
        } ?? [:]
        let broker: Broker
        var cluster: ClusterBroker?
        if let metadata {
            let endpoints: [EtcdEndpoint]
            do {
                endpoints = try EtcdEndpoints.parse(metadata)
            } catch {
                throw ConfigError("--metadata: \(error)")
            }
            let clustered = try await ClusterBroker.start(config: brokerConfig, etcd: endpoints, group: group,
                                                          threadPool: threadPool, logger: logger)
            cluster = clustered
            broker = clustered.broker
        } else {
            broker = try Broker(config: brokerConfig, group: group, threadPool: threadPool, logger: logger)
        }
        let advertised = brokerConfig.advertised
        let dataDir = brokerConfig.dataDir
        let mode = metadata.map { "node \(brokerConfig.nodeId) of the cluster at \($0)" } ?? "single node"
        let server = KafkaServer(broker: broker, group: group, logger: logger) { address in
            logger.info("brook ready, accepting connections on \(address.ipAddress ?? "?"):\(address.port ?? 0) (advertised \(advertised.host):\(advertised.port), data dir \(dataDir), \(mode))")
        }
        var members: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: broker), .init(service: server)]
        // After the listener, so that it stops before the broker it reaches through it.
        if let (host, port) = registryAddress {
            let registry = try await SchemaRegistryWiring.start(
                host: host, port: port, broker: broker, brokerAddress: advertised, logger: logger)
            members.append(.init(service: registry))
        }
        if let (host, port) = connectAddress {
            for service in try ConnectWiring.start(host: host, port: port, broker: broker, brokerAddress: advertised,
                                                   workerProperties: workerProperties, logger: logger) {
                members.append(.init(service: service))
            }
        }
        // Last, so that it shuts down first: leadership moves away while the broker still serves.
        if let cluster { members.append(.init(service: cluster)) }
        let services = ServiceGroup(configuration: .init(
            // Shut down in reverse: the listener drains first, then the broker closes its logs.
            services: members,
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        ))
        try await services.run()
    }

    /// Where an optional HTTP service listens; nil when it is off (`none`, or the default port is
    /// taken: several brokers on one machine should not fail to start over an optional service).
    private func optionalAddress(_ option: String?, service: String, flag: String, defaultPort: Int, group: EventLoopGroup,
                                 logger: Logger) async throws -> (host: String, port: Int)? {
        if option == "none" { return nil }
        let explicit = option != nil
        let text = option ?? "127.0.0.1:\(defaultPort)"
        guard let (host, port) = BrokerConfig.parseHostPort(text) else {
            throw ConfigError("\(flag) expects HOST:PORT or none, got '\(text)'")
        }
        do {
            try await ListenCheck.probe(host: host, port: port, group: group)
        } catch {
            if explicit { throw error }
            logger.warning("\(service) not started: \(error); pass \(flag) HOST:PORT or none")
            return nil
        }
        return (host, port)
    }

    private func makeConfig(logger: Logger) throws -> BrokerConfig {
        var config = BrokerConfig()
        if let path = self.config {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw ConfigError("cannot read config file \(path)")
            }
            for warning in try config.apply(BrokerConfig.parseProperties(text)) {
                logger.warning("\(warning) (in \(path))")
            }
        }
        var pairs: [(key: String, value: String)] = []
        for item in overrides {
            guard let eq = item.firstIndex(of: "="), eq != item.startIndex else {
                throw ConfigError("--set expects key=value, got '\(item)'")
            }
            pairs.append((String(item[..<eq]), String(item[item.index(after: eq)...])))
        }
        for warning in try config.apply(pairs) { logger.warning("\(warning) (from --set)") }
        if let listen {
            guard let (host, port) = BrokerConfig.parseHostPort(listen) else {
                throw ConfigError("--listen expects HOST:PORT, got '\(listen)'")
            }
            config.listenHost = host
            config.listenPort = port
        }
        if let advertise {
            guard let (host, port) = BrokerConfig.parseHostPort(advertise) else {
                throw ConfigError("--advertise expects HOST:PORT, got '\(advertise)'")
            }
            config.advertisedHost = host
            config.advertisedPort = port
        }
        if let dataDir { config.dataDir = dataDir }
        if let nodeId {
            guard nodeId >= 0 else { throw ConfigError("--node-id must be 0 or more, got \(nodeId)") }
            config.nodeId = nodeId
        }
        return config
    }

    private func fail(_ message: String) -> ExitCode {
        FileHandle.standardError.write(Data("brook: error: \(message)\n".utf8))
        return ExitCode.failure
    }
}
