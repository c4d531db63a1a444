/// One Avro datum, shaped by the schema it was read with or is to be written with.
public indirect enum AvroValue: Sendable, Hashable {
    case null
    case boolean(Bool)
    case int(Int32)
    case long(Int64)
    case float(Float)
    case double(Double)
    case bytes([UInt8])
    case string(String)
    case array([AvroValue])
    /// Entries in the order they were read or given.
    case map([AvroMapEntry])
    /// Field values in the record schema's field order.
    case record([AvroValue])
    /// The symbol's position in the enum's symbols.
    case enumeration(Int)
    case fixed([UInt8])
    /// The index of the union branch and the value of that branch's type.
    case union(branch: Int, value: AvroValue)
}

/// A map entry of an `AvroValue.map`.
public struct AvroMapEntry: Sendable, Hashable {
    public var key: String
    public var value: AvroValue

    public init(key: String, value: AvroValue) {
        self.key = key
        self.value = value
    }
}

/// Why bytes or JSON could not be turned into an `AvroValue` of a schema, with where it happened.
public struct AvroDataError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
