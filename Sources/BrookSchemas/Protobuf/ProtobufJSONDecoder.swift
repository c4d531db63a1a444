/// Decodes protobuf binary data of a message of a parsed schema into the proto3 JSON mapping:
/// lowerCamelCase (or `json_name`) member names, 64-bit integers as strings, bytes as base64,
/// enums by name, maps as objects, and the well-known types' special forms (Timestamp, Duration,
/// wrappers, Struct/Value/ListValue, FieldMask, Empty).
///
/// Only fields present in the data appear (proto3 writers omit default values). Unknown fields are
/// skipped. Hostile input (truncation, huge lengths, deep nesting) is an error, never a crash.
struct ProtobufJSONDecoder {
    static let maximumDepth = 100

    let table: ProtoTypeTable

    func decode(_ bytes: [UInt8], messageFullName: String) throws(ProtobufDataError) -> JSONValue {
        var reader = ProtoWireReader(bytes: bytes)
        return try message(messageFullName, reader: &reader, depth: 0)
    }

    private func message(_ fullName: String, reader: inout ProtoWireReader, depth: Int) throws(ProtobufDataError) -> JSONValue {
        guard depth < Self.maximumDepth else { throw ProtobufDataError("messages nested deeper than \(Self.maximumDepth)") }
        guard let message = table.messages[fullName] else { throw ProtobufDataError("unknown message type \(fullName)") }
        let fields = Dictionary(message.allFields.map { ($0.number, $0) }, uniquingKeysWith: { first, _ in first })
        var values: [Int64: JSONValue] = [:]
        var lists: [Int64: [JSONValue]] = [:]
        var maps: [Int64: [(String, JSONValue)]] = [:]
        while !reader.isAtEnd {
            let (number, wireType) = try reader.tag()
            guard let field = fields[number], let resolved = field.resolved else {
                try reader.skip(wireType, number: number, depth: depth)
                continue
            }
            let type = table.effectiveType(resolved, label: field.label)
            switch type {
            case let .map(keyType, valueType):
                guard wireType == .lengthDelimited else { throw wrongWireType(field, wireType) }
                let range = try reader.lengthDelimited()
                var entry = ProtoWireReader(bytes: reader.bytes, index: range.lowerBound, end: range.upperBound)
                var key: JSONValue?
                var value: JSONValue?
                while !entry.isAtEnd {
                    let (entryNumber, entryWire) = try entry.tag()
                    switch entryNumber {
                    case 1: key = try single(.scalar(keyType), field: field, wireType: entryWire, reader: &entry, depth: depth)
                    case 2: value = try single(valueType, field: field, wireType: entryWire, reader: &entry, depth: depth)
                    default: try entry.skip(entryWire, number: entryNumber, depth: depth)
                    }
                }
                let keyText = key.map(Self.mapKeyText) ?? Self.mapKeyText(Self.defaultValue(.scalar(keyType), table: table))
                var list = maps[number] ?? []
                list.removeAll { $0.0 == keyText }
                list.append((keyText, value ?? Self.defaultValue(valueType, table: table)))
                maps[number] = list
            default:
                if field.label == .repeated {
                    if wireType == .lengthDelimited, let scalar = Self.packable(type) {
                        let range = try reader.lengthDelimited()
                        var packed = ProtoWireReader(bytes: reader.bytes, index: range.lowerBound, end: range.upperBound)
                        while !packed.isAtEnd {
                            lists[number, default: []].append(try single(type, field: field, wireType: scalar, reader: &packed, depth: depth))
                        }
                    } else {
                        lists[number, default: []].append(try single(type, field: field, wireType: wireType, reader: &reader, depth: depth))
                    }
                } else {
                    values[number] = try single(type, field: field, wireType: wireType, reader: &reader, depth: depth)
                    // A oneof holds one member: the last one read.
                    if let oneof = message.oneofs.first(where: { $0.fields.contains { $0.number == number } }) {
                        for other in oneof.fields where other.number != number { values[other.number] = nil }
                    }
                }
            }
        }
        if let special = try wellKnown(fullName, values: values, lists: lists, maps: maps) { return special }
        var members: [(String, JSONValue)] = []
        for field in message.allFields.sorted(by: { $0.number < $1.number }) {
            let name = Self.jsonName(field)
            if let value = values[field.number] {
                members.append((name, value))
            } else if let list = lists[field.number] {
                members.append((name, .array(list)))
            } else if let map = maps[field.number] {
                members.append((name, .object(map)))
            }
        }
        return .object(members)
    }

    private func wrongWireType(_ field: ProtoField, _ wireType: ProtoWireReader.WireType) -> ProtobufDataError {
        ProtobufDataError("field \(field.name) (\(field.number)) has wire type \(wireType.rawValue), which does not fit its type \(field.typeName)")
    }

    /// The wire type of one element of a packed repeated field, or nil when the type cannot be packed.
    static func packable(_ type: ProtoResolvedType) -> ProtoWireReader.WireType? {
        switch type {
        case .enumeration: return .varint
        case let .scalar(scalar):
            switch scalar {
            case .string, .bytes: return nil
            case .fixed32, .sfixed32, .float: return .fixed32
            case .fixed64, .sfixed64, .double: return .fixed64
            default: return .varint
            }
        default: return nil
        }
    }

    private func single(_ type: ProtoResolvedType, field: ProtoField, wireType: ProtoWireReader.WireType,
                        reader: inout ProtoWireReader, depth: Int) throws(ProtobufDataError) -> JSONValue {
        switch type {
        case let .message(name):
            guard wireType == .lengthDelimited else { throw wrongWireType(field, wireType) }
            let range = try reader.lengthDelimited()
            var inner = ProtoWireReader(bytes: reader.bytes, index: range.lowerBound, end: range.upperBound)
            return try message(name, reader: &inner, depth: depth + 1)
        case let .enumeration(name):
            guard wireType == .varint else { throw wrongWireType(field, wireType) }
            let number = Int64(Int32(truncatingIfNeeded: try reader.varint()))
            if name == "google.protobuf.NullValue" { return .null }
            if let value = table.enums[name]?.values.first(where: { $0.number == number }) { return .string(value.name) }
            return JSONValue(integer: number)
        case .map:
            throw ProtobufDataError("map field \(field.name) used as a value")
        case let .scalar(scalar):
            let expected: ProtoWireReader.WireType = Self.packable(type) ?? .lengthDelimited
            guard wireType == expected else { throw wrongWireType(field, wireType) }
            switch scalar {
            case .int32: return JSONValue(integer: Int64(Int32(truncatingIfNeeded: try reader.varint())))
            case .int64: return .string(String(Int64(bitPattern: try reader.varint())))
            case .uint32: return JSONValue(integer: Int64(UInt32(truncatingIfNeeded: try reader.varint())))
            case .uint64: return .string(String(try reader.varint()))
            case .sint32: return JSONValue(integer: Int64(Int32(truncatingIfNeeded: ConfluentProtobufFraming.zigzag(try reader.varint()))))
            case .sint64: return .string(String(ConfluentProtobufFraming.zigzag(try reader.varint())))
            case .bool: return .bool(try reader.varint() != 0)
            case .fixed32: return JSONValue(integer: Int64(try reader.fixed32()))
            case .sfixed32: return JSONValue(integer: Int64(Int32(bitPattern: try reader.fixed32())))
            case .fixed64: return .string(String(try reader.fixed64()))
            case .sfixed64: return .string(String(Int64(bitPattern: try reader.fixed64())))
            case .float: return Self.floatingJSON(Double(Float(bitPattern: try reader.fixed32())))
            case .double: return Self.floatingJSON(Double(bitPattern: try reader.fixed64()))
            case .string:
                let range = try reader.lengthDelimited()
                guard let text = String(validating: reader.bytes[range], as: UTF8.self) else {
                    throw ProtobufDataError("field \(field.name) holds a string that is not valid UTF-8")
                }
                return .string(text)
            case .bytes:
                let range = try reader.lengthDelimited()
                return .string(ProtoBase64.encode(reader.bytes[range]))
            }
        }
    }

    static func floatingJSON(_ value: Double) -> JSONValue {
        if value.isNaN { return .string("NaN") }
        if value.isInfinite { return .string(value < 0 ? "-Infinity" : "Infinity") }
        return JSONValue(double: value)
    }

    static func mapKeyText(_ key: JSONValue) -> String {
        switch key {
        case let .string(s): s
        case let .number(n): n
        case let .bool(b): b ? "true" : "false"
        default: ""
        }
    }

    /// The value a field has when the data does not carry it.
    static func defaultValue(_ type: ProtoResolvedType, table: ProtoTypeTable) -> JSONValue {
        switch type {
        case let .scalar(scalar):
            switch scalar {
            case .int64, .uint64, .sint64, .fixed64, .sfixed64: .string("0")
            case .bool: .bool(false)
            case .string, .bytes: .string("")
            default: .number("0")
            }
        case let .enumeration(name):
            table.enums[name]?.values.first.map { .string($0.name) } ?? .number("0")
        case .message, .map:
            .object([])
        }
    }

    /// `json_name`, or the field name in lowerCamelCase (underscores dropped, the next letter raised).
    static func jsonName(_ field: ProtoField) -> String {
        if let json = field.jsonName { return json }
        var out = ""
        var raise = false
        for character in field.name {
            if character == "_" {
                raise = true
            } else if raise {
                out += character.uppercased()
                raise = false
            } else {
                out.append(character)
            }
        }
        return out
    }

    // MARK: Well-known types

    private func wellKnown(_ fullName: String, values: [Int64: JSONValue], lists: [Int64: [JSONValue]],
                           maps: [Int64: [(String, JSONValue)]]) throws(ProtobufDataError) -> JSONValue? {
        switch fullName {
        case "google.protobuf.Timestamp":
            let seconds = Int64(values[1]?.stringValue ?? "0") ?? 0
            let nanos = values[2]?.int64Value ?? 0
            return .string(try ProtoTimeText.timestamp(seconds: seconds, nanos: nanos))
        case "google.protobuf.Duration":
            let seconds = Int64(values[1]?.stringValue ?? "0") ?? 0
            let nanos = values[2]?.int64Value ?? 0
            return .string(try ProtoTimeText.duration(seconds: seconds, nanos: nanos))
        case "google.protobuf.DoubleValue", "google.protobuf.FloatValue", "google.protobuf.Int64Value",
             "google.protobuf.UInt64Value", "google.protobuf.Int32Value", "google.protobuf.UInt32Value",
             "google.protobuf.BoolValue", "google.protobuf.StringValue", "google.protobuf.BytesValue":
            if let value = values[1] { return value }
            guard let field = table.messages[fullName]?.fields.first, let type = field.resolved else { return nil }
            return Self.defaultValue(type, table: table)
        case "google.protobuf.Struct":
            return .object(maps[1] ?? [])
        case "google.protobuf.ListValue":
            return .array(lists[1] ?? [])
        case "google.protobuf.Value":
            return values.sorted { $0.key < $1.key }.first?.value ?? .null
        case "google.protobuf.FieldMask":
            let paths = (lists[1] ?? []).compactMap(\.stringValue).map { path in
                path.split(separator: ".", omittingEmptySubsequences: false).map { part in
                    Self.jsonName(ProtoField(label: nil, typeName: "", name: String(part), number: 1, line: 0, column: 0))
                }.joined(separator: ".")
            }
            return .string(paths.joined(separator: ","))
        case "google.protobuf.Empty":
            return .object([])
        default:
            return nil
        }
    }
}
