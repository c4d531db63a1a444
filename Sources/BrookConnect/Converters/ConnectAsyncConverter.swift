import BrookRegistryClient

/// A converter whose work may wait on I/O, such as a Schema Registry lookup. The synchronous
/// converters satisfy it as they are, so a runtime can hold every converter as this type.
public protocol ConnectAsyncConverter: Sendable {
    func fromConnectData(topic: String, schema: ConnectSchema?, value: ConnectValue) async throws -> [UInt8]?
    func toConnectData(topic: String, bytes: [UInt8]?) async throws -> ConnectSchemaAndValue
}

extension JsonConverter: ConnectAsyncConverter {}
extension StringConverter: ConnectAsyncConverter {}
extension ByteArrayConverter: ConnectAsyncConverter {}

extension ConnectConverters {
    /// Kafka/Confluent class names of the converters that need a Schema Registry.
    public static let registryConverterClassNames = ["io.confluent.connect.avro.AvroConverter", "io.confluent.connect.json.JsonSchemaConverter",
                                                     "io.confluent.connect.protobuf.ProtobufConverter"]

    /// Any built-in converter, including the registry ones: `registryFor` turns the converter's
    /// `schema.registry.url` into a registry client (the I/O stays with the caller).
    public static func makeAsync(className: String, properties: [String: String], prefix: String, isKey: Bool, configKey: String,
                                 registryFor: (String) throws -> any SchemaRegistryLookups) throws(ConnectConfigError) -> any ConnectAsyncConverter {
        guard registryConverterClassNames.contains(where: { $0 == className || $0.hasSuffix("." + className) }) else {
            let converter = try make(className: className, properties: properties, prefix: prefix, isKey: isKey, configKey: configKey)
            guard let async = converter as? any ConnectAsyncConverter else {
                throw .invalidValue(configKey, className, "Class \(className) is not usable as an asynchronous converter")
            }
            return async
        }
        var own: [String: String] = [:]
        for (key, value) in properties where key.hasPrefix(prefix) {
            own[String(key.dropFirst(prefix.count))] = value
        }
        guard let url = own["schema.registry.url"] else { throw .missing(prefix + "schema.registry.url") }
        let registry: any SchemaRegistryLookups
        do {
            registry = try registryFor(url)
        } catch {
            throw .invalidValue(prefix + "schema.registry.url", url, "\(error)")
        }
        if className == "JsonSchemaConverter" || className.hasSuffix(".JsonSchemaConverter") {
            return try JsonSchemaConverter(configuration: own, isKey: isKey, registry: registry)
        }
        if className == "ProtobufConverter" || className.hasSuffix(".ProtobufConverter") {
            return try ProtobufConverter(configuration: own, isKey: isKey, registry: registry)
        }
        return try AvroConverter(configuration: own, isKey: isKey, registry: registry)
    }
}
