/// A Connect value (what Kafka holds as a Java object next to a `Schema`): null, primitives by width,
/// bytes, arrays, maps with any-typed keys (in insertion order), structs carrying their schema, and the
/// logical types' Java representations (`BigDecimal`, `java.util.Date`).
public indirect enum ConnectValue: Sendable, Hashable {
    case null
    case int8(Int8)
    case int16(Int16)
    case int32(Int32)
    case int64(Int64)
    case float32(Float)
    case float64(Double)
    case boolean(Bool)
    case string(String)
    case bytes([UInt8])
    case array([ConnectValue])
    case map([ConnectMapEntry])
    case `struct`(ConnectStruct)
    /// Decimal logical type (Java `BigDecimal`).
    case decimal(ConnectDecimal)
    /// Date, Time and Timestamp logical types (Java `java.util.Date`): milliseconds since the epoch, UTC.
    case timestamp(Int64)

    /// A map with string keys, in the given order.
    public static func stringMap(_ entries: [(String, ConnectValue)]) -> ConnectValue {
        .map(entries.map { ConnectMapEntry(.string($0.0), $0.1) })
    }

    public var isNull: Bool { self == .null }

    /// The schema type Kafka infers for a schemaless value (`ConnectSchema.schemaType(Class)`);
    /// nil for null and for logical values, which have no schemaless form.
    public var inferredType: ConnectSchemaType? {
        switch self {
        case .null, .decimal, .timestamp: nil
        case .int8: .int8
        case .int16: .int16
        case .int32: .int32
        case .int64: .int64
        case .float32: .float32
        case .float64: .float64
        case .boolean: .boolean
        case .string: .string
        case .bytes: .bytes
        case .array: .array
        case .map: .map
        case .struct: .struct
        }
    }

    /// The Java class Kafka names in its messages (`value.getClass()`), e.g. "class java.lang.String".
    public var javaClassDescription: String {
        switch self {
        case .null: "null"
        case .int8: "class java.lang.Byte"
        case .int16: "class java.lang.Short"
        case .int32: "class java.lang.Integer"
        case .int64: "class java.lang.Long"
        case .float32: "class java.lang.Float"
        case .float64: "class java.lang.Double"
        case .boolean: "class java.lang.Boolean"
        case .string: "class java.lang.String"
        case .bytes: "class [B"
        case .array: "class java.util.ArrayList"
        case .map: "class java.util.HashMap"
        case .struct: "class org.apache.kafka.connect.data.Struct"
        case .decimal: "class java.math.BigDecimal"
        case .timestamp: "class java.util.Date"
        }
    }

    /// Java's `getClass().getName()` ("java.lang.String"), as Requirements prints it; "null" for null.
    public var javaClassName: String {
        let text = javaClassDescription
        return text.hasPrefix("class ") ? String(text.dropFirst(6)) : text
    }

    public var stringValue: String? {
        if case let .string(s) = self { return s }
        return nil
    }

    public var structValue: ConnectStruct? {
        if case let .struct(s) = self { return s }
        return nil
    }

    /// String-keyed entries of a map value, in order; nil for non-maps or maps with other keys.
    public var mapEntries: [ConnectMapEntry]? {
        if case let .map(entries) = self { return entries }
        return nil
    }

    /// The value under string key `key` in a map value.
    public func mapValue(forKey key: String) -> ConnectValue? {
        mapEntries?.first { $0.key == .string(key) }?.value
    }
}

/// One key/value pair of a Connect map value.
public struct ConnectMapEntry: Sendable, Hashable {
    public var key: ConnectValue
    public var value: ConnectValue

    public init(_ key: ConnectValue, _ value: ConnectValue) {
        self.key = key
        self.value = value
    }
}
