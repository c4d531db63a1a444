import BrookSchemas

/// Primitive roots as Confluent's ProtobufData handles them: a non-STRUCT Connect value is written as
/// the `value` of a `google.protobuf.*Value` wrapper message (the registered schema is the
/// `google/protobuf/wrappers.proto` file), and with `wrapper.for.raw.primitives=true` (the default)
/// a wrapper message read at the root becomes its bare primitive.
enum ProtobufWrappers {
    /// The standard wrappers.proto file (its message order fixes the message indexes), as the
    /// Protobuf parser knows it for imports.
    static let fileText = ProtobufFormat.builtInImport("google/protobuf/wrappers.proto") ?? ""

    /// The wrapper message a primitive Connect root is written as (ProtobufData.descriptorFromConnectSchema).
    static func messageName(for schema: ConnectSchema) -> String? {
        guard ConnectLogicalType(schemaName: schema.name) == nil else { return nil }
        switch schema.type {
        case .int8, .int16, .int32: return "google.protobuf.Int32Value"
        case .int64: return "google.protobuf.Int64Value"
        case .float32: return "google.protobuf.FloatValue"
        case .float64: return "google.protobuf.DoubleValue"
        case .boolean: return "google.protobuf.BoolValue"
        case .string: return "google.protobuf.StringValue"
        case .bytes: return "google.protobuf.BytesValue"
        case .array, .map, .struct: return nil
        }
    }

    /// The Connect schema of a wrapper message read at the root (ProtobufData.toUnwrappedSchema).
    static func unwrappedSchema(message fullName: String) -> ConnectSchema? {
        switch fullName {
        case "google.protobuf.DoubleValue": .float64
        case "google.protobuf.FloatValue": .float32
        case "google.protobuf.Int64Value", "google.protobuf.UInt64Value", "google.protobuf.UInt32Value": .int64
        case "google.protobuf.Int32Value": .int32
        case "google.protobuf.BoolValue": .boolean
        case "google.protobuf.StringValue": .string
        case "google.protobuf.BytesValue": .bytes
        default: nil
        }
    }
}
