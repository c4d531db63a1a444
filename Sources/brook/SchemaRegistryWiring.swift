import BrookBroker
import BrookClient
import BrookSchemaRegistry
import Logging
import ServiceLifecycle

/// Builds the Schema Registry `brook serve` runs beside the broker: its log on the `_schemas` topic,
/// reached through the broker's own Kafka listener; the registry service; the HTTP server; and the
/// lookup Produce uses for `confluent.*.schema.validation`.
enum SchemaRegistryWiring {
    static func start(host: String, port: Int, broker: Broker, brokerAddress: (host: String, port: Int),
                      logger: Logger) async throws -> some Service {
        var logger = logger
        logger[metadataKey: "brook.service"] = "schema-registry"
        // The advertised address: on a cluster the client follows Metadata to the topic's leader.
        let connectHost = brokerAddress.host == "0.0.0.0" || brokerAddress.host == "::" ? "127.0.0.1" : brokerAddress.host
        let log = try SchemasTopicLog(bootstrap: [BrokerAddress(host: connectHost, port: brokerAddress.port)], logger: logger)
        let service = SchemaRegistryService(log: log, logger: logger)
        let lookup = RegistrySchemaIdLookup()
        await lookup.follow(service)
        broker.topics.schemaIds.install(lookup)
        logger.info("Schema Registry listening on \(host):\(port)")
        return SchemaRegistryServer.makeApplication(host: host, port: port, service: service,
                                                    kafkaClusterID: broker.identity.clusterId, logger: logger)
    }
}
