/// Converts header values (Kafka's `org.apache.kafka.connect.storage.HeaderConverter`); Connect's
/// default is `SimpleHeaderConverter`.
public protocol ConnectHeaderConverter: Sendable {
    func fromConnectHeader(topic: String, headerKey: String, schema: ConnectSchema?, value: ConnectValue) throws(ConnectDataError) -> [UInt8]?
    func toConnectHeader(topic: String, headerKey: String, bytes: [UInt8]?) throws(ConnectDataError) -> ConnectSchemaAndValue
}

extension ConnectHeaderConverter where Self: ConnectConverter {
    // The built-in converters treat a header value like a record value, as Kafka's do.
    public func fromConnectHeader(topic: String, headerKey: String, schema: ConnectSchema?, value: ConnectValue) throws(ConnectDataError) -> [UInt8]? {
        try fromConnectData(topic: topic, schema: schema, value: value)
    }

    public func toConnectHeader(topic: String, headerKey: String, bytes: [UInt8]?) throws(ConnectDataError) -> ConnectSchemaAndValue {
        try toConnectData(topic: topic, bytes: bytes)
    }
}

extension JsonConverter: ConnectHeaderConverter {}
extension StringConverter: ConnectHeaderConverter {}
extension ByteArrayConverter: ConnectHeaderConverter {}

/// Writes header values as Connect's text form (`Values.convertToString`, UTF-8) and reads them back
/// with type inference (Kafka's `org.apache.kafka.connect.storage.SimpleHeaderConverter`).
public struct SimpleHeaderConverter: ConnectHeaderConverter {
    public init() {}

    public func fromConnectHeader(topic: String, headerKey: String, schema: ConnectSchema?, value: ConnectValue) -> [UInt8]? {
        ConnectValues.convertToString(value).map { Array($0.utf8) }
    }

    public func toConnectHeader(topic: String, headerKey: String, bytes: [UInt8]?) -> ConnectSchemaAndValue {
        guard let bytes else { return .null }
        return ConnectValues.parseString(String(decoding: bytes, as: UTF8.self))
    }
}
