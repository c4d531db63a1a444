import BrookSchemas

/// Avro schema → Connect schema with Confluent's `AvroData.toConnectSchema` rules (defaults:
/// `connect.meta.data=true`, `enhanced.avro.schema.support=false`, `flatten.singleton.unions=true`):
/// `[null, X]` is an optional X, other unions become `io.confluent.connect.avro.Union` structs, enums
/// strings with `io.confluent.connect.avro.Enum*` parameters, fixed bytes with `connect.fixed.size`,
/// and `connect.*` properties restore names, versions, docs, parameters and defaults. Recursive
/// records have no Connect form and are refused.
struct AvroToConnectSchema {
    let avro: AvroSchema
    private var recordStack: [Int] = []

    init(_ avro: AvroSchema) {
        self.avro = avro
    }

    static func connectSchema(for avro: AvroSchema) throws(ConnectDataError) -> ConnectSchema {
        var reader = AvroToConnectSchema(avro)
        return try reader.schema(avro.root, forceOptional: false, fieldDefault: nil)
    }

    mutating func schema(_ index: Int, forceOptional: Bool, fieldDefault: JSONValue?) throws(ConnectDataError) -> ConnectSchema {
        let type = avro[index]
        let logicalType = type.attribute("logicalType")?.stringValue?.lowercased()
        var schema: ConnectSchema
        switch type.kind {
        case let .primitive(primitive):
            switch primitive {
            case .null: throw ConnectDataError("Standalone null schemas are not supported by this converter")
            case .boolean: schema = .boolean
            case .float: schema = .float32
            case .double: schema = .float64
            case .string: schema = .string
            case .long: schema = logicalType == "timestamp-millis" ? ConnectLogicalType.timestampSchema : .int64
            case .int:
                if let logicalType {
                    schema = logicalType == "date" ? ConnectLogicalType.dateSchema : logicalType == "time-millis" ? ConnectLogicalType.timeSchema : .int32
                } else if let connectType = type.attribute(ConnectAvroNames.connectType) {
                    switch connectType.stringValue {
                    case "int8": schema = .int8
                    case "int16": schema = .int16
                    default: throw ConnectDataError("Connect type annotation for Avro int field is null")
                    }
                } else {
                    schema = .int32
                }
            case .bytes: schema = try bytesSchema(type, logicalType: logicalType)
            }
        case .fixed:
            schema = try bytesSchema(type, logicalType: logicalType)
        case let .array(items):
            if case let .record(entry) = avro[items].kind, isMapEntry(avro[items]) {
                guard entry.fields.count == 2, let key = entry.field(named: ConnectAvroNames.keyField),
                      let value = entry.field(named: ConnectAvroNames.valueField) else {
                    throw ConnectDataError("Found map encoded as array of key-value pairs, but array elements do not match the expected format.")
                }
                schema = .map(try self.schema(key.type, forceOptional: false, fieldDefault: nil),
                              try self.schema(value.type, forceOptional: false, fieldDefault: nil))
            } else {
                schema = .array(try self.schema(items, forceOptional: false, fieldDefault: nil))
            }
        case let .map(values):
            schema = .map(.string, try self.schema(values, forceOptional: false, fieldDefault: nil))
        case let .record(record):
            guard !recordStack.contains(index) else {
                throw ConnectDataError("Recursive Avro schema \(record.name.fullName) has no Connect form")
            }
            recordStack.append(index)
            defer { recordStack.removeLast() }
            schema = ConnectSchema(type: .struct)
            if let doc = record.doc { schema.setParameter(ConnectAvroNames.recordDocParameter, doc) }
            for field in record.fields {
                if let doc = field.doc { schema.setParameter(ConnectAvroNames.fieldDocPrefix + field.name, doc) }
                try schema.addField(field.name, self.schema(field.type, forceOptional: false, fieldDefault: field.defaultValue))
            }
        case let .enumeration(e):
            schema = .string
            if let doc = e.doc { schema.setParameter(ConnectAvroNames.enumDocPrefix + e.name.name, doc) }
            if let fallback = e.defaultSymbol { schema.setParameter(ConnectAvroNames.enumDefaultPrefix + e.name.name, fallback) }
            schema.setParameter(ConnectAvroNames.enumTypeName, e.name.fullName)
            for symbol in e.symbols { schema.setParameter(ConnectAvroNames.enumTypeName + "." + symbol, symbol) }
        case let .union(branches):
            if branches.count == 1 {
                return try self.schema(branches[0], forceOptional: forceOptional, fieldDefault: nil)
            }
            let types = avro.types
            let isNull = { (i: Int) -> Bool in if case .primitive(.null) = types[i].kind { true } else { false } }
            if branches.count == 2, let other = branches.first(where: { !isNull($0) }), branches.contains(where: isNull) {
                return try self.schema(other, forceOptional: true, fieldDefault: nil)
            }
            schema = ConnectSchema(type: .struct, name: ConnectAvroNames.unionTypeName)
            for branch in branches {
                if isNull(branch) {
                    schema.isOptional = true
                    continue
                }
                let fieldName = ConnectAvroValues.memberName(avro[branch])
                guard schema.field(named: fieldName) == nil else {
                    throw ConnectDataError("Multiple union schemas map to the Connect union field name")
                }
                try schema.addField(fieldName, self.schema(branch, forceOptional: true, fieldDefault: nil))
            }
        }

        if let doc = type.attribute(ConnectAvroNames.connectDoc)?.stringValue { schema.doc = doc }
        if let versionJSON = type.attribute(ConnectAvroNames.connectVersion) {
            guard let version = versionJSON.int64Value.flatMap({ Int32(exactly: $0) }) else {
                throw ConnectDataError("Invalid Connect version found: \(versionJSON.compactText)")
            }
            if let existing = schema.version, existing != version {
                throw ConnectDataError("Mismatched versions: version already added to SchemaBuilder (\(existing)) differs from version in source schema (\(version))")
            }
            schema.version = version
        }
        if let parameters = type.attribute(ConnectAvroNames.connectParameters) {
            guard let members = parameters.objectMembers else {
                throw ConnectDataError("Expected JSON object for schema parameters but found: \(parameters.compactText)")
            }
            for (name, value) in members {
                guard let text = value.stringValue else {
                    throw ConnectDataError("Expected schema parameter values to be strings but found: \(value.compactText)")
                }
                schema.setParameter(name, text)
            }
        }
        for attribute in type.attributes where attribute.name.hasPrefix("avro") {
            schema.setParameter(attribute.name, attribute.value.stringValue ?? attribute.value.compactText)
        }
        var defaultJSON = fieldDefault
        let connectDefault = type.attribute(ConnectAvroNames.connectDefault)
        if defaultJSON == nil {
            defaultJSON = connectDefault
        } else if connectDefault == nil {
            schema.setParameter(ConnectAvroNames.fieldDefaultFlag, "true")
        }
        if let defaultJSON, defaultJSON != .null,
           let value = try? ConnectAvroDefaultReader.value(defaultJSON, schema: schema),
           let withDefault = try? schema.withDefault(value) {
            // AvroData ignores an invalid default rather than failing the schema.
            schema = withDefault
        }
        var name: String?
        if let nameJSON = type.attribute(ConnectAvroNames.connectName) {
            guard let text = nameJSON.stringValue else { throw ConnectDataError("Invalid schema name: \(nameJSON.compactText)") }
            name = text
        } else if case .record = type.kind {
            name = type.name?.fullName
        } else if case .enumeration = type.kind {
            name = type.name?.fullName
        } else if case .fixed = type.kind, schema.name != ConnectLogicalType.decimal.rawValue {
            name = type.name?.fullName
        }
        if let name, !name.hasPrefix(ConnectAvroNames.defaultSchemaFullName) {
            if let existing = schema.name, existing != name {
                throw ConnectDataError("Mismatched names: name already added to SchemaBuilder (\(existing)) differs from name in source schema (\(name))")
            }
            schema.name = name
        }
        if forceOptional { schema.isOptional = true }
        return schema
    }

    private func bytesSchema(_ type: AvroType, logicalType: String?) throws(ConnectDataError) -> ConnectSchema {
        var schema: ConnectSchema = .bytes
        if logicalType == "decimal" {
            let scale = type.attribute("scale")?.int64Value.flatMap { Int32(exactly: $0) } ?? 0
            schema = ConnectLogicalType.decimalSchema(scale: scale)
            if let precisionJSON = type.attribute("precision") {
                guard let precision = precisionJSON.int64Value else {
                    throw ConnectDataError("precision property must be a JSON Integer. https://avro.apache.org/docs/1.9.1/spec.html#Decimal")
                }
                if precision != Int64(ConnectAvroNames.defaultDecimalPrecision) {
                    schema.setParameter(ConnectAvroNames.decimalPrecisionParameter, String(precision))
                }
            }
        }
        if case let .fixed(f) = type.kind { schema.setParameter(ConnectAvroNames.fixedSizeParameter, String(f.size)) }
        return schema
    }

    private func isMapEntry(_ type: AvroType) -> Bool {
        guard case .record = type.kind else { return false }
        if type.name?.fullName == ConnectAvroNames.namespace + "." + ConnectAvroNames.mapEntryTypeName { return true }
        return type.attribute(ConnectAvroNames.connectInternalType)?.stringValue == ConnectAvroNames.mapEntryTypeName
    }
}

/// Avro JSON defaults → Connect values (AvroData.defaultValueFromAvro, for the common types).
enum ConnectAvroDefaultReader {
    static func value(_ json: JSONValue, schema: ConnectSchema) throws(ConnectDataError) -> ConnectValue {
        if json == .null { return .null }
        let bad = ConnectDataError("Invalid default value \(json.compactText) for \(schema.type)")
        let raw: ConnectValue
        switch schema.type {
        case .int8: guard let v = json.int64Value else { throw bad }; raw = .int8(Int8(truncatingIfNeeded: v))
        case .int16: guard let v = json.int64Value else { throw bad }; raw = .int16(Int16(truncatingIfNeeded: v))
        case .int32: guard let v = json.int64Value else { throw bad }; raw = .int32(Int32(truncatingIfNeeded: v))
        case .int64: guard let v = json.int64Value else { throw bad }; raw = .int64(v)
        case .float32: guard let v = json.doubleValue else { throw bad }; raw = .float32(Float(v))
        case .float64: guard let v = json.doubleValue else { throw bad }; raw = .float64(v)
        case .boolean: guard let v = json.boolValue else { throw bad }; raw = .boolean(v)
        case .string: guard let v = json.stringValue else { throw bad }; raw = .string(v)
        case .bytes:
            guard let text = json.stringValue else { throw bad }
            var bytes: [UInt8] = []
            for scalar in text.unicodeScalars {
                guard scalar.value < 256 else { throw bad }
                bytes.append(UInt8(scalar.value))
            }
            raw = .bytes(bytes)
        case .array:
            guard let items = json.arrayValue, let element = schema.valueSchema else { throw bad }
            var out: [ConnectValue] = []
            for item in items { out.append(try value(item, schema: element)) }
            raw = .array(out)
        case .map:
            guard let keySchema = schema.keySchema, let valueSchema = schema.valueSchema else { throw bad }
            var entries: [ConnectMapEntry] = []
            if let members = json.objectMembers {
                for (key, member) in members { entries.append(ConnectMapEntry(.string(key), try value(member, schema: valueSchema))) }
            } else if let pairs = json.arrayValue {
                for pair in pairs {
                    if let tuple = pair.arrayValue, tuple.count == 2 {
                        entries.append(ConnectMapEntry(try value(tuple[0], schema: keySchema), try value(tuple[1], schema: valueSchema)))
                    } else if let k = pair["key"], let v = pair["value"] {
                        entries.append(ConnectMapEntry(try value(k, schema: keySchema), try value(v, schema: valueSchema)))
                    } else {
                        throw bad
                    }
                }
            } else {
                throw bad
            }
            raw = .map(entries)
        case .struct:
            guard json.objectMembers != nil else { throw bad }
            var result = try ConnectStruct(schema: schema)
            for field in schema.fields {
                if let member = json[field.name] { try result.put(field.name, value(member, schema: field.schema)) }
            }
            raw = .struct(result)
        }
        return try ConnectAvroValues.decodeLogical(raw, schema: schema)
    }
}
