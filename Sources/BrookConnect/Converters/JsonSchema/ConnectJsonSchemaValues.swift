import BrookSchemas

/// Connect values ↔ JSON payloads for the documents `ConnectToJsonSchema` writes (Confluent's
/// `JsonSchemaData.fromConnectData` / `toConnectData`): bytes and BASE64 decimals as base64 strings,
/// logical dates and times as integers, string-keyed maps as objects, other maps as arrays of
/// `{"key":…,"value":…}` objects, `oneOf` structs as the value of their one set field.
struct ConnectJsonSchemaValues: Sendable {
    var decimalFormat: JsonConverterConfig.DecimalFormat = .base64
    /// `ignore.default.for.nullables`: a null optional field stays null instead of taking its default.
    var ignoreDefaultForNullables = false

    /// The JSON for `value`; nil means "no node" (a struct member left out).
    func json(_ value: ConnectValue, schema: ConnectSchema) throws(ConnectDataError) -> JSONValue? {
        if value == .null {
            if let fallback = schema.defaultValue, !ignoreDefaultForNullables { return try json(fallback, schema: schema) }
            if schema.isOptional { return .null }
            // Confluent leaves the member out, which its reader then cannot take back; Brook refuses early.
            throw ConnectDataError("Conversion error: null value for field that is required and has no default value")
        }
        if let logical = ConnectLogicalType(schemaName: schema.name) {
            switch (logical, value) {
            case let (.decimal, .decimal(d)):
                if decimalFormat == .numeric { return .number(d.description) }
                return .string(ConnectBase64.encode(try ConnectLogicalType.decimalBytes(d, schema: schema)))
            case let (.date, .timestamp(ms)): return JSONValue(integer: Int64(try ConnectLogicalType.days(fromMillis: ms)))
            case let (.time, .timestamp(ms)): return JSONValue(integer: Int64(try ConnectLogicalType.timeOfDay(fromMillis: ms)))
            case let (.timestamp, .timestamp(ms)): return JSONValue(integer: ms)
            case (.decimal, _): throw ConnectDataError("Invalid type for Decimal, expected BigDecimal but was \(value.javaClassDescription)")
            default: throw ConnectDataError("Invalid type for \(schema.name ?? ""), expected Date but was \(value.javaClassDescription)")
            }
        }
        switch (schema.type, value) {
        case let (.int8, .int8(v)): return JSONValue(integer: Int64(v))
        case let (.int16, .int16(v)): return JSONValue(integer: Int64(v))
        case let (.int32, .int32(v)): return JSONValue(integer: Int64(v))
        case let (.int64, .int64(v)): return JSONValue(integer: v)
        case let (.float32, .float32(v)):
            guard v.isFinite else { throw ConnectDataError("JSON has no form for the FLOAT32 value \(JavaText.float(v))") }
            return .number(JavaText.float(v))
        case let (.float64, .float64(v)):
            guard v.isFinite else { throw ConnectDataError("JSON has no form for the FLOAT64 value \(JavaText.double(v))") }
            return .number(JavaText.double(v))
        case let (.boolean, .boolean(v)): return .bool(v)
        case let (.string, .string(v)): return .string(v)
        case let (.bytes, .bytes(v)): return .string(ConnectBase64.encode(v))
        case let (.array, .array(items)):
            let element = schema.valueSchema ?? .optionalString
            var out: [JSONValue] = []
            for item in items { out.append(try json(item, schema: element) ?? .null) }
            return .array(out)
        case let (.map, .map(entries)):
            let keySchema = schema.keySchema ?? .optionalString, valueSchema = schema.valueSchema ?? .optionalString
            if keySchema.type == .string && !keySchema.isOptional {
                var members: [(String, JSONValue)] = []
                for entry in entries {
                    guard case let .string(name) = entry.key else { throw ConnectDataError("Invalid type for STRING: \(entry.key.javaClassDescription)") }
                    let member = try json(entry.value, schema: valueSchema) ?? .null
                    if let i = members.firstIndex(where: { $0.0 == name }) { members[i].1 = member } else { members.append((name, member)) }
                }
                return .object(members)
            }
            var pairs: [JSONValue] = []
            for entry in entries {
                pairs.append(.object([(ConnectJsonSchemaNames.keyField, try json(entry.key, schema: keySchema) ?? .null),
                                      (ConnectJsonSchemaNames.valueField, try json(entry.value, schema: valueSchema) ?? .null)]))
            }
            return .array(pairs)
        case let (.struct, .struct(s)):
            guard s.schema == schema else { throw ConnectDataError("Mismatching schema.") }
            if ConnectJsonSchemaNames.isUnion(schema) {
                for field in schema.fields {
                    let member = ignoreDefaultForNullables ? try s.getWithoutDefault(field.name) : try s.get(field.name)
                    if member != .null { return try json(member, schema: field.schema) }
                }
                return schema.isOptional ? .null : nil
            }
            var members: [(String, JSONValue)] = []
            for field in schema.fields {
                let member = ignoreDefaultForNullables ? try s.getWithoutDefault(field.name) : try s.get(field.name)
                if let node = try json(member, schema: field.schema) { members.append((field.name, node)) }
            }
            return .object(members)
        default:
            throw ConnectDataError("Invalid type for \(schema.type): \(value.javaClassDescription)")
        }
    }

    /// The Connect value of `json` (nil: the member is missing) under `schema`.
    func connect(_ json: JSONValue?, schema: ConnectSchema) throws(ConnectDataError) -> ConnectValue {
        guard let json, json != .null else {
            if let fallback = schema.defaultValue { return fallback }
            if json == nil || schema.isOptional { return .null }
            throw ConnectDataError("Invalid null value for required \(schema.type) field")
        }
        if let logical = ConnectLogicalType(schemaName: schema.name) { return try logicalValue(logical, json: json, schema: schema) }
        switch schema.type {
        case .boolean, .int8, .int16, .int32, .int64, .float32, .float64, .string, .bytes:
            return try JsonValueReader.primitive(json, schema: schema)
        case .array:
            guard let items = json.arrayValue else { throw mismatch(schema, json) }
            let element = schema.valueSchema ?? .optionalString
            var out: [ConnectValue] = []
            for item in items { out.append(try connect(item, schema: element)) }
            return .array(out)
        case .map:
            return try mapValue(json, schema: schema)
        case .struct:
            if ConnectJsonSchemaNames.isUnion(schema) { return try unionValue(json, schema: schema) }
            guard json.objectMembers != nil else {
                throw ConnectDataError("Structs should be encoded as JSON objects, but found \(JsonValueReader.nodeType(json))")
            }
            var result = try ConnectStruct(schema: schema)
            for field in schema.fields {
                let member = try connect(json[field.name], schema: field.schema)
                if member != .null { try result.put(field.name, member) }
            }
            return .struct(result)
        }
    }

    private func mapValue(_ json: JSONValue, schema: ConnectSchema) throws(ConnectDataError) -> ConnectValue {
        let keySchema = schema.keySchema ?? .optionalString, valueSchema = schema.valueSchema ?? .optionalString
        var entries: [ConnectMapEntry] = []
        if keySchema.type == .string && !keySchema.isOptional {
            guard let members = json.objectMembers else {
                throw ConnectDataError("Maps with string fields should be encoded as JSON objects, but found \(JsonValueReader.nodeType(json))")
            }
            for (name, member) in members { entries.append(ConnectMapEntry(.string(name), try connect(member, schema: valueSchema))) }
            return .map(entries)
        }
        guard let pairs = json.arrayValue else {
            throw ConnectDataError("Maps with non-string fields should be encoded as JSON array of objects, but found \(JsonValueReader.nodeType(json))")
        }
        for pair in pairs {
            guard let members = pair.objectMembers else {
                throw ConnectDataError("Found invalid map entry instead of object: \(JsonValueReader.nodeType(pair))")
            }
            guard members.count == 2 else { throw ConnectDataError("Found invalid map entry, expected length 2 but found :\(members.count)") }
            entries.append(ConnectMapEntry(try connect(pair[ConnectJsonSchemaNames.keyField], schema: keySchema),
                                           try connect(pair[ConnectJsonSchemaNames.valueField], schema: valueSchema)))
        }
        return .map(entries)
    }

    /// JsonSchemaData's oneOf matching: the first branch whose simple type fits the node, else the
    /// struct branch sharing the most member names with it.
    private func unionValue(_ json: JSONValue, schema: ConnectSchema) throws(ConnectDataError) -> ConnectValue {
        var best: (field: ConnectField, matches: Int)?
        for field in schema.fields {
            if Self.fitsSimpleType(json, schema: field.schema) {
                return .struct(try ConnectStruct(schema: schema).putting(field.name, connect(json, schema: field.schema)))
            }
            if field.schema.type == .struct, let members = json.objectMembers {
                let matches = members.filter { field.schema.field(named: $0.0) != nil }.count
                if matches > (best?.matches ?? 0) { best = (field, matches) }
            }
        }
        guard let best else { throw ConnectDataError("Did not find matching oneof field for data") }
        return .struct(try ConnectStruct(schema: schema).putting(best.field.name, connect(json, schema: best.field.schema)))
    }

    private static func fitsSimpleType(_ json: JSONValue, schema: ConnectSchema) -> Bool {
        switch (schema.type, json) {
        case (.boolean, .bool), (.string, .string), (.array, .array): true
        case (.int8, .number), (.int16, .number), (.int32, .number), (.int64, .number): json.isIntegerLiteral
        case (.float32, .number), (.float64, .number): true
        case (.bytes, .string): true
        case (.map, .object): schema.keySchema?.type == .string
        default: false
        }
    }

    private func logicalValue(_ logical: ConnectLogicalType, json: JSONValue, schema: ConnectSchema) throws(ConnectDataError) -> ConnectValue {
        switch logical {
        case .decimal:
            if case let .number(text) = json {
                guard let decimal = ConnectDecimal(literal: text) else { throw ConnectDataError("Invalid Decimal number \(text)") }
                return .decimal(decimal)
            }
            guard let text = json.stringValue else {
                throw ConnectDataError("Invalid type for Decimal, underlying representation should be numeric or bytes but was \(JsonValueReader.nodeType(json))")
            }
            guard let bytes = ConnectBase64.decode(text), !bytes.isEmpty else { throw ConnectDataError("Invalid bytes for Decimal field") }
            return .decimal(try ConnectLogicalType.decimal(fromBytes: bytes, schema: schema))
        case .date, .time:
            guard json.isIntegerLiteral, case let .number(text) = json, let number = Int32(text) else {
                throw ConnectDataError("Invalid type for \(logical == .date ? "Date" : "Time"), underlying representation should be integer but was \(JsonValueReader.nodeType(json))")
            }
            if logical == .date { return .timestamp(Int64(number) * ConnectLogicalType.millisPerDay) }
            return .timestamp(try ConnectLogicalType.millis(fromTimeOfDay: number))
        case .timestamp:
            guard json.isIntegerLiteral, case let .number(text) = json, let millis = Int64(text) else {
                throw ConnectDataError("Invalid type for Timestamp, underlying representation should be integral but was \(JsonValueReader.nodeType(json))")
            }
            return .timestamp(millis)
        }
    }

    private func mismatch(_ schema: ConnectSchema, _ json: JSONValue) -> ConnectDataError {
        JsonValueReader.mismatch(schema, json)
    }
}
