/// Turns Connect data into record bytes and back (Kafka's `org.apache.kafka.connect.storage.Converter`).
/// A converter is configured once, from the properties under `key.converter.`/`value.converter.`.
public protocol ConnectConverter: Sendable {
    /// Configures from the converter's own properties (prefix already stripped); `isKey` says
    /// whether it converts record keys.
    init(configuration: [String: String], isKey: Bool) throws(ConnectConfigError)

    /// The bytes for `value` with `schema` (nil = schemaless); nil writes a null key or value.
    func fromConnectData(topic: String, schema: ConnectSchema?, value: ConnectValue) throws(ConnectDataError) -> [UInt8]?

    /// The schema and value for record bytes (nil bytes = a null key or a tombstone).
    func toConnectData(topic: String, bytes: [UInt8]?) throws(ConnectDataError) -> ConnectSchemaAndValue
}

/// The converters Brook ships, looked up by Kafka class name or simple name.
public enum ConnectConverters {
    /// Kafka's class names of the built-in converters, with the Swift type implementing each.
    public static let builtIn: [(className: String, type: any ConnectConverter.Type)] = [
        ("org.apache.kafka.connect.json.JsonConverter", JsonConverter.self),
        ("org.apache.kafka.connect.storage.StringConverter", StringConverter.self),
        ("org.apache.kafka.connect.converters.ByteArrayConverter", ByteArrayConverter.self),
    ]

    /// Makes the converter named `className` (full or simple name) from the worker or connector
    /// properties under `prefix` (e.g. "value.converter."); an unknown class is a config error on `configKey`.
    public static func make(className: String, properties: [String: String], prefix: String, isKey: Bool,
                            configKey: String) throws(ConnectConfigError) -> any ConnectConverter {
        guard let entry = builtIn.first(where: { $0.className == className || $0.className.hasSuffix("." + className) }) else {
            throw .invalidValue(configKey, className, "Class \(className) could not be found.")
        }
        var own: [String: String] = [:]
        for (key, value) in properties where key.hasPrefix(prefix) {
            own[String(key.dropFirst(prefix.count))] = value
        }
        return try entry.type.init(configuration: own, isKey: isKey)
    }
}
