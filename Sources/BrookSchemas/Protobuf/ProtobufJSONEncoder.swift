/// Encodes a JSON document (the proto3 JSON mapping, as `ProtobufJSONDecoder` writes it) into
/// protobuf binary for a message of a parsed schema. Accepts JSON names and proto field names,
/// integers as numbers or strings, enums by name or number; `null` means "not set".
struct ProtobufJSONEncoder {
    let table: ProtoTypeTable
    /// proto3 and editions pack repeated scalars unless `[packed = false]`; proto2 only with
    /// `[packed = true]`.
    let packsByDefault: Set<String>

    init(table: ProtoTypeTable, files: [ProtoFile]) {
        self.table = table
        var packs = Set<String>()
        for file in files where file.syntax != .proto2 && file.syntax != .unspecified {
            func walk(_ messages: [ProtoMessage], prefix: String) {
                for message in messages {
                    packs.insert(prefix + message.name)
                    walk(message.messages, prefix: prefix + message.name + ".")
                }
            }
            walk(file.messages, prefix: file.packagePrefix)
        }
        packsByDefault = packs
    }

    func encode(_ json: JSONValue, messageFullName: String) throws(ProtobufDataError) -> [UInt8] {
        try message(json, fullName: messageFullName, depth: 0)
    }

    private func message(_ json: JSONValue, fullName: String, depth: Int) throws(ProtobufDataError) -> [UInt8] {
        guard depth < ProtobufJSONDecoder.maximumDepth else { throw ProtobufDataError("messages nested deeper than \(ProtobufJSONDecoder.maximumDepth)") }
        guard let message = table.messages[fullName] else { throw ProtobufDataError("unknown message type \(fullName)") }
        if let special = try wellKnown(json, fullName: fullName, depth: depth) { return special }
        guard let members = json.objectMembers else { throw ProtobufDataError("\(fullName) must be a JSON object") }
        var out: [UInt8] = []
        var setOneofs: [String: String] = [:]
        let fields = message.allFields
        for (name, value) in members {
            guard let field = fields.first(where: { ProtobufJSONDecoder.jsonName($0) == name || $0.name == name }), let resolved = field.resolved else {
                throw ProtobufDataError("\(fullName) has no field \"\(name)\"")
            }
            let type = table.effectiveType(resolved, label: field.label)
            if value == .null, type != .enumeration("google.protobuf.NullValue"), type != .message("google.protobuf.Value") { continue }
            if let oneof = message.oneofs.first(where: { $0.fields.contains { $0.number == field.number } }) {
                if let other = setOneofs[oneof.name] { throw ProtobufDataError("fields \(other) and \(field.name) of oneof \(oneof.name) are both set") }
                setOneofs[oneof.name] = field.name
            }
            switch type {
            case let .map(keyType, valueType):
                guard let entries = value.objectMembers else { throw ProtobufDataError("map field \(field.name) must be a JSON object") }
                for (key, entryValue) in entries {
                    var entry: [UInt8] = []
                    try append(try mapKey(key, keyType, field: field), type: .scalar(keyType), number: 1, field: field, to: &entry, depth: depth)
                    try append(entryValue, type: valueType, number: 2, field: field, to: &entry, depth: depth)
                    ProtoWireWriter.appendTag(field.number, .lengthDelimited, to: &out)
                    ProtoWireWriter.appendLengthDelimited(entry, to: &out)
                }
            default:
                if field.label == .repeated {
                    guard let elements = value.arrayValue else { throw ProtobufDataError("repeated field \(field.name) must be a JSON array") }
                    if let wireType = ProtobufJSONDecoder.packable(type), packs(field, in: fullName), !elements.isEmpty {
                        var packed: [UInt8] = []
                        for element in elements { try appendValue(element, type: type, wireType: wireType, field: field, to: &packed, depth: depth) }
                        ProtoWireWriter.appendTag(field.number, .lengthDelimited, to: &out)
                        ProtoWireWriter.appendLengthDelimited(packed, to: &out)
                    } else {
                        for element in elements { try append(element, type: type, number: field.number, field: field, to: &out, depth: depth) }
                    }
                } else {
                    try append(value, type: type, number: field.number, field: field, to: &out, depth: depth)
                }
            }
        }
        return out
    }

    private func packs(_ field: ProtoField, in message: String) -> Bool {
        if let option = field.options.first(where: { $0.name == "packed" }) { return option.value == .identifier("true") }
        return packsByDefault.contains(message)
    }

    private func mapKey(_ key: String, _ type: ProtoScalar, field: ProtoField) throws(ProtobufDataError) -> JSONValue {
        switch type {
        case .string: return .string(key)
        case .bool:
            guard key == "true" || key == "false" else { throw ProtobufDataError("map key \"\(key)\" of \(field.name) is not a bool") }
            return .bool(key == "true")
        default: return .string(key)
        }
    }

    private func append(_ value: JSONValue, type: ProtoResolvedType, number: Int64, field: ProtoField,
                        to out: inout [UInt8], depth: Int) throws(ProtobufDataError) {
        let wireType = ProtobufJSONDecoder.packable(type) ?? .lengthDelimited
        ProtoWireWriter.appendTag(number, wireType, to: &out)
        try appendValue(value, type: type, wireType: wireType, field: field, to: &out, depth: depth)
    }

    private func appendValue(_ value: JSONValue, type: ProtoResolvedType, wireType: ProtoWireReader.WireType, field: ProtoField,
                             to out: inout [UInt8], depth: Int) throws(ProtobufDataError) {
        switch type {
        case let .message(name):
            ProtoWireWriter.appendLengthDelimited(try message(value, fullName: name, depth: depth + 1), to: &out)
        case let .enumeration(name):
            let number: Int64
            if name == "google.protobuf.NullValue", value == .null {
                number = 0
            } else if let text = value.stringValue {
                guard let match = table.enums[name]?.values.first(where: { $0.name == text }) else {
                    throw ProtobufDataError("\"\(text)\" is not a value of enum \(name) (field \(field.name))")
                }
                number = match.number
            } else if let integer = value.int64Value, integer >= Int64(Int32.min), integer <= Int64(Int32.max) {
                number = integer
            } else {
                throw ProtobufDataError("field \(field.name) needs an enum value name or number")
            }
            ProtoWireWriter.appendVarint(UInt64(bitPattern: number), to: &out)
        case .map:
            throw ProtobufDataError("map field \(field.name) used as a value")
        case let .scalar(scalar):
            try appendScalar(value, scalar, field: field, to: &out)
        }
    }

    private func integer(_ value: JSONValue, field: ProtoField, range: ClosedRange<Int64>) throws(ProtobufDataError) -> Int64 {
        let parsed: Int64? = if let text = value.stringValue { Int64(text) ?? JSONValue.number(text).int64Value } else { value.int64Value }
        guard let parsed, range.contains(parsed) else { throw ProtobufDataError("field \(field.name) needs an integer in \(range)") }
        return parsed
    }

    private func unsigned(_ value: JSONValue, field: ProtoField, maximum: UInt64) throws(ProtobufDataError) -> UInt64 {
        let text: String? = if let s = value.stringValue { s } else if case let .number(n) = value { n } else { nil }
        if let text, let parsed = UInt64(text), parsed <= maximum { return parsed }
        if let parsed = value.int64Value ?? text.flatMap({ JSONValue.number($0).int64Value }), parsed >= 0, UInt64(parsed) <= maximum { return UInt64(parsed) }
        throw ProtobufDataError("field \(field.name) needs an unsigned integer up to \(maximum)")
    }

    private func floating(_ value: JSONValue, field: ProtoField) throws(ProtobufDataError) -> Double {
        switch value {
        case .string("NaN"): return .nan
        case .string("Infinity"): return .infinity
        case .string("-Infinity"): return -.infinity
        case let .string(text): if let d = Double(text) { return d }
        default: if let d = value.doubleValue { return d }
        }
        throw ProtobufDataError("field \(field.name) needs a number")
    }

    private func appendScalar(_ value: JSONValue, _ scalar: ProtoScalar, field: ProtoField, to out: inout [UInt8]) throws(ProtobufDataError) {
        let int32Range = Int64(Int32.min)...Int64(Int32.max)
        switch scalar {
        case .int32: ProtoWireWriter.appendVarint(UInt64(bitPattern: try integer(value, field: field, range: int32Range)), to: &out)
        case .int64: ProtoWireWriter.appendVarint(UInt64(bitPattern: try integer(value, field: field, range: Int64.min...Int64.max)), to: &out)
        case .uint32: ProtoWireWriter.appendVarint(try unsigned(value, field: field, maximum: UInt64(UInt32.max)), to: &out)
        case .uint64: ProtoWireWriter.appendVarint(try unsigned(value, field: field, maximum: UInt64.max), to: &out)
        case .sint32: ProtoWireWriter.appendVarint(ConfluentProtobufFraming.zigzagEncode(try integer(value, field: field, range: int32Range)), to: &out)
        case .sint64: ProtoWireWriter.appendVarint(ConfluentProtobufFraming.zigzagEncode(try integer(value, field: field, range: Int64.min...Int64.max)), to: &out)
        case .fixed32: ProtoWireWriter.appendFixed32(UInt32(try unsigned(value, field: field, maximum: UInt64(UInt32.max))), to: &out)
        case .sfixed32: ProtoWireWriter.appendFixed32(UInt32(bitPattern: Int32(try integer(value, field: field, range: int32Range))), to: &out)
        case .fixed64: ProtoWireWriter.appendFixed64(try unsigned(value, field: field, maximum: UInt64.max), to: &out)
        case .sfixed64: ProtoWireWriter.appendFixed64(UInt64(bitPattern: try integer(value, field: field, range: Int64.min...Int64.max)), to: &out)
        case .float: ProtoWireWriter.appendFixed32(Float(try floating(value, field: field)).bitPattern, to: &out)
        case .double: ProtoWireWriter.appendFixed64(try floating(value, field: field).bitPattern, to: &out)
        case .bool:
            guard let b = value.boolValue else { throw ProtobufDataError("field \(field.name) needs true or false") }
            ProtoWireWriter.appendVarint(b ? 1 : 0, to: &out)
        case .string:
            guard let s = value.stringValue else { throw ProtobufDataError("field \(field.name) needs a string") }
            ProtoWireWriter.appendLengthDelimited(Array(s.utf8), to: &out)
        case .bytes:
            guard let s = value.stringValue, let bytes = ProtoBase64.decode(s) else { throw ProtobufDataError("field \(field.name) needs base64 text") }
            ProtoWireWriter.appendLengthDelimited(bytes, to: &out)
        }
    }

    // MARK: Well-known types

    private func wellKnown(_ json: JSONValue, fullName: String, depth: Int) throws(ProtobufDataError) -> [UInt8]? {
        var out: [UInt8] = []
        func secondsAndNanos(_ pair: (seconds: Int64, nanos: Int64)) -> [UInt8] {
            if pair.seconds != 0 {
                ProtoWireWriter.appendTag(1, .varint, to: &out)
                ProtoWireWriter.appendVarint(UInt64(bitPattern: pair.seconds), to: &out)
            }
            if pair.nanos != 0 {
                ProtoWireWriter.appendTag(2, .varint, to: &out)
                ProtoWireWriter.appendVarint(UInt64(bitPattern: pair.nanos), to: &out)
            }
            return out
        }
        switch fullName {
        case "google.protobuf.Timestamp":
            guard let text = json.stringValue, let parsed = ProtoTimeText.parseTimestamp(text) else {
                throw ProtobufDataError("a Timestamp must be an RFC 3339 string such as \"2026-01-02T03:04:05Z\"")
            }
            return secondsAndNanos(parsed)
        case "google.protobuf.Duration":
            guard let text = json.stringValue, let parsed = ProtoTimeText.parseDuration(text) else {
                throw ProtobufDataError("a Duration must be a string such as \"1.5s\"")
            }
            return secondsAndNanos(parsed)
        case "google.protobuf.DoubleValue", "google.protobuf.FloatValue", "google.protobuf.Int64Value",
             "google.protobuf.UInt64Value", "google.protobuf.Int32Value", "google.protobuf.UInt32Value",
             "google.protobuf.BoolValue", "google.protobuf.StringValue", "google.protobuf.BytesValue":
            return try plainMessage(.object([("value", json)]), fullName: fullName, depth: depth)
        case "google.protobuf.Struct":
            guard json.objectMembers != nil else { throw ProtobufDataError("a Struct must be a JSON object") }
            return try plainMessage(.object([("fields", json)]), fullName: fullName, depth: depth)
        case "google.protobuf.ListValue":
            guard json.arrayValue != nil else { throw ProtobufDataError("a ListValue must be a JSON array") }
            return try plainMessage(.object([("values", json)]), fullName: fullName, depth: depth)
        case "google.protobuf.Value":
            let member: (String, JSONValue) = switch json {
            case .null: ("null_value", .null)
            case .number: ("number_value", json)
            case .string: ("string_value", json)
            case .bool: ("bool_value", json)
            case .object: ("struct_value", json)
            case .array: ("list_value", json)
            }
            return try plainMessage(.object([member]), fullName: fullName, depth: depth)
        case "google.protobuf.FieldMask":
            guard let text = json.stringValue else { throw ProtobufDataError("a FieldMask must be a string of comma-separated paths") }
            let paths = text.split(separator: ",").map { path in
                path.split(separator: ".", omittingEmptySubsequences: false).map { part in
                    part.reduce(into: "") { snake, c in snake += c.isUppercase ? "_" + c.lowercased() : String(c) }
                }.joined(separator: ".")
            }
            return try plainMessage(.object([("paths", .array(paths.map { .string($0) }))]), fullName: fullName, depth: depth)
        default:
            return nil
        }
    }

    /// Encodes a well-known type through its ordinary message layout, from members named as in
    /// the `.proto` file.
    private func plainMessage(_ json: JSONValue, fullName: String, depth: Int) throws(ProtobufDataError) -> [UInt8] {
        guard let message = table.messages[fullName], let members = json.objectMembers else { throw ProtobufDataError("unknown message type \(fullName)") }
        var out: [UInt8] = []
        for (name, value) in members {
            guard let field = message.allFields.first(where: { $0.name == name }), let type = field.resolved else { continue }
            if value == .null, type != .enumeration("google.protobuf.NullValue") { continue }
            switch type {
            case let .map(keyType, valueType):
                guard let entries = value.objectMembers else { continue }
                for (key, entryValue) in entries {
                    var entry: [UInt8] = []
                    try append(.string(key), type: .scalar(keyType), number: 1, field: field, to: &entry, depth: depth)
                    try append(entryValue, type: valueType, number: 2, field: field, to: &entry, depth: depth)
                    ProtoWireWriter.appendTag(field.number, .lengthDelimited, to: &out)
                    ProtoWireWriter.appendLengthDelimited(entry, to: &out)
                }
            default:
                if field.label == .repeated, let elements = value.arrayValue {
                    for element in elements { try append(element, type: type, number: field.number, field: field, to: &out, depth: depth) }
                } else {
                    try append(value, type: type, number: field.number, field: field, to: &out, depth: depth)
                }
            }
        }
        return out
    }
}
