/// A converter whose work may wait on I/O, such as a Schema Registry lookup. The synchronous
/// converters satisfy it as they are, so a runtime can hold every converter as this type.
public protocol ConnectAsyncConverter: Sendable {
    func fromConnectData(topic: String, schema: ConnectSchema?, value: ConnectValue) async throws -> [UInt8]?
    func toConnectData(topic: String, bytes: [UInt8]?) async throws -> ConnectSchemaAndValue
}

extension JsonConverter: ConnectAsyncConverter {}
extension StringConverter: ConnectAsyncConverter {}
extension ByteArrayConverter: ConnectAsyncConverter {}
