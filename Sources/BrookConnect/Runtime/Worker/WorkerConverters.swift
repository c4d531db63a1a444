import BrookRegistryClient

/// A task's key, value and header converters: the connector's own `key.converter` /
/// `value.converter` / `header.converter` (with its prefixed settings) when set, else the worker's
/// (Kafka's `Plugins.newConverter`/`newHeaderConverter` with the worker config as fallback).
struct WorkerConverters: Sendable {
    static let jsonConverter = "org.apache.kafka.connect.json.JsonConverter"
    static let simpleHeaderConverter = "org.apache.kafka.connect.storage.SimpleHeaderConverter"

    var key: any ConnectAsyncConverter
    var value: any ConnectAsyncConverter
    var header: any ConnectHeaderConverter
    /// Class names, for error reports.
    var keyClass: String
    var valueClass: String
    var headerClass: String

    init(connectorConfig: [String: String], workerConfig: [String: String],
         registry: (String) throws -> any SchemaRegistryLookups) throws(ConnectConfigError) {
        (key, keyClass) = try Self.converter("key.converter", isKey: true, connectorConfig, workerConfig, registry)
        (value, valueClass) = try Self.converter("value.converter", isKey: false, connectorConfig, workerConfig, registry)
        let properties = connectorConfig["header.converter"] != nil ? connectorConfig : workerConfig
        let className = properties["header.converter"] ?? Self.simpleHeaderConverter
        headerClass = Self.fullName(className)
        if headerClass == Self.simpleHeaderConverter {
            header = SimpleHeaderConverter()
        } else {
            let made = try ConnectConverters.make(className: className, properties: properties, prefix: "header.converter.", isKey: false,
                                                  configKey: "header.converter")
            guard let usable = made as? any ConnectHeaderConverter else {
                throw .invalidValue("header.converter", className, "Class \(className) is not a HeaderConverter")
            }
            header = usable
        }
    }

    private static func converter(_ key: String, isKey: Bool, _ connector: [String: String], _ worker: [String: String],
                                  _ registry: (String) throws -> any SchemaRegistryLookups) throws(ConnectConfigError) -> (any ConnectAsyncConverter, String) {
        let properties = connector[key] != nil ? connector : worker
        let className = properties[key] ?? jsonConverter
        let made = try ConnectConverters.makeAsync(className: className, properties: properties, prefix: key + ".", isKey: isKey,
                                                   configKey: key, registryFor: registry)
        return (made, fullName(className))
    }

    /// The full class name for a simple one (`JsonConverter` → `org.apache.kafka.connect.json.JsonConverter`).
    static func fullName(_ className: String) -> String {
        let known = ConnectConverters.builtIn.map(\.className) + ConnectConverters.registryConverterClassNames + [simpleHeaderConverter]
        return known.first { $0 == className || $0.hasSuffix("." + className) } ?? className
    }
}
