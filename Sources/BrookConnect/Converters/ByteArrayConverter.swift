/// Passes bytes through unchanged (Kafka's `org.apache.kafka.connect.converters.ByteArrayConverter`).
public struct ByteArrayConverter: ConnectConverter {
    public init(configuration: [String: String] = [:], isKey: Bool = false) {}

    public func fromConnectData(topic: String, schema: ConnectSchema?, value: ConnectValue) throws(ConnectDataError) -> [UInt8]? {
        if let schema, schema.type != .bytes {
            throw ConnectDataError("Invalid schema type for ByteArrayConverter: \(schema.type)")
        }
        switch value {
        case .null: return nil
        case let .bytes(bytes): return bytes
        default: throw ConnectDataError("ByteArrayConverter is not compatible with objects of type \(value.javaClassDescription)")
        }
    }

    public func toConnectData(topic: String, bytes: [UInt8]?) -> ConnectSchemaAndValue {
        ConnectSchemaAndValue(schema: .optionalBytes, value: bytes.map { .bytes($0) } ?? .null)
    }
}
