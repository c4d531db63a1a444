import BrookSchemas

/// Connect values ↔ Avro data for the schemas `ConnectToAvroSchema` writes and `AvroToConnectSchema`
/// reads (Confluent's `AvroData.fromConnectData` / `toConnectData`).
enum ConnectAvroValues {
    /// A logical value in its underlying Connect form: Decimal → bytes, Date/Time → INT32,
    /// Timestamp → INT64; other values unchanged.
    static func encodeLogical(_ value: ConnectValue, schema: ConnectSchema) throws(ConnectDataError) -> ConnectValue {
        guard let logical = ConnectLogicalType(schemaName: schema.name), value != .null else { return value }
        switch (logical, value) {
        case let (.decimal, .decimal(d)): return .bytes(try ConnectLogicalType.decimalBytes(d, schema: schema))
        case let (.date, .timestamp(ms)): return .int32(try ConnectLogicalType.days(fromMillis: ms))
        case let (.time, .timestamp(ms)): return .int32(try ConnectLogicalType.timeOfDay(fromMillis: ms))
        case let (.timestamp, .timestamp(ms)): return .int64(ms)
        case (.decimal, _): throw ConnectDataError("Invalid type for Decimal, expected BigDecimal but was \(value.javaClassDescription)")
        default: throw ConnectDataError("Invalid type for \(schema.name ?? ""), expected Date but was \(value.javaClassDescription)")
        }
    }

    /// The Avro datum for `value` under the Avro schema generated from `schema`.
    static func avro(_ value: ConnectValue, schema: ConnectSchema, ignoreOptional: Bool = false) throws(ConnectDataError) -> AvroValue {
        if schema.isOptional && !ignoreOptional {
            if ConnectAvroNames.isUnion(schema) { return try unionValue(value, schema: schema) }
            let nullFirst = schema.type == .struct || schema.defaultValue == nil
            if value == .null { return .union(branch: nullFirst ? 0 : 1, value: .null) }
            return .union(branch: nullFirst ? 1 : 0, value: try avro(value, schema: schema, ignoreOptional: true))
        }
        if ConnectAvroNames.isUnion(schema) { return try unionValue(value, schema: schema) }
        if value == .null {
            throw ConnectDataError("Conversion error: null value for field that is required and has no default value")
        }
        let encoded = try encodeLogical(value, schema: schema)
        let mismatch = ConnectDataError("Invalid type for \(schema.type): \(value.javaClassDescription)")
        switch (schema.type, encoded) {
        case let (.int8, .int8(v)): return .int(Int32(v))
        case let (.int16, .int16(v)): return .int(Int32(v))
        case let (.int32, .int32(v)): return .int(v)
        case let (.int64, .int64(v)): return .long(v)
        case let (.float32, .float32(v)): return .float(v)
        case let (.float64, .float64(v)): return .double(v)
        case let (.boolean, .boolean(v)): return .boolean(v)
        case let (.string, .string(v)): return .string(v)
        case let (.bytes, .bytes(v)):
            guard let sizeText = schema.parameter(ConnectAvroNames.fixedSizeParameter), let size = Int(sizeText) else { return .bytes(v) }
            var bytes = v
            if schema.name == ConnectLogicalType.decimal.rawValue, bytes.count < size {
                // Sign-extend to the fixed size (AvroData.padToFixedSize).
                bytes = Array(repeating: (bytes.first ?? 0) & 0x80 != 0 ? 0xFF : 0, count: size - bytes.count) + bytes
            }
            guard bytes.count == size else { throw ConnectDataError("Fixed size \(size) does not match \(bytes.count) bytes") }
            return .fixed(bytes)
        case let (.array, .array(items)):
            var out: [AvroValue] = []
            for item in items { out.append(try avro(item, schema: schema.valueSchema!)) }
            return .array(out)
        case let (.map, .map(entries)):
            let keySchema = schema.keySchema!, valueSchema = schema.valueSchema!
            if keySchema.type == .string && !keySchema.isOptional {
                var out: [AvroMapEntry] = []
                for entry in entries {
                    guard case let .string(key) = entry.key else { throw mismatch }
                    out.append(AvroMapEntry(key: key, value: try avro(entry.value, schema: valueSchema)))
                }
                return .map(out)
            }
            var records: [AvroValue] = []
            for entry in entries {
                records.append(.record([try avro(entry.key, schema: keySchema), try avro(entry.value, schema: valueSchema)]))
            }
            return .array(records)
        case let (.struct, .struct(s)):
            guard s.schema == schema else { throw ConnectDataError("Mismatching struct schema") }
            var fields: [AvroValue] = []
            for f in schema.fields { fields.append(try avro(s.get(f.name), schema: f.schema)) }
            return .record(fields)
        default:
            throw mismatch
        }
    }

    /// A Connect union struct: the first non-null member, as that union branch.
    private static func unionValue(_ value: ConnectValue, schema: ConnectSchema) throws(ConnectDataError) -> AvroValue {
        let offset = schema.isOptional ? 1 : 0
        if case let .struct(s) = value {
            for (i, f) in schema.fields.enumerated() {
                let member = try s.get(f.name)
                if member != .null { return .union(branch: i + offset, value: try avro(member, schema: f.schema, ignoreOptional: true)) }
            }
        } else if value != .null {
            throw ConnectDataError("Invalid type for a union: \(value.javaClassDescription)")
        }
        guard schema.isOptional else { throw ConnectDataError("Conversion error: null value for a required union") }
        return .union(branch: 0, value: .null)
    }

    /// The Connect value of an Avro datum of type `typeIndex` in `avro`, shaped by `schema` (from
    /// `AvroToConnectSchema` for the same type).
    static func connect(_ value: AvroValue, type typeIndex: Int, in avro: AvroSchema, schema: ConnectSchema) throws(ConnectDataError) -> ConnectValue {
        let type = avro[typeIndex]
        if case let .union(branches) = type.kind {
            guard case let .union(branch, inner) = value, branches.indices.contains(branch) else {
                throw ConnectDataError("Avro union value does not match its schema")
            }
            let branchType = branches[branch]
            if case .primitive(.null) = avro[branchType].kind { return .null }
            if ConnectAvroNames.isUnion(schema) {
                let memberKey = Self.memberName(avro[branchType])
                guard let field = schema.field(named: memberKey) else { throw ConnectDataError("No union member \(memberKey)") }
                let member = try connect(inner, type: branchType, in: avro, schema: field.schema)
                return .struct(try ConnectStruct(schema: schema).putting(field.name, member))
            }
            return try connect(inner, type: branchType, in: avro, schema: schema)
        }
        let raw: ConnectValue
        switch (type.kind, value) {
        case (.primitive(.null), _): return .null
        case let (.primitive(.boolean), .boolean(b)): raw = .boolean(b)
        case let (.primitive(.int), .int(i)):
            switch schema.type {
            case .int8: raw = .int8(Int8(truncatingIfNeeded: i))
            case .int16: raw = .int16(Int16(truncatingIfNeeded: i))
            default: raw = .int32(i)
            }
        case let (.primitive(.long), .long(l)): raw = .int64(l)
        case let (.primitive(.float), .float(f)): raw = .float32(f)
        case let (.primitive(.double), .double(d)): raw = .float64(d)
        case let (.primitive(.string), .string(s)): raw = .string(s)
        case let (.primitive(.bytes), .bytes(b)), let (.fixed, .fixed(b)): raw = .bytes(b)
        case let (.enumeration(e), .enumeration(i)):
            guard e.symbols.indices.contains(i) else { throw ConnectDataError("Enum index \(i) out of range") }
            raw = .string(e.symbols[i])
        case let (.array(items), .array(values)):
            if schema.type == .map {
                var entries: [ConnectMapEntry] = []
                guard case let .record(entryRecord) = avro[items].kind, entryRecord.fields.count == 2 else {
                    throw ConnectDataError("Found map encoded as array of key-value pairs, but array elements do not match the expected format.")
                }
                for v in values {
                    guard case let .record(pair) = v, pair.count == 2 else { throw ConnectDataError("Invalid map entry") }
                    entries.append(ConnectMapEntry(try connect(pair[0], type: entryRecord.fields[0].type, in: avro, schema: schema.keySchema!),
                                                   try connect(pair[1], type: entryRecord.fields[1].type, in: avro, schema: schema.valueSchema!)))
                }
                return .map(entries)
            }
            var out: [ConnectValue] = []
            for v in values { out.append(try connect(v, type: items, in: avro, schema: schema.valueSchema!)) }
            return .array(out)
        case let (.map(valuesType), .map(entries)):
            var out: [ConnectMapEntry] = []
            for entry in entries { out.append(ConnectMapEntry(.string(entry.key), try connect(entry.value, type: valuesType, in: avro, schema: schema.valueSchema!))) }
            return .map(out)
        case let (.record(record), .record(fields)):
            guard fields.count == record.fields.count else { throw ConnectDataError("Avro record value does not match its schema") }
            var result = try ConnectStruct(schema: schema)
            for (field, fieldValue) in zip(record.fields, fields) {
                guard let connectField = schema.field(named: field.name) else { continue }
                try result.put(field.name, connect(fieldValue, type: field.type, in: avro, schema: connectField.schema))
            }
            return .struct(result)
        default:
            throw ConnectDataError("Avro value does not match its \(type.typeName) schema")
        }
        return try decodeLogical(raw, schema: schema)
    }

    /// The Connect logical value for an underlying value (Decimal/Date/Time/Timestamp.toLogical).
    static func decodeLogical(_ raw: ConnectValue, schema: ConnectSchema) throws(ConnectDataError) -> ConnectValue {
        switch (ConnectLogicalType(schemaName: schema.name), raw) {
        case let (.decimal?, .bytes(b)): return .decimal(try ConnectLogicalType.decimal(fromBytes: b, schema: schema))
        case let (.date?, .int32(days)): return .timestamp(Int64(days) * ConnectLogicalType.millisPerDay)
        case let (.time?, .int32(ms)): return .timestamp(try ConnectLogicalType.millis(fromTimeOfDay: ms))
        case let (.timestamp?, .int64(ms)): return .timestamp(ms)
        default: return raw
        }
    }

    /// AvroData.unionMemberFieldName without enhanced support: a named type's short name, else the type name.
    static func memberName(_ type: AvroType) -> String {
        if let name = type.name { return name.name }
        return type.typeName
    }
}

extension AvroType {
    /// The Avro type name ("int", "record", ...).
    var typeName: String {
        switch kind {
        case let .primitive(p): p.rawValue
        case .array: "array"
        case .map: "map"
        case .union: "union"
        case .record: "record"
        case .enumeration: "enum"
        case .fixed: "fixed"
        }
    }

    func attribute(_ name: String) -> JSONValue? {
        attributes.first { $0.name == name }?.value
    }
}
