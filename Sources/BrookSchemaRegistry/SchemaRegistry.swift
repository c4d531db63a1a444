import BrookSchemas

/// Namespace of the built-in Schema Registry (placeholder until the registry lands).
public enum SchemaRegistry {
    /// Confluent's default port.
    public static let defaultPort = 8081
}
