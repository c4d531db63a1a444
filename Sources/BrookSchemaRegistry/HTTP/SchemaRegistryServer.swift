import Hummingbird
import Logging

/// Builds the registry's HTTP server: a Hummingbird `Application` (a swift-service-lifecycle
/// `Service`) that listens on `host:port` and also runs the `SchemaRegistryService`, so the log
/// is followed for as long as the server runs. `brook serve` adds it to its `ServiceGroup`.
public enum SchemaRegistryServer {
    public static func makeApplication(
        host: String, port: Int, service: SchemaRegistryService, kafkaClusterID: String, logger: Logger
    ) -> Application<SchemaRegistryResponder> {
        let cache = RegistryReadCache()
        service.onSchemaChange { cache.invalidate() }
        let serverName = "brook-schema-registry"
        return Application(
            responder: SchemaRegistryResponder(api: RegistryAPI(service: service, kafkaClusterID: kafkaClusterID), readCache: cache),
            server: .http1(configuration: .init(additionalChannelHandlers: [RegistryFastReadHandler(cache: cache, serverName: serverName)])),
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: serverName),
            services: [service],
            logger: logger)
    }
}
