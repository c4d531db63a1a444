import BrookBroker
import BrookClient
import BrookConnect
import Logging
import ServiceLifecycle

/// Builds the Connect worker `brook serve` runs beside the broker: the distributed herder (idle
/// until Connect is first used), reached through the broker's own Kafka listener, and its REST
/// server (Kafka Connect's API).
enum ConnectWiring {
    static func start(host: String, port: Int, broker: Broker, brokerAddress: (host: String, port: Int),
                      workerProperties: [String: String], logger: Logger) throws -> [any Service] {
        var logger = logger
        logger[metadataKey: "brook.service"] = "connect"
        let connectHost = brokerAddress.host == "0.0.0.0" || brokerAddress.host == "::" ? "127.0.0.1" : brokerAddress.host
        var client = ClientConfig(bootstrapServers: [BrokerAddress(host: connectHost, port: brokerAddress.port)], clientId: "brook-connect")
        client.retryBackoff = .milliseconds(50)
        // The worker id is the address other workers and clients reach its REST API at.
        let advertisedHost = host == "0.0.0.0" || host == "::" ? connectHost : host
        let config: ConnectWorkerConfig
        do {
            config = try ConnectWorkerConfig(workerID: "\(advertisedHost):\(port)", properties: workerProperties)
        } catch {
            throw ConfigError("--connect-config: \(error)")
        }
        let herder = DistributedHerder(config: config, client: client, kafkaClusterID: broker.identity.clusterId, logger: logger)
        logger.info("Connect REST API listening on \(host):\(port)")
        return [herder, ConnectRESTServer.makeApplication(host: host, port: port, herder: herder, logger: logger)]
    }
}
