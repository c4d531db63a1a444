/// The type of a Connect schema (Kafka's `Schema.Type`); `name` is Kafka's enum constant.
public enum ConnectSchemaType: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case int8 = "INT8"
    case int16 = "INT16"
    case int32 = "INT32"
    case int64 = "INT64"
    case float32 = "FLOAT32"
    case float64 = "FLOAT64"
    case boolean = "BOOLEAN"
    case string = "STRING"
    case bytes = "BYTES"
    case array = "ARRAY"
    case map = "MAP"
    case `struct` = "STRUCT"

    public var description: String { rawValue }

    /// Whether values of this type carry no nested schema (everything but ARRAY, MAP and STRUCT).
    public var isPrimitive: Bool {
        switch self {
        case .array, .map, .struct: false
        default: true
        }
    }

    /// Kafka's `Schema.Type.getName()`: the lower-case name used in config values such as Cast's spec.
    public var lowercaseName: String { rawValue.lowercased() }
}
