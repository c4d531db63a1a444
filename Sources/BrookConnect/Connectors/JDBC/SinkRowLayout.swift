/// Which columns a sink record fills and with which values (Confluent's `FieldsMetadata` and
/// `PreparedStatementBinder`): the primary key columns from `pk.mode`/`pk.fields`, then the value's
/// fields (less the key columns, filtered by `fields.include`). Sans-IO.
///
/// Schemaless values (a map with string keys, as `JsonConverter` with `schemas.enable=false`
/// gives) are accepted too: each entry becomes an optional column whose type is taken from the
/// value (a 64-bit integer → BIGINT, a string → TEXT, …; a null → an optional string column).
public struct SinkRowLayout: Sendable, Hashable {
    public var keyColumns: [SQLColumnDefinition]
    public var valueColumns: [SQLColumnDefinition]

    public var allColumns: [SQLColumnDefinition] { keyColumns + valueColumns }

    /// The layout of `record` and its values (key columns' first); a tombstone yields the key
    /// values only. Throws `SQLConnectorError` for a record the configuration cannot write.
    public static func make(_ record: ConnectRecord, config: JDBCSinkConfig)
        throws(SQLConnectorError) -> (layout: SinkRowLayout, keyValues: [SQLValue], values: [SQLValue]) {
        var keyColumns: [SQLColumnDefinition] = []
        var keyValues: [SQLValue] = []
        var keyNames: Set<String> = []
        switch config.pkMode {
        case .none:
            break
        case .kafka:
            let names = config.pkFields.isEmpty ? JDBCSinkConfig.kafkaCoordinateColumns : config.pkFields
            keyColumns = [
                SQLColumnDefinition(name: names[0], schema: .string),
                SQLColumnDefinition(name: names[1], schema: .int32),
                SQLColumnDefinition(name: names[2], schema: .int64),
            ]
            keyValues = [.text(record.topic), .integer(Int64(record.kafkaPartition ?? 0)), .integer(record.kafkaOffset ?? 0)]
        case .recordKey:
            let fields = try Fields(value: record.key, schema: record.keySchema, what: "key")
            if let fields {
                let wanted = config.pkFields.isEmpty ? fields.names : config.pkFields
                for name in wanted {
                    guard let index = fields.names.firstIndex(of: name) else {
                        throw SQLConnectorError("PK mode for table is RECORD_KEY with configured PK fields \(config.pkFields), but record key schema does not contain field: \(name)")
                    }
                    keyColumns.append(SQLColumnDefinition(name: name, schema: fields.schemas[index].required()))
                    keyValues.append(fields.values[index])
                }
            } else {
                guard record.key != .null else {
                    throw SQLConnectorError("PK mode is RECORD_KEY but the record at (topic='\(record.topic)',partition=\(record.kafkaPartition ?? -1),offset=\(record.kafkaOffset ?? -1)) has a null key")
                }
                guard config.pkFields.count <= 1 else {
                    throw SQLConnectorError("Need exactly one PK column defined since the key schema for records is a primitive type, defined columns are: \(config.pkFields)")
                }
                let schema = try primitiveSchema(record.key, declared: record.keySchema, what: "key")
                keyColumns = [SQLColumnDefinition(name: config.pkFields.first ?? JDBCSinkConfig.defaultKeyColumn, schema: schema.required())]
                keyValues = [try sqlValue(record.key, schema: schema, field: keyColumns[0].name)]
            }
        case .recordValue:
            break
        }
        keyNames = Set(keyColumns.map(\.name))

        if record.value == .null {
            guard config.deleteEnabled else {
                throw SQLConnectorError("Sink is configured with delete.enabled=false and therefore requires records with a non-null value, but found a null value at (topic='\(record.topic)',partition=\(record.kafkaPartition ?? -1),offset=\(record.kafkaOffset ?? -1))")
            }
            return (SinkRowLayout(keyColumns: keyColumns, valueColumns: []), keyValues, [])
        }
        guard let fields = try Fields(value: record.value, schema: record.valueSchema, what: "value") else {
            throw SQLConnectorError("Sink requires records with a struct value (or a map without schema), but found \(record.valueSchema?.type.rawValue ?? record.value.javaClassName) at (topic='\(record.topic)',partition=\(record.kafkaPartition ?? -1),offset=\(record.kafkaOffset ?? -1))")
        }
        if config.pkMode == .recordValue {
            let wanted = config.pkFields.isEmpty ? fields.names : config.pkFields
            for name in wanted {
                guard let index = fields.names.firstIndex(of: name) else {
                    throw SQLConnectorError("PK mode for table is RECORD_VALUE with configured PK fields \(config.pkFields), but record value schema does not contain field: \(name)")
                }
                keyColumns.append(SQLColumnDefinition(name: name, schema: fields.schemas[index].required()))
                keyValues.append(fields.values[index])
            }
            keyNames = Set(keyColumns.map(\.name))
        }
        let include = Set(config.fieldsInclude)
        var valueColumns: [SQLColumnDefinition] = []
        var values: [SQLValue] = []
        for (index, name) in fields.names.enumerated() where !keyNames.contains(name) && (include.isEmpty || include.contains(name)) {
            valueColumns.append(SQLColumnDefinition(name: name, schema: fields.schemas[index]))
            values.append(fields.values[index])
        }
        for (index, value) in keyValues.enumerated() where value == .null {
            throw SQLConnectorError("Primary key column \(keyColumns[index].name) is null")
        }
        return (SinkRowLayout(keyColumns: keyColumns, valueColumns: valueColumns), keyValues, values)
    }

    /// A struct's (or schemaless string-keyed map's) fields as names, schemas and SQL values; nil
    /// when the value is neither.
    private struct Fields {
        var names: [String] = []
        var schemas: [ConnectSchema] = []
        var values: [SQLValue] = []

        init?(value: ConnectValue, schema: ConnectSchema?, what: String) throws(SQLConnectorError) {
            if let schema {
                guard schema.type == .struct, case let .struct(fields) = value else { return nil }
                for field in schema.fields {
                    let fieldValue: ConnectValue
                    do { fieldValue = try fields.get(field.name) } catch { throw SQLConnectorError(error.message) }
                    names.append(field.name)
                    schemas.append(field.schema)
                    values.append(try sqlValue(fieldValue, schema: field.schema, field: field.name))
                }
                return
            }
            guard case let .map(entries) = value else { return nil }
            for entry in entries {
                guard case let .string(name) = entry.key else {
                    throw SQLConnectorError("A schemaless \(what) map needs string keys, found \(entry.key.javaClassName)")
                }
                let fieldSchema = try primitiveSchema(entry.value, declared: nil, what: name).optional()
                names.append(name)
                schemas.append(fieldSchema)
                values.append(try sqlValue(entry.value, schema: fieldSchema, field: name))
            }
        }
    }

    /// The schema of a primitive key or schemaless field: the declared one, or one inferred from the value.
    private static func primitiveSchema(_ value: ConnectValue, declared: ConnectSchema?, what: String) throws(SQLConnectorError) -> ConnectSchema {
        if let declared {
            guard declared.type.isPrimitive else { throw SQLConnectorError("Unsupported \(declared.type) schema for \(what)") }
            return declared
        }
        switch value {
        case .null: return .optionalString
        case .decimal(let decimal): return ConnectLogicalType.decimalSchema(scale: decimal.scale)
        case .timestamp: return ConnectLogicalType.timestampSchema
        default:
            guard let type = value.inferredType, type.isPrimitive else {
                throw SQLConnectorError("Unsupported schemaless value \(value.javaClassName) for \(what)")
            }
            return ConnectSchema(type: type)
        }
    }
}

/// A Connect value of `schema` as a SQL value (Confluent's `bindField`): logical types by their
/// schema name; arrays, maps and structs have no column form.
func sqlValue(_ value: ConnectValue, schema: ConnectSchema, field: String) throws(SQLConnectorError) -> SQLValue {
    switch (ConnectLogicalType(schemaName: schema.name), value) {
    case (_, .null): return .null
    case let (.date?, .timestamp(millis)), let (.date?, .int64(millis)):
        return .date(days: Int32(clamping: SQLTemporal.floorDivide(millis, ConnectLogicalType.millisPerDay).0))
    case let (.date?, .int32(days)): return .date(days: days)
    case let (.time?, .timestamp(millis)), let (.time?, .int64(millis)):
        return .time(micros: SQLTemporal.floorDivide(millis, ConnectLogicalType.millisPerDay).1 * 1000)
    case let (.time?, .int32(millis)): return .time(micros: Int64(millis) * 1000)
    case let (.timestamp?, .timestamp(millis)), let (.timestamp?, .int64(millis)):
        let (micros, overflow) = millis.multipliedReportingOverflow(by: 1000)
        guard !overflow else { throw SQLConnectorError("Timestamp of field \(field) is out of range") }
        return .timestamp(micros: micros)
    case let (.decimal?, .decimal(decimal)): return .decimal(decimal)
    case let (_, .decimal(decimal)): return .decimal(decimal)
    case let (_, .timestamp(millis)): return .timestamp(micros: millis.multipliedReportingOverflow(by: 1000).partialValue)
    case let (_, .int8(v)): return .integer(Int64(v))
    case let (_, .int16(v)): return .integer(Int64(v))
    case let (_, .int32(v)): return .integer(Int64(v))
    case let (_, .int64(v)): return .integer(v)
    case let (_, .float32(v)): return .real(Double(v))
    case let (_, .float64(v)): return .real(v)
    case let (_, .boolean(v)): return .boolean(v)
    case let (_, .string(v)): return .text(v)
    case let (_, .bytes(v)): return .bytes(v)
    case (_, .array), (_, .map), (_, .struct):
        throw SQLConnectorError("Unsupported source data type: \(schema.type) for field \(field)")
    }
}
