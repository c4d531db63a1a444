import BrookSchemas

/// The built-in Confluent-compatible Schema Registry.
///
/// Layers, bottom up: `SchemaRecordCodec` (the `_schemas` record JSON) → `RegistryState` (sans-IO,
/// built by replaying records; commands return records to append) → `RegistryLog` (the storage
/// seam) → `SchemaRegistryService` (owns state and log; single writer, read-your-writes) →
/// `RegistryAPI` (REST routes, framework-free) → `SchemaRegistryResponder` / `SchemaRegistryServer`
/// (Hummingbird). Wiring in `brook serve`:
///
///     let service = SchemaRegistryService(log: topicBackedLog, logger: logger)
///     let app = SchemaRegistryServer.makeApplication(
///         host: "127.0.0.1", port: SchemaRegistry.defaultPort, service: service,
///         kafkaClusterID: clusterID, logger: logger)
///     // add `app` to the ServiceGroup; it runs the HTTP server and the service's log follower
public enum SchemaRegistry {
    /// Confluent's default port.
    public static let defaultPort = 8081
    /// Confluent's, Karapace's and Redpanda's default storage topic.
    public static let defaultTopic = "_schemas"
}
