import ArgumentParser
import BrookBroker
import BrookServer
import Foundation
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// `brook serve`: runs a single-node broker until SIGTERM/SIGINT.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run a Kafka-compatible broker (single node, no external services)."
    )

    @Option(name: .long, help: "Address to listen on, HOST:PORT (default 127.0.0.1:9092).")
    var listen: String?

    @Option(name: .long, help: "Address advertised to clients in Metadata, HOST:PORT (default: the listen address).")
    var advertise: String?

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
        let broker = try Broker(config: brokerConfig, group: group, threadPool: threadPool, logger: logger)
        let advertised = brokerConfig.advertised
        let dataDir = brokerConfig.dataDir
        let server = KafkaServer(broker: broker, group: group, logger: logger) { address in
            logger.info("brook ready, accepting connections on \(address.ipAddress ?? "?"):\(address.port ?? 0) (advertised \(advertised.host):\(advertised.port), data dir \(dataDir))")
        }
        let services = ServiceGroup(configuration: .init(
            // Shut down in reverse: the listener drains first, then the broker closes its logs.
            services: [.init(service: broker), .init(service: server)],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        ))
        try await services.run()
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
        return config
    }

    private func fail(_ message: String) -> ExitCode {
        FileHandle.standardError.write(Data("brook: error: \(message)\n".utf8))
        return ExitCode.failure
    }
}
