/// A single message transform (Kafka's `org.apache.kafka.connect.transforms.Transformation`):
/// returns the changed record, or nil to drop it.
public protocol ConnectTransformation: Sendable {
    func apply(_ record: ConnectRecord) throws(ConnectDataError) -> ConnectRecord?
}

/// A condition on a record (Kafka's `org.apache.kafka.connect.transforms.predicates.Predicate`).
public protocol ConnectPredicate: Sendable {
    func test(_ record: ConnectRecord) -> Bool
}

/// Which half of a record a `$Key`/`$Value` transform works on.
public enum ConnectRecordPart: String, Sendable, Hashable {
    case key = "Key"
    case value = "Value"
}

extension ConnectRecord {
    /// The schema of the key or the value.
    public func schema(of part: ConnectRecordPart) -> ConnectSchema? {
        part == .key ? keySchema : valueSchema
    }

    /// The key or the value.
    public func value(of part: ConnectRecordPart) -> ConnectValue {
        part == .key ? key : value
    }

    /// A copy with the key or the value (and its schema) replaced; everything else kept, as
    /// `ConnectRecord.newRecord` keeps headers and a sink record's offset.
    public func replacing(_ part: ConnectRecordPart, schema: ConnectSchema?, value newValue: ConnectValue) -> ConnectRecord {
        var copy = self
        switch part {
        case .key:
            copy.keySchema = schema
            copy.key = newValue
        case .value:
            copy.valueSchema = schema
            copy.value = newValue
        }
        return copy
    }
}

/// The checks and helpers Kafka's transforms share (`util.Requirements`, `util.SchemaUtil`).
enum TransformSupport {
    static func requireMap(_ value: ConnectValue, purpose: String) throws(ConnectDataError) -> [ConnectMapEntry] {
        guard case let .map(entries) = value else {
            throw ConnectDataError("Only Map objects supported in absence of schema for [\(purpose)], found: \(value.javaClassName)")
        }
        return entries
    }

    static func requireStruct(_ value: ConnectValue, purpose: String) throws(ConnectDataError) -> ConnectStruct {
        guard case let .struct(s) = value else {
            throw ConnectDataError("Only Struct objects supported for [\(purpose)], found: \(value.javaClassName)")
        }
        return s
    }

    static func requireSchema(_ schema: ConnectSchema?, purpose: String) throws(ConnectDataError) -> ConnectSchema {
        guard let schema else { throw ConnectDataError("Schema required for [\(purpose)]") }
        return schema
    }

    static func requireSinkOffset(_ record: ConnectRecord, purpose: String) throws(ConnectDataError) -> Int64 {
        guard let offset = record.kafkaOffset else {
            throw ConnectDataError("Only SinkRecord supported for [\(purpose)], found: org.apache.kafka.connect.source.SourceRecord")
        }
        return offset
    }

    /// SchemaUtil.copySchemaBasics: an empty schema of `type` with the source's name, version, doc and
    /// parameters (not its optional flag or default); ARRAY keeps the element schema.
    static func copySchemaBasics(_ source: ConnectSchema, as type: ConnectSchemaType) -> ConnectSchema {
        var schema: ConnectSchema
        if type == .array, let element = source.valueSchema {
            schema = .array(element)
        } else {
            schema = ConnectSchema(type: type)
        }
        schema.name = source.name
        schema.version = source.version
        schema.doc = source.doc
        schema.parameters = source.parameters
        return schema
    }

    /// A struct field's value, or its default when configured (`replace.null.with.default`).
    static func fieldValue(_ value: ConnectStruct, _ fieldName: String, replaceNullWithDefault: Bool) throws(ConnectDataError) -> ConnectValue {
        replaceNullWithDefault ? try value.get(fieldName) : try value.getWithoutDefault(fieldName)
    }
}

extension Array where Element == ConnectMapEntry {
    /// The value under string key `key`, or null (Java's `Map.get`).
    func value(forKey key: String) -> ConnectValue {
        first { $0.key == .string(key) }?.value ?? .null
    }

    func containsKey(_ key: String) -> Bool {
        contains { $0.key == .string(key) }
    }

    /// `Map.put`: replaces the value of an existing key in place, else appends.
    mutating func put(_ key: String, _ value: ConnectValue) {
        if let i = firstIndex(where: { $0.key == .string(key) }) {
            self[i].value = value
        } else {
            append(ConnectMapEntry(.string(key), value))
        }
    }

    mutating func remove(_ key: String) {
        removeAll { $0.key == .string(key) }
    }
}
