import BrookSchemas

/// Connect schema → Avro schema JSON with Confluent's `AvroData.fromConnectSchema` conventions
/// (defaults: `connect.meta.data=true`, `enhanced.avro.schema.support=false`,
/// `scrub.invalid.names=false`): INT8/INT16 as `int` with `connect.type`, optional as a union with
/// null, unnamed structs as `io.confluent.connect.avro.ConnectDefault[n]`, maps with non-string keys as
/// arrays of `MapEntry` records, logical types with both Avro's `logicalType` and `connect.name`.
struct ConnectToAvroSchema {
    private var unnamedCount = 0
    /// Named types already written in this document: the second use is written by name.
    private var defined: [String: ConnectSchema] = [:]

    static func avroJSON(for schema: ConnectSchema) throws(ConnectDataError) -> JSONValue {
        var writer = ConnectToAvroSchema()
        return try writer.json(for: schema, ignoreOptional: false)
    }

    private mutating func name(for schemaName: String?) -> (namespace: String?, name: String) {
        if let schemaName { return ConnectAvroNames.split(schemaName) }
        unnamedCount += 1
        return (ConnectAvroNames.namespace, ConnectAvroNames.defaultSchemaName + (unnamedCount > 1 ? String(unnamedCount) : ""))
    }

    mutating func json(for schema: ConnectSchema, ignoreOptional: Bool) throws(ConnectDataError) -> JSONValue {
        var members: [(String, JSONValue)]
        var connectType: String?
        switch schema.type {
        case .int8: members = [("type", .string("int"))]; connectType = "int8"
        case .int16: members = [("type", .string("int"))]; connectType = "int16"
        case .int32: members = [("type", .string("int"))]
        case .int64: members = [("type", .string("long"))]
        case .float32: members = [("type", .string("float"))]
        case .float64: members = [("type", .string("double"))]
        case .boolean: members = [("type", .string("boolean"))]
        case .string: members = [("type", .string("string"))]
        case .bytes:
            if let sizeText = schema.parameter(ConnectAvroNames.fixedSizeParameter), let size = Int(sizeText) {
                let (namespace, name) = name(for: schema.name)
                members = [("type", .string("fixed")), ("name", .string(name))]
                if let namespace { members.append(("namespace", .string(namespace))) }
                members.append(("size", JSONValue(integer: Int64(size))))
            } else {
                members = [("type", .string("bytes"))]
            }
            if schema.name == ConnectLogicalType.decimal.rawValue {
                let scale = try ConnectLogicalType.decimalScale(of: schema)
                members.append(("scale", JSONValue(integer: Int64(scale))))
                members.append(("precision", JSONValue(integer: Int64(Self.precision(of: schema)))))
            }
        case .array:
            guard let element = schema.valueSchema else { throw ConnectDataError("Array schema has no element schema") }
            members = [("type", .string("array")), ("items", try json(for: element, ignoreOptional: false))]
        case .map:
            guard let keySchema = schema.keySchema, let valueSchema = schema.valueSchema else {
                throw ConnectDataError("Map schema has no key or value schema")
            }
            if keySchema.type == .string && !keySchema.isOptional {
                members = [("type", .string("map")), ("values", try json(for: valueSchema, ignoreOptional: false))]
            } else {
                var entry: [(String, JSONValue)] = [("type", .string("record"))]
                if let schemaName = schema.name {
                    let (namespace, name) = ConnectAvroNames.split(schemaName)
                    entry.append(("name", .string(name)))
                    if let namespace { entry.append(("namespace", .string(namespace))) }
                } else {
                    entry.append(("name", .string(ConnectAvroNames.mapEntryTypeName)))
                    entry.append(("namespace", .string(ConnectAvroNames.namespace)))
                }
                entry.append(("fields", .array([
                    try field(ConnectAvroNames.keyField, keySchema, doc: nil),
                    try field(ConnectAvroNames.valueField, valueSchema, doc: nil),
                ])))
                if schema.name != nil { entry.append((ConnectAvroNames.connectInternalType, .string(ConnectAvroNames.mapEntryTypeName))) }
                members = [("type", .string("array")), ("items", .object(entry))]
            }
        case .struct:
            if ConnectAvroNames.isUnion(schema) {
                var branches: [JSONValue] = schema.isOptional ? [.string("null")] : []
                for f in schema.fields { branches.append(try json(for: f.schema.required(), ignoreOptional: true)) }
                return .array(branches)
            }
            if schema.isOptional {
                return .array([.string("null"), try json(for: schema.required(), ignoreOptional: false)])
            }
            if let schemaName = schema.name, let earlier = defined[schemaName] {
                guard earlier == schema else { throw ConnectDataError("Schema name \(schemaName) is used by two different schemas") }
                return .string(schemaName)
            }
            let (namespace, name) = name(for: schema.name)
            if let schemaName = schema.name { defined[schemaName] = schema }
            members = [("type", .string("record")), ("name", .string(name))]
            if let namespace { members.append(("namespace", .string(namespace))) }
            if let doc = schema.parameter(ConnectAvroNames.recordDocParameter) { members.append(("doc", .string(doc))) }
            var fields: [JSONValue] = []
            for f in schema.fields {
                fields.append(try field(f.name, f.schema, doc: schema.parameter(ConnectAvroNames.fieldDocPrefix + f.name)))
            }
            members.append(("fields", .array(fields)))
        }

        // Connect metadata, then logical types, then `avro*` parameters, in the order AvroData adds them.
        if let doc = schema.doc { members.append((ConnectAvroNames.connectDoc, .string(doc))) }
        if let version = schema.version { members.append((ConnectAvroNames.connectVersion, JSONValue(integer: Int64(version)))) }
        if let parameters = schema.parameters {
            let kept = parameters.filter { $0.name != ConnectAvroNames.fieldDefaultFlag }
            if !kept.isEmpty { members.append((ConnectAvroNames.connectParameters, .object(kept.map { ($0.name, .string($0.value)) }))) }
        }
        if let fallback = schema.defaultValue, schema.parameter(ConnectAvroNames.fieldDefaultFlag) == nil {
            members.append((ConnectAvroNames.connectDefault, try ConnectAvroDefaults.json(fallback, schema: schema)))
        }
        if let name = schema.name { members.append((ConnectAvroNames.connectName, .string(name))) }
        if let connectType { members.append((ConnectAvroNames.connectType, .string(connectType))) }
        switch ConnectLogicalType(schemaName: schema.name) {
        case .decimal:
            // Avro's decimal needs 0 ≤ scale ≤ precision; AvroData tags other scales "decimal" too.
            members.append(("logicalType", .string("decimal")))
        case .date: members.append(("logicalType", .string("date")))
        case .time: members.append(("logicalType", .string("time-millis")))
        case .timestamp: members.append(("logicalType", .string("timestamp-millis")))
        case nil: break
        }
        for parameter in schema.parameters ?? [] where parameter.name.hasPrefix("avro") && !members.contains(where: { $0.0 == parameter.name }) {
            members.append((parameter.name, .string(parameter.value)))
        }
        // A primitive without properties is written as its bare name, as Avro prints it.
        let base: JSONValue = members.count == 1 ? members[0].1 : .object(members)
        guard schema.isOptional, !ignoreOptional else { return base }
        return schema.defaultValue != nil ? .array([base, .string("null")]) : .array([.string("null"), base])
    }

    private mutating func field(_ name: String, _ schema: ConnectSchema, doc: String?) throws(ConnectDataError) -> JSONValue {
        var members: [(String, JSONValue)] = [("name", .string(name)), ("type", try json(for: schema, ignoreOptional: false))]
        if let doc { members.append(("doc", .string(doc))) }
        if let fallback = schema.defaultValue {
            members.append(("default", try ConnectAvroDefaults.json(fallback, schema: schema)))
        } else if schema.isOptional {
            members.append(("default", .null))
        }
        return .object(members)
    }

    static func precision(of schema: ConnectSchema) -> Int32 {
        schema.parameter(ConnectAvroNames.decimalPrecisionParameter).flatMap { Int32($0) } ?? ConnectAvroNames.defaultDecimalPrecision
    }
}

/// Connect default values as Avro JSON defaults (AvroData.defaultValueFromConnect): logical values in
/// their encoded form, bytes as ISO-8859-1 text, structs as objects.
enum ConnectAvroDefaults {
    static func json(_ value: ConnectValue, schema: ConnectSchema) throws(ConnectDataError) -> JSONValue {
        if value == .null { return .null }
        let encoded = try ConnectAvroValues.encodeLogical(value, schema: schema)
        switch (schema.type, encoded) {
        case let (.int8, .int8(v)): return JSONValue(integer: Int64(v))
        case let (.int16, .int16(v)): return JSONValue(integer: Int64(v))
        case let (.int32, .int32(v)): return JSONValue(integer: Int64(v))
        case let (.int64, .int64(v)): return JSONValue(integer: v)
        case let (.float32, .float32(v)): return v.isFinite ? .number(JavaText.float(v)) : .string(JavaText.float(v))
        case let (.float64, .float64(v)): return v.isFinite ? .number(JavaText.double(v)) : .string(JavaText.double(v))
        case let (.boolean, .boolean(v)): return .bool(v)
        case let (.string, .string(v)): return .string(v)
        case let (.bytes, .bytes(v)): return .string(String(String.UnicodeScalarView(v.map { Unicode.Scalar($0) })))
        case let (.array, .array(items)):
            var out: [JSONValue] = []
            for item in items { out.append(try json(item, schema: schema.valueSchema ?? .optionalString)) }
            return .array(out)
        case let (.map, .map(entries)):
            if schema.keySchema?.type == .string && schema.keySchema?.isOptional == false {
                var members: [(String, JSONValue)] = []
                for entry in entries { members.append((entry.key.stringValue ?? "", try json(entry.value, schema: schema.valueSchema ?? .optionalString))) }
                return .object(members)
            }
            var pairs: [JSONValue] = []
            for entry in entries {
                pairs.append(.array([try json(entry.key, schema: schema.keySchema ?? .optionalString),
                                     try json(entry.value, schema: schema.valueSchema ?? .optionalString)]))
            }
            return .array(pairs)
        case let (.struct, .struct(s)):
            var members: [(String, JSONValue)] = []
            for f in schema.fields {
                let fieldDefault = try json(s.get(f.name), schema: f.schema)
                if ConnectAvroNames.isUnion(schema) { return fieldDefault }
                members.append((f.name, fieldDefault))
            }
            return .object(members)
        default:
            throw ConnectDataError("Invalid type used for default value of \(schema.type) field: \(value.javaClassDescription)")
        }
    }
}
