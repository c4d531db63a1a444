/// Writes a resolved `ProtoFile` as a serialized `FileDescriptorProto` (field numbers of
/// google/protobuf/descriptor.proto): what Confluent's `format=serialized` returns and what
/// confluent-kafka-python's Protobuf deserializer loads into its descriptor pool.
///
/// Map fields get their synthetic `XxxEntry` messages (where the map field was declared), proto3
/// `optional` fields their synthetic oneofs; type names are written
/// as full names with a leading dot. Only the built-in options of `ProtoDescriptorOptions` are kept.
struct ProtoDescriptorWriter {
    let table: ProtoTypeTable

    func write(_ file: ProtoFile, name: String?) -> [UInt8] {
        var out: [UInt8] = []
        if let name { string(1, name, &out) }
        if let package = file.package { string(2, package, &out) }
        for i in file.imports.indices { string(3, file.imports[i].path, &out) }
        for message in file.messages { bytes(4, self.message(message, fullName: file.packagePrefix + message.name, isProto3: file.isProto3), &out) }
        for declaration in file.enums { bytes(5, enumeration(declaration), &out) }
        for service in file.services { bytes(6, self.service(service), &out) }
        for extend in file.extends { for field in extend.fields { bytes(7, self.field(field, isProto3: file.isProto3, extendee: extend, oneofIndex: nil), &out) } }
        if let options = ProtoDescriptorOptions.write(file.options, kind: .file) { bytes(8, options, &out) }
        for (i, entry) in file.imports.enumerated() where entry.kind == .public { varint(10, UInt64(i), &out) }
        for (i, entry) in file.imports.enumerated() where entry.kind == .weak { varint(11, UInt64(i), &out) }
        switch file.syntax {
        case .unspecified: break
        case .proto2: string(12, "proto2", &out)
        case .proto3: string(12, "proto3", &out)
        case let .edition(edition):
            string(12, "editions", &out)
            varint(14, edition == "2024" ? 1001 : 1000, &out)
        }
        return out
    }

    private func string(_ number: Int64, _ text: String, _ out: inout [UInt8]) {
        bytes(number, Array(text.utf8), &out)
    }

    private func bytes(_ number: Int64, _ value: [UInt8], _ out: inout [UInt8]) {
        ProtoWireWriter.appendTag(number, .lengthDelimited, to: &out)
        ProtoWireWriter.appendLengthDelimited(value, to: &out)
    }

    private func varint(_ number: Int64, _ value: UInt64, _ out: inout [UInt8]) {
        ProtoWireWriter.appendTag(number, .varint, to: &out)
        ProtoWireWriter.appendVarint(value, to: &out)
    }

    /// protoc's name for a map field's entry message: `foo_bar` → `FooBarEntry`.
    static func entryName(_ fieldName: String) -> String {
        var out = ""
        var raise = true
        for character in fieldName {
            if character == "_" {
                raise = true
            } else {
                out += raise ? character.uppercased() : String(character)
                raise = false
            }
        }
        return out + "Entry"
    }

    private func message(_ message: ProtoMessage, fullName: String, isProto3: Bool) -> [UInt8] {
        var out: [UInt8] = []
        string(1, message.name, &out)
        var entries: [String: [UInt8]] = [:]
        var syntheticOneofs: [String] = []
        for field in message.fields {
            var written = field
            var oneofIndex: Int?
            if let (key, value) = field.mapTypes, case let .map(keyType, valueType) = field.resolved {
                let entry = Self.entryName(field.name)
                written.label = .repeated
                written.resolved = .message(fullName + "." + entry)
                let keyField = ProtoField(label: .optional, typeName: key, name: "key", number: 1, resolved: .scalar(keyType), line: 0, column: 0)
                let valueField = ProtoField(label: .optional, typeName: value, name: "value", number: 2, resolved: valueType, line: 0, column: 0)
                var entryBytes: [UInt8] = []
                string(1, entry, &entryBytes)
                bytes(2, self.field(keyField, isProto3: false, extendee: nil, oneofIndex: nil), &entryBytes)
                bytes(2, self.field(valueField, isProto3: false, extendee: nil, oneofIndex: nil), &entryBytes)
                bytes(7, ProtoDescriptorOptions.write([ProtoOption(name: "map_entry", value: .identifier("true"))], kind: .message) ?? [], &entryBytes)
                entries[entry] = entryBytes
            } else if isProto3, field.label == .optional {
                oneofIndex = message.oneofs.count + syntheticOneofs.count
                syntheticOneofs.append("_" + field.name)
            }
            var fieldBytes = self.field(written, isProto3: isProto3, extendee: nil, oneofIndex: oneofIndex)
            if oneofIndex != nil { varint(17, 1, &fieldBytes) }
            bytes(2, fieldBytes, &out)
        }
        for (index, oneof) in message.oneofs.enumerated() {
            for field in oneof.fields { bytes(2, self.field(field, isProto3: isProto3, extendee: nil, oneofIndex: index), &out) }
        }
        // Nested types in declaration order, entries where their map fields stand, as protoc
        // orders them: clients count message indexes over this list.
        var nestedTypes = entries
        for nested in message.messages { nestedTypes[nested.name] = self.message(nested, fullName: fullName + "." + nested.name, isProto3: isProto3) }
        for name in message.nestedOrder {
            if let nested = nestedTypes.removeValue(forKey: name) { bytes(3, nested, &out) }
        }
        for nested in message.messages { if let rest = nestedTypes.removeValue(forKey: nested.name) { bytes(3, rest, &out) } }
        for name in nestedTypes.keys.sorted() { bytes(3, nestedTypes[name] ?? [], &out) }
        for declaration in message.enums { bytes(4, enumeration(declaration), &out) }
        for range in message.extensionRanges {
            for numbers in range.ranges {
                var rangeBytes: [UInt8] = []
                varint(1, UInt64(numbers.lowerBound), &rangeBytes)
                varint(2, UInt64(numbers.upperBound + 1), &rangeBytes)
                bytes(5, rangeBytes, &out)
            }
        }
        for extend in message.extends { for field in extend.fields { bytes(6, self.field(field, isProto3: isProto3, extendee: extend, oneofIndex: nil), &out) } }
        if let options = ProtoDescriptorOptions.write(message.options, kind: .message) { bytes(7, options, &out) }
        for name in message.oneofs.map(\.name) + syntheticOneofs {
            var oneofBytes: [UInt8] = []
            string(1, name, &oneofBytes)
            bytes(8, oneofBytes, &out)
        }
        for item in message.reserved.flatMap({ $0 }) {
            switch item {
            case let .numbers(range):
                var rangeBytes: [UInt8] = []
                varint(1, UInt64(range.lowerBound), &rangeBytes)
                varint(2, UInt64(range.upperBound + 1), &rangeBytes)
                bytes(9, rangeBytes, &out)
            case let .name(name):
                string(10, name, &out)
            }
        }
        return out
    }

    private static let scalarNumbers: [ProtoScalar: UInt64] = Dictionary(
        ProtoDescriptorReader.scalarNames.compactMap { number, name in ProtoScalar(rawValue: name).map { ($0, UInt64(number)) } },
        uniquingKeysWith: { first, _ in first })

    private func field(_ field: ProtoField, isProto3: Bool, extendee: ProtoExtend?, oneofIndex: Int?) -> [UInt8] {
        var out: [UInt8] = []
        string(1, field.name, &out)
        if let extendee { string(2, "." + (extendee.resolvedTarget ?? extendee.typeName), &out) }
        varint(3, UInt64(field.number), &out)
        let label: UInt64 = switch field.label {
        case .required: 2
        case .repeated: 3
        default: 1
        }
        varint(4, label, &out)
        switch field.resolved {
        case let .scalar(scalar)?:
            varint(5, Self.scalarNumbers[scalar] ?? 0, &out)
        case let .message(name)?:
            varint(5, 11, &out)
            string(6, "." + name, &out)
        case let .enumeration(name)?:
            varint(5, 14, &out)
            string(6, "." + name, &out)
        case .map?, nil:
            break
        }
        if let value = field.defaultValue {
            let text: String = switch value {
            case let .string(s), let .identifier(s): s
            case let .number(n): ProtoParser.integerValue(n.hasPrefix("-") ? String(n.dropFirst()) : n).map { (n.hasPrefix("-") ? "-" : "") + String($0) } ?? n
            case .aggregate, .list: ""
            }
            string(7, text, &out)
        }
        if let options = ProtoDescriptorOptions.write(field.options, kind: .field) { bytes(8, options, &out) }
        if let oneofIndex { varint(9, UInt64(oneofIndex), &out) }
        // Like protoc's embedded descriptors: json_name only when the schema sets it.
        if let json = field.jsonName { string(10, json, &out) }
        return out
    }

    private func enumeration(_ declaration: ProtoEnum) -> [UInt8] {
        var out: [UInt8] = []
        string(1, declaration.name, &out)
        for value in declaration.values {
            var valueBytes: [UInt8] = []
            string(1, value.name, &valueBytes)
            varint(2, UInt64(bitPattern: value.number), &valueBytes)
            if let options = ProtoDescriptorOptions.write(value.options, kind: .enumValue) { bytes(3, options, &valueBytes) }
            bytes(2, valueBytes, &out)
        }
        if let options = ProtoDescriptorOptions.write(declaration.options, kind: .enumeration) { bytes(3, options, &out) }
        for item in declaration.reserved.flatMap({ $0 }) {
            switch item {
            case let .numbers(range):
                var rangeBytes: [UInt8] = []
                varint(1, UInt64(bitPattern: range.lowerBound), &rangeBytes)
                varint(2, UInt64(bitPattern: range.upperBound), &rangeBytes)
                bytes(4, rangeBytes, &out)
            case let .name(name):
                string(5, name, &out)
            }
        }
        return out
    }

    private func service(_ service: ProtoService) -> [UInt8] {
        var out: [UInt8] = []
        string(1, service.name, &out)
        for rpc in service.rpcs {
            var method: [UInt8] = []
            string(1, rpc.name, &method)
            string(2, "." + (rpc.resolvedRequest ?? rpc.requestType), &method)
            string(3, "." + (rpc.resolvedResponse ?? rpc.responseType), &method)
            if let options = ProtoDescriptorOptions.write(rpc.options, kind: .method) { bytes(4, options, &method) }
            if rpc.requestStreaming { varint(5, 1, &method) }
            if rpc.responseStreaming { varint(6, 1, &method) }
            bytes(2, method, &out)
        }
        if let options = ProtoDescriptorOptions.write(service.options, kind: .service) { bytes(3, options, &out) }
        return out
    }
}
