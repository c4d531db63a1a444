/// Casts fields, or the whole key or value, to another primitive type (Kafka's `Cast$Key` / `$Value`):
/// `spec` is `field:type,…` or a single `type`; types int8…int64, float32, float64, boolean, string;
/// bytes only to string (base64); `replace.null.with.default`.
public struct Cast: ConnectTransformation {
    static let purpose = "cast types"
    static let inputTypes: [ConnectSchemaType] = [.int8, .int16, .int32, .int64, .float32, .float64, .boolean, .string, .bytes]
    static let outputTypes: [ConnectSchemaType] = [.int8, .int16, .int32, .int64, .float32, .float64, .boolean, .string]

    public let part: ConnectRecordPart
    let casts: [(field: String, type: ConnectSchemaType)]
    let wholeValueType: ConnectSchemaType?
    let replaceNullWithDefault: Bool

    public init(part: ConnectRecordPart, config: ConnectConfigReader) throws(ConnectConfigError) {
        self.part = part
        let mappings = ConnectConfigReader.parseList(try config.requiredString("spec"))
        guard !mappings.isEmpty else { throw config.general("Must specify at least one field to cast.") }
        var casts: [(String, ConnectSchemaType)] = []
        var whole: ConnectSchemaType?
        for mapping in mappings {
            var parts = mapping.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            while parts.count > 1, parts.last == "" { parts.removeLast() }
            if parts.count > 2 {
                throw config.invalid("spec", "[" + mappings.joined(separator: ", ") + "]", "Invalid rename mapping: \(mapping)")
            }
            let typeText = parts[parts.count - 1].trimmingASCIISpaces
            guard let type = ConnectSchemaType(rawValue: typeText.uppercased()) else {
                throw config.general("Invalid type found in casting spec: \(typeText)")
            }
            guard Self.outputTypes.contains(type) else {
                throw config.general("Cast transformation does not support casting to \(type); supported types are \(Self.listText(Self.outputTypes))")
            }
            if parts.count == 1 {
                whole = type
            } else {
                let field = parts[0].trimmingASCIISpaces
                casts.removeAll { $0.0 == field }
                casts.append((field, type))
            }
        }
        if whole != nil && mappings.count > 1 {
            throw config.general("Cast transformations that specify a type to cast the entire value to may only specify a single cast in their spec")
        }
        self.casts = casts
        wholeValueType = whole
        replaceNullWithDefault = try config.bool("replace.null.with.default", default: true)
    }

    static func listText(_ types: [ConnectSchemaType]) -> String {
        "[" + types.map(\.rawValue).joined(separator: ", ") + "]"
    }

    private func target(of field: String) -> ConnectSchemaType? {
        casts.first { $0.field == field }?.type
    }

    public func apply(_ record: ConnectRecord) throws(ConnectDataError) -> ConnectRecord? {
        let value = record.value(of: part)
        if value == .null { return record }
        guard let schema = record.schema(of: part) else {
            if let wholeValueType {
                return record.replacing(part, schema: nil, value: try Self.cast(value, schema: nil, to: wholeValueType))
            }
            var map = try TransformSupport.requireMap(value, purpose: Self.purpose)
            let original = map
            for (field, type) in casts { map.put(field, try Self.cast(original.value(forKey: field), schema: nil, to: type)) }
            return record.replacing(part, schema: nil, value: .map(map))
        }
        let updatedSchema = try updatedSchema(for: schema)
        if let wholeValueType {
            return record.replacing(part, schema: updatedSchema, value: try Self.cast(value, schema: schema, to: wholeValueType))
        }
        let original = try TransformSupport.requireStruct(value, purpose: Self.purpose)
        var updated = try ConnectStruct(schema: updatedSchema)
        for field in original.schema.fields {
            let fieldValue = try TransformSupport.fieldValue(original, field.name, replaceNullWithDefault: replaceNullWithDefault)
            let newValue = try target(of: field.name).map { (t) throws(ConnectDataError) in try Self.cast(fieldValue, schema: field.schema, to: t) } ?? fieldValue
            try updated.put(field.name, newValue)
        }
        return record.replacing(part, schema: updatedSchema, value: .struct(updated))
    }

    private func updatedSchema(for schema: ConnectSchema) throws(ConnectDataError) -> ConnectSchema {
        var builder: ConnectSchema
        if let wholeValueType {
            builder = TransformSupport.copySchemaBasics(schema, as: wholeValueType)
        } else {
            builder = TransformSupport.copySchemaBasics(schema, as: .struct)
            for field in schema.fields {
                guard let type = target(of: field.name) else {
                    try builder.addField(field.name, field.schema)
                    continue
                }
                var fieldSchema = ConnectSchema(type: type, optional: field.schema.isOptional)
                if let fallback = field.schema.defaultValue {
                    fieldSchema = try fieldSchema.withDefault(Self.cast(fallback, schema: field.schema, to: type))
                }
                try builder.addField(field.name, fieldSchema)
            }
        }
        if schema.isOptional { builder.isOptional = true }
        if let fallback = schema.defaultValue {
            builder = try builder.withDefault(Self.cast(fallback, schema: schema, to: builder.type))
        }
        return builder
    }

    /// Cast.castValueToType.
    static func cast(_ value: ConnectValue, schema: ConnectSchema?, to target: ConnectSchemaType) throws(ConnectDataError) -> ConnectValue {
        if value == .null { return .null }
        guard let inferred = schema?.type ?? value.inferredType else {
            throw ConnectDataError("Cast transformation was passed a value of type \(value.javaClassDescription) which is not supported by Connect's data API")
        }
        guard inputTypes.contains(inferred) else {
            throw ConnectDataError("Cast transformation does not support casting from \(inferred); supported types are \(listText(inputTypes))")
        }
        var value = value
        if let schema, target != .string, let logical = ConnectLogicalType(schemaName: schema.name), case let .timestamp(millis) = value {
            switch logical {
            case .date: value = .int32(try ConnectLogicalType.days(fromMillis: millis))
            case .time: value = .int32(try ConnectLogicalType.timeOfDay(fromMillis: millis))
            case .timestamp: value = .int64(millis)
            case .decimal: break
            }
        }
        let unexpected = ConnectDataError("Unexpected type in Cast transformation: \(value.javaClassDescription)")
        let outOfRange = ConnectDataError("Value (\(JavaText.string(of: value))) was out of range for requested data type")
        switch target {
        case .int8, .int16, .int32, .int64:
            let integer: Int64
            if case let .boolean(b) = value {
                integer = b ? 1 : 0
            } else if case let .string(s) = value {
                guard let parsed = Int64(s), Self.fits(parsed, target) else { throw outOfRange }
                integer = parsed
            } else if target == .int64 {
                guard let v = JavaNumbers.longValue(value) else { throw unexpected }
                integer = v
            } else {
                guard let v = JavaNumbers.intValue(value) else { throw unexpected }
                integer = Int64(v)
            }
            switch target {
            case .int8: return .int8(Int8(truncatingIfNeeded: integer))
            case .int16: return .int16(Int16(truncatingIfNeeded: integer))
            case .int32: return .int32(Int32(truncatingIfNeeded: integer))
            default: return .int64(integer)
            }
        case .float32, .float64:
            let d: Double
            if case let .boolean(b) = value {
                d = b ? 1 : 0
            } else if case let .string(s) = value {
                guard let parsed = JavaNumbers.parseDouble(s) else { throw outOfRange }
                d = parsed
            } else {
                guard let v = JavaNumbers.doubleValue(value) else { throw unexpected }
                d = v
            }
            if target == .float32 {
                if case let .float32(f) = value { return .float32(f) }
                return .float32(Float(d))
            }
            return .float64(d)
        case .boolean:
            if case let .boolean(b) = value { return .boolean(b) }
            if case let .string(s) = value { return .boolean(s.lowercased() == "true") }
            guard let v = JavaNumbers.longValue(value) else { throw unexpected }
            return .boolean(v != 0)
        case .string:
            switch value {
            case let .timestamp(millis): return .string(JavaDateFormats.iso8601Text(millis))
            case let .bytes(bytes): return .string(ConnectBase64.encode(bytes))
            default: return .string(JavaText.string(of: value))
            }
        default:
            throw ConnectDataError("\(target) is not supported in the Cast transformation.")
        }
    }

    private static func fits(_ v: Int64, _ type: ConnectSchemaType) -> Bool {
        switch type {
        case .int8: Int8(exactly: v) != nil
        case .int16: Int16(exactly: v) != nil
        case .int32: Int32(exactly: v) != nil
        default: true
        }
    }
}
