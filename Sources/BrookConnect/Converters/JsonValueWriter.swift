import BrookSchemas

/// Connect values to JSON as Kafka's `JsonConverter.convertToJson` writes them: Java number texts,
/// bytes as base64, string-keyed maps as objects and other maps as `[[key,value],…]`, logical types
/// by their encoded form, null replaced by the schema default when configured.
struct JsonValueWriter {
    let config: JsonConverterConfig

    /// nil only for a null value without a schema (Jackson's "no node").
    func json(schema: ConnectSchema?, value: ConnectValue) throws(ConnectDataError) -> JSONValue? {
        if value == .null {
            guard let schema else { return nil }
            if let fallback = schema.defaultValue, config.replaceNullWithDefault {
                return try json(schema: schema, value: fallback)
            }
            if schema.isOptional { return .null }
            throw ConnectDataError("Conversion error: null value for field that is required and has no default value")
        }
        if let schema, let logical = ConnectLogicalType(schemaName: schema.name) {
            return try logicalJSON(logical, schema: schema, value: value)
        }
        let type: ConnectSchemaType
        if let schema {
            type = schema.type
        } else {
            guard let inferred = value.inferredType else {
                throw ConnectDataError("Java class \(value.javaClassDescription) does not have corresponding schema type.")
            }
            type = inferred
        }
        let mismatch = ConnectDataError("Invalid type for \(schema.map { $0.type.rawValue } ?? "unknown schema"): \(value.javaClassDescription)")
        switch (type, value) {
        case let (.int8, .int8(v)): return JSONValue(integer: Int64(v))
        case let (.int16, .int16(v)): return JSONValue(integer: Int64(v))
        case let (.int32, .int32(v)): return JSONValue(integer: Int64(v))
        case let (.int64, .int64(v)): return JSONValue(integer: v)
        case let (.float32, .float32(v)): return Self.number(JavaText.float(v), finite: v.isFinite)
        case let (.float64, .float64(v)): return Self.number(JavaText.double(v), finite: v.isFinite)
        case let (.boolean, .boolean(v)): return .bool(v)
        case let (.string, .string(v)): return .string(v)
        case let (.bytes, .bytes(v)): return .string(ConnectBase64.encode(v))
        case let (.array, .array(items)):
            var out: [JSONValue] = []
            for item in items { out.append(try json(schema: schema?.valueSchema, value: item) ?? .null) }
            return .array(out)
        case let (.map, .map(entries)):
            let objectMode: Bool
            if let schema {
                objectMode = schema.keySchema?.type == .string
            } else {
                objectMode = entries.allSatisfy { if case .string = $0.key { true } else { false } }
            }
            if objectMode {
                var members: [(String, JSONValue)] = []
                for entry in entries {
                    let key = try json(schema: schema?.keySchema, value: entry.key) ?? .null
                    let memberValue = try json(schema: schema?.valueSchema, value: entry.value) ?? .null
                    let name = Self.asText(key)
                    // Jackson's ObjectNode.set replaces an existing member in place.
                    if let i = members.firstIndex(where: { $0.0 == name }) { members[i].1 = memberValue } else { members.append((name, memberValue)) }
                }
                return .object(members)
            }
            var pairs: [JSONValue] = []
            for entry in entries {
                pairs.append(.array([try json(schema: schema?.keySchema, value: entry.key) ?? .null,
                                     try json(schema: schema?.valueSchema, value: entry.value) ?? .null]))
            }
            return .array(pairs)
        case let (.struct, .struct(s)):
            // Kafka compares the struct's schema with the given one, so a struct without a schema fails too.
            guard let schema, s.schema == schema else { throw ConnectDataError("Mismatching schema.") }
            var members: [(String, JSONValue)] = []
            for field in schema.fields {
                members.append((field.name, try json(schema: field.schema, value: s.getWithoutDefault(field.name)) ?? .null))
            }
            return .object(members)
        default:
            throw mismatch
        }
    }

    private func logicalJSON(_ logical: ConnectLogicalType, schema: ConnectSchema, value: ConnectValue) throws(ConnectDataError) -> JSONValue {
        switch logical {
        case .decimal:
            guard case let .decimal(decimal) = value else {
                throw ConnectDataError("Invalid type for Decimal, expected BigDecimal but was \(value.javaClassDescription)")
            }
            switch config.decimalFormat {
            case .numeric: return .number(decimal.description)
            case .base64: return .string(ConnectBase64.encode(try ConnectLogicalType.decimalBytes(decimal, schema: schema)))
            }
        case .date, .time, .timestamp:
            let label = logical == .date ? "Date" : logical == .time ? "Time" : "Timestamp"
            guard case let .timestamp(millis) = value else {
                throw ConnectDataError("Invalid type for \(label), expected Date but was \(value.javaClassDescription)")
            }
            switch logical {
            case .date: return JSONValue(integer: Int64(try ConnectLogicalType.days(fromMillis: millis)))
            case .time: return JSONValue(integer: Int64(try ConnectLogicalType.timeOfDay(fromMillis: millis)))
            default: return JSONValue(integer: millis)
            }
        }
    }

    /// Jackson writes NaN and infinities as quoted strings only with a feature Kafka leaves off; it
    /// writes the bare token, which is not JSON. Brook writes them as strings so output stays JSON.
    private static func number(_ text: String, finite: Bool) -> JSONValue {
        finite ? .number(text) : .string(text)
    }

    /// Jackson's `JsonNode.asText()` for a map key written in object mode.
    private static func asText(_ json: JSONValue) -> String {
        switch json {
        case let .string(s): s
        case let .number(n): n
        case let .bool(b): b ? "true" : "false"
        case .null: "null"
        default: ""
        }
    }
}
