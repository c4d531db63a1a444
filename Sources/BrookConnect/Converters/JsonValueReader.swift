import BrookSchemas

/// JSON to Connect values as Kafka's `JsonConverter.convertToConnect` reads them. Where Jackson would
/// silently coerce a mismatched node (a string read as INT32 gives 0), Brook raises a DataException.
struct JsonValueReader {
    let config: JsonConverterConfig

    /// `json` nil is Jackson's MISSING node (a struct field absent from the payload, or empty input).
    func value(schema: ConnectSchema?, json: JSONValue?) throws(ConnectDataError) -> ConnectValue {
        guard let schema else { return try schemalessValue(json) }
        guard let json, json != .null else {
            if let fallback = schema.defaultValue, config.replaceNullWithDefault { return fallback }
            if schema.isOptional { return .null }
            throw ConnectDataError("Invalid null value for required \(schema.type) field")
        }
        if let logical = ConnectLogicalType(schemaName: schema.name) {
            return try logicalValue(logical, schema: schema, json: json)
        }
        switch schema.type {
        case .boolean, .int8, .int16, .int32, .int64, .float32, .float64, .string, .bytes:
            return try Self.primitive(json, schema: schema)
        case .array:
            guard let items = json.arrayValue else { throw Self.mismatch(schema, json) }
            var out: [ConnectValue] = []
            for item in items { out.append(try value(schema: schema.valueSchema, json: item)) }
            return .array(out)
        case .map:
            return try mapValue(keySchema: schema.keySchema, valueSchema: schema.valueSchema, json: json, schemaless: false)
        case .struct:
            guard json.objectMembers != nil else {
                throw ConnectDataError("Structs should be encoded as JSON objects, but found \(Self.nodeType(json))")
            }
            var result = try ConnectStruct(schema: schema)
            for field in schema.fields {
                try result.put(field.name, value(schema: field.schema, json: json[field.name]))
            }
            return .struct(result)
        }
    }

    private func schemalessValue(_ json: JSONValue?) throws(ConnectDataError) -> ConnectValue {
        switch json {
        case nil, .null?: return .null
        case let .bool(b)?: return .boolean(b)
        case let .number(text)?:
            if json!.isIntegerLiteral {
                guard let v = Int64(text) else { throw ConnectDataError("Integer \(text) does not fit in INT64") }
                return .int64(v)
            }
            return .float64(Double(text) ?? .nan)
        case let .string(s)?: return .string(s)
        case let .array(items)?:
            var out: [ConnectValue] = []
            for item in items { out.append(try schemalessValue(item)) }
            return .array(out)
        case .object?:
            return try mapValue(keySchema: nil, valueSchema: nil, json: json!, schemaless: true)
        }
    }

    private func mapValue(keySchema: ConnectSchema?, valueSchema: ConnectSchema?, json: JSONValue, schemaless: Bool) throws(ConnectDataError) -> ConnectValue {
        var entries: [ConnectMapEntry] = []
        if schemaless || keySchema?.type == .string {
            guard let members = json.objectMembers else {
                throw ConnectDataError("Maps with string fields should be encoded as JSON objects, but found \(Self.nodeType(json))")
            }
            for (name, member) in members {
                entries.append(ConnectMapEntry(.string(name), try value(schema: valueSchema, json: member)))
            }
            return .map(entries)
        }
        guard let pairs = json.arrayValue else {
            throw ConnectDataError("Maps with non-string fields should be encoded as JSON array of tuples, but found \(Self.nodeType(json))")
        }
        for pair in pairs {
            guard let tuple = pair.arrayValue else {
                throw ConnectDataError("Found invalid map entry instead of array tuple: \(Self.nodeType(pair))")
            }
            guard tuple.count == 2 else { throw ConnectDataError("Found invalid map entry, expected length 2 but found :\(tuple.count)") }
            entries.append(ConnectMapEntry(try value(schema: keySchema, json: tuple[0]), try value(schema: valueSchema, json: tuple[1])))
        }
        return .map(entries)
    }

    private func logicalValue(_ logical: ConnectLogicalType, schema: ConnectSchema, json: JSONValue) throws(ConnectDataError) -> ConnectValue {
        switch logical {
        case .decimal:
            if case let .number(text) = json {
                guard let decimal = ConnectDecimal(literal: text) else { throw ConnectDataError("Invalid Decimal number \(text)") }
                return .decimal(decimal)
            }
            if let text = json.stringValue {
                guard let bytes = ConnectBase64.decode(text), !bytes.isEmpty else {
                    throw ConnectDataError("Invalid bytes for Decimal field")
                }
                return .decimal(try ConnectLogicalType.decimal(fromBytes: bytes, schema: schema))
            }
            throw ConnectDataError("Invalid type for Decimal, underlying representation should be numeric or bytes but was \(Self.nodeType(json))")
        case .date:
            guard json.isIntegerLiteral, case let .number(text) = json, let days = Int32(text) else {
                throw ConnectDataError("Invalid type for Date, underlying representation should be integer but was \(Self.nodeType(json))")
            }
            return .timestamp(Int64(days) * ConnectLogicalType.millisPerDay)
        case .time:
            guard json.isIntegerLiteral, case let .number(text) = json, let millis = Int32(text) else {
                throw ConnectDataError("Invalid type for Time, underlying representation should be integer but was \(Self.nodeType(json))")
            }
            return .timestamp(try ConnectLogicalType.millis(fromTimeOfDay: millis))
        case .timestamp:
            guard json.isIntegerLiteral, case let .number(text) = json else {
                throw ConnectDataError("Invalid type for Timestamp, underlying representation should be integral but was \(Self.nodeType(json))")
            }
            guard let millis = Int64(text) else { throw ConnectDataError("Timestamp \(text) does not fit in INT64") }
            return .timestamp(millis)
        }
    }

    /// Integral value of a number node, truncated toward zero as Jackson's intValue()/longValue() do.
    /// The value of a primitive-typed `schema` (BOOLEAN to BYTES) read from non-null `json`, as
    /// JsonConverter and JsonSchemaConverter read it. ARRAY, MAP and STRUCT are the callers' own.
    static func primitive(_ json: JSONValue, schema: ConnectSchema) throws(ConnectDataError) -> ConnectValue {
        switch schema.type {
        case .boolean:
            guard let b = json.boolValue else { throw mismatch(schema, json) }
            return .boolean(b)
        case .int8: return .int8(Int8(truncatingIfNeeded: try integer(schema, json)))
        case .int16: return .int16(Int16(truncatingIfNeeded: try integer(schema, json)))
        case .int32: return .int32(Int32(truncatingIfNeeded: try integer(schema, json)))
        case .int64: return .int64(try integer(schema, json))
        case .float32:
            guard let d = json.doubleValue else { throw Self.mismatch(schema, json) }
            return .float32(Float(d))
        case .float64:
            guard let d = json.doubleValue else { throw Self.mismatch(schema, json) }
            return .float64(d)
        case .string:
            guard let s = json.stringValue else { throw Self.mismatch(schema, json) }
            return .string(s)
        case .bytes:
            guard let text = json.stringValue else { throw Self.mismatch(schema, json) }
            guard let bytes = ConnectBase64.decode(text) else { throw ConnectDataError("Invalid bytes field") }
            return .bytes(bytes)
        case .array, .map, .struct:
            throw mismatch(schema, json)
        }
    }

    private static func integer(_ schema: ConnectSchema, _ json: JSONValue) throws(ConnectDataError) -> Int64 {
        guard case let .number(text) = json else { throw Self.mismatch(schema, json) }
        if let exact = Int64(text) { return exact }
        if let truncated = ConnectDecimal(literal: text)?.truncatedInt64 { return truncated }
        throw ConnectDataError("Numeric value (\(text)) out of range of \(schema.type)")
    }

    static func mismatch(_ schema: ConnectSchema, _ json: JSONValue) -> ConnectDataError {
        ConnectDataError("Invalid JSON for \(schema.type) value: found \(Self.nodeType(json))")
    }

    /// Jackson's `JsonNodeType` names used in Kafka's messages.
    static func nodeType(_ json: JSONValue) -> String {
        switch json {
        case .null: "NULL"
        case .bool: "BOOLEAN"
        case .number: "NUMBER"
        case .string: "STRING"
        case .array: "ARRAY"
        case .object: "OBJECT"
        }
    }
}
