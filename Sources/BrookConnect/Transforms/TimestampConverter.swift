/// Converts a timestamp field, or the whole key or value, between epoch numbers, strings and Connect's
/// Date/Time/Timestamp types (Kafka's `TimestampConverter$Key` / `$Value`): `field` (default: whole
/// value), `target.type` string|unix|Date|Time|Timestamp, `format` (SimpleDateFormat, UTC),
/// `unix.precision` seconds|milliseconds|microseconds|nanoseconds, `replace.null.with.default`.
public struct TimestampConverter: ConnectTransformation {
    /// A timestamp representation (Kafka's `TYPE_*` names).
    public enum Kind: String, Sendable, Hashable {
        case string, unix, date = "Date", time = "Time", timestamp = "Timestamp"
    }

    static let purpose = "converting timestamp formats"
    public let part: ConnectRecordPart
    let field: String
    let target: Kind
    let format: JavaDateFormat?
    let unixPrecision: String
    let replaceNullWithDefault: Bool

    public init(part: ConnectRecordPart, config: ConnectConfigReader) throws(ConnectConfigError) {
        self.part = part
        field = config.string("field") ?? ""
        _ = try config.requiredString("target.type")
        target = Kind(rawValue: try config.choice("target.type", default: "", allowed: ["string", "unix", "Date", "Time", "Timestamp"]))!
        unixPrecision = try config.choice("unix.precision", default: "milliseconds", allowed: ["nanoseconds", "microseconds", "milliseconds", "seconds"])
        replaceNullWithDefault = try config.bool("replace.null.with.default", default: true)
        let pattern = config.string("format") ?? ""
        if target == .string && pattern.trimmingASCIISpaces.isEmpty {
            throw config.general("TimestampConverter requires format option to be specified when using string timestamps")
        }
        if pattern.trimmingASCIISpaces.isEmpty {
            format = nil
        } else {
            do {
                format = try JavaDateFormat(pattern)
            } catch {
                throw config.general("TimestampConverter requires a SimpleDateFormat-compatible pattern for string timestamps: \(pattern)")
            }
        }
    }

    public func apply(_ record: ConnectRecord) throws(ConnectDataError) -> ConnectRecord? {
        let value = record.value(of: part)
        guard let schema = record.schema(of: part) else {
            if value == .null || field.isEmpty {
                return record.replacing(part, schema: nil, value: try convert(value, from: nil))
            }
            var map = try TransformSupport.requireMap(value, purpose: Self.purpose)
            map.put(field, try convert(map.value(forKey: field), from: nil))
            return record.replacing(part, schema: nil, value: .map(map))
        }
        if field.isEmpty {
            return record.replacing(part, schema: targetSchema(optional: schema.isOptional), value: try convert(value, from: kind(of: schema)))
        }
        let original: ConnectStruct? = value == .null ? nil : try TransformSupport.requireStruct(value, purpose: Self.purpose)
        var updatedSchema = TransformSupport.copySchemaBasics(schema, as: .struct)
        for f in schema.fields {
            try updatedSchema.addField(f.name, f.name == field ? targetSchema(optional: f.schema.isOptional) : f.schema)
        }
        if schema.isOptional { updatedSchema.isOptional = true }
        if case let .struct(fallback)? = schema.defaultValue {
            updatedSchema = try updatedSchema.withDefault(.struct(convertStruct(fallback, to: updatedSchema)))
        }
        guard let original else { return record.replacing(part, schema: updatedSchema, value: .null) }
        return record.replacing(part, schema: updatedSchema, value: .struct(try convertStruct(original, to: updatedSchema)))
    }

    private func convertStruct(_ value: ConnectStruct, to schema: ConnectSchema) throws(ConnectDataError) -> ConnectStruct {
        var updated = try ConnectStruct(schema: schema)
        for f in value.schema.fields {
            let fieldValue = try TransformSupport.fieldValue(value, f.name, replaceNullWithDefault: replaceNullWithDefault)
            try updated.put(f.name, f.name == field ? convert(fieldValue, from: kind(of: f.schema)) : fieldValue)
        }
        return updated
    }

    private func targetSchema(optional: Bool) -> ConnectSchema {
        let schema: ConnectSchema
        switch target {
        case .string: schema = .string
        case .unix: schema = .int64
        case .date: schema = ConnectLogicalType.dateSchema
        case .time: schema = ConnectLogicalType.timeSchema
        case .timestamp: schema = ConnectLogicalType.timestampSchema
        }
        return optional ? schema.optional() : schema
    }

    private func kind(of schema: ConnectSchema) throws(ConnectDataError) -> Kind {
        switch ConnectLogicalType(schemaName: schema.name) {
        case .timestamp: return .timestamp
        case .date: return .date
        case .time: return .time
        default:
            if schema.type == .string { return .string }
            if schema.type == .int64 { return .unix }
            throw ConnectDataError("Schema \(schema) does not correspond to a known timestamp type format")
        }
    }

    private func convert(_ value: ConnectValue, from source: Kind?) throws(ConnectDataError) -> ConnectValue {
        if value == .null { return .null }
        let kind: Kind
        if let source {
            kind = source
        } else {
            switch value {
            case .timestamp: kind = .timestamp
            case .int64: kind = .unix
            case .string: kind = .string
            default: throw ConnectDataError("TimestampConverter does not support \(value.javaClassDescription) objects as timestamps")
            }
        }
        let millis = try raw(value, kind: kind)
        switch target {
        case .string: return .string(format!.format(millis: millis))
        case .unix:
            switch unixPrecision {
            case "seconds": return .int64(Self.floorDiv(millis, 1000))
            case "microseconds": return .int64(millis.multipliedReportingOverflow(by: 1000).overflow ? (millis < 0 ? .min : .max) : millis * 1000)
            case "nanoseconds": return .int64(millis.multipliedReportingOverflow(by: 1_000_000).overflow ? (millis < 0 ? .min : .max) : millis * 1_000_000)
            default: return .int64(millis)
            }
        case .date: return .timestamp(millis - CivilTime.floorDivide(millis, ConnectLogicalType.millisPerDay).1)
        case .time: return .timestamp(CivilTime.floorDivide(millis, ConnectLogicalType.millisPerDay).1)
        case .timestamp: return .timestamp(millis)
        }
    }

    /// Java's TimeUnit.MILLISECONDS.toSeconds truncates toward zero.
    private static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { a / b }

    private func raw(_ value: ConnectValue, kind: Kind) throws(ConnectDataError) -> Int64 {
        switch kind {
        case .string:
            guard case let .string(text) = value else {
                throw ConnectDataError("Expected string timestamp to be a String, but found \(value.javaClassDescription)")
            }
            guard let format else {
                throw ConnectDataError("TimestampConverter requires format option to be specified when using string timestamps")
            }
            guard let millis = format.parse(text) else {
                throw ConnectDataError("Could not parse timestamp: value (\(text)) does not match pattern (\(format.pattern))")
            }
            return millis
        case .unix:
            guard case let .int64(n) = value else {
                throw ConnectDataError("Expected Unix timestamp to be a Long, but found \(value.javaClassDescription)")
            }
            switch unixPrecision {
            case "seconds": return n.multipliedReportingOverflow(by: 1000).overflow ? (n < 0 ? .min : .max) : n * 1000
            case "microseconds": return n / 1000
            case "nanoseconds": return n / 1_000_000
            default: return n
            }
        case .date, .time, .timestamp:
            guard case let .timestamp(millis) = value else {
                throw ConnectDataError("Expected \(kind.rawValue) to be a java.util.Date, but found \(value.javaClassDescription)")
            }
            return millis
        }
    }
}
