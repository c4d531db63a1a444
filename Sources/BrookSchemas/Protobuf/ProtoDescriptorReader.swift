/// Reads a schema sent as a base64 `FileDescriptorProto` (what confluent-kafka-python's
/// ProtobufSerializer registers) into a `ProtoFile`, as Confluent's registry accepts it.
///
/// Field numbers are those of google/protobuf/descriptor.proto. Map entry messages stay nested
/// messages with `option map_entry = true` (as Confluent prints them); proto3 `optional`
/// synthetic oneofs become `optional` labels.
/// Of the options, the built-in ones listed in `ProtoDescriptorOptions` are kept; custom options
/// (extensions) are not, because their types are not known here.
enum ProtoDescriptorReader {
    static func read(base64 text: String) throws(InvalidSchemaError) -> ProtoFile {
        let trimmed = text.filter { !$0.isWhitespace }
        guard !trimmed.isEmpty, let bytes = ProtoBase64.decode(trimmed) else {
            throw InvalidSchemaError("Invalid Protobuf schema: neither .proto text nor a base64 FileDescriptorProto")
        }
        do {
            return try file(bytes)
        } catch {
            throw InvalidSchemaError("Invalid Protobuf schema: invalid FileDescriptorProto: \(error.message)")
        }
    }

    /// One field of an encoded message: a varint/fixed value, or the bytes of a length-delimited one.
    enum Raw {
        case number(UInt64)
        case bytes([UInt8])

        var int: Int64 { if case let .number(n) = self { Int64(bitPattern: n) } else { 0 } }
        var string: String { if case let .bytes(b) = self { String(decoding: b, as: UTF8.self) } else { "" } }
        var data: [UInt8] { if case let .bytes(b) = self { b } else { [] } }
    }

    static func fields(_ bytes: [UInt8]) throws(ProtobufDataError) -> [(Int64, Raw)] {
        var reader = ProtoWireReader(bytes: bytes)
        var out: [(Int64, Raw)] = []
        while !reader.isAtEnd {
            let (number, wireType) = try reader.tag()
            switch wireType {
            case .varint: out.append((number, .number(try reader.varint())))
            case .fixed32: out.append((number, .number(UInt64(try reader.fixed32()))))
            case .fixed64: out.append((number, .number(try reader.fixed64())))
            case .lengthDelimited: out.append((number, .bytes(Array(bytes[try reader.lengthDelimited()]))))
            case .startGroup, .endGroup: try reader.skip(wireType, number: number, depth: 0)
            }
        }
        return out
    }

    private static func file(_ bytes: [UInt8]) throws(ProtobufDataError) -> ProtoFile {
        var file = ProtoFile()
        var dependencies: [String] = []
        var publicIndexes = Set<Int64>(), weakIndexes = Set<Int64>()
        var messages: [[UInt8]] = []
        var syntax = ""
        var edition: Int64?
        for (number, raw) in try fields(bytes) {
            switch number {
            case 2: file.package = raw.string
            case 3: dependencies.append(raw.string)
            case 4: messages.append(raw.data)
            case 5: file.enums.append(try enumeration(raw.data))
            case 6: file.services.append(try service(raw.data))
            case 7: try addExtension(raw.data, to: &file.extends)
            case 8: file.options = try ProtoDescriptorOptions.read(raw.data, kind: .file)
            case 10: if case let .bytes(packed) = raw { publicIndexes.formUnion(try varints(packed)) } else { publicIndexes.insert(raw.int) }
            case 11: if case let .bytes(packed) = raw { weakIndexes.formUnion(try varints(packed)) } else { weakIndexes.insert(raw.int) }
            case 12: syntax = raw.string
            case 14: edition = raw.int
            default: break
            }
        }
        switch syntax {
        case "proto3": file.syntax = .proto3
        case "editions": file.syntax = .edition(edition == 1001 ? "2024" : "2023")
        default: file.syntax = .proto2
        }
        file.imports = dependencies.enumerated().map { i, path in
            ProtoImport(path: path, kind: publicIndexes.contains(Int64(i)) ? .public : weakIndexes.contains(Int64(i)) ? .weak : .plain)
        }
        for data in messages { file.messages.append(try message(data, isProto3: file.isProto3, depth: 0)) }
        if file.isProto3 { file.extends = implicitLabels(file.extends) }
        try checkNames(file)
        return file
    }

    /// Names arrive as arbitrary bytes here, unlike in text: they must be identifiers, or the
    /// stored text would not parse.
    private static func checkNames(_ file: ProtoFile) throws(ProtobufDataError) {
        func identifier(_ name: String) throws(ProtobufDataError) {
            let bytes = Array(name.utf8)
            guard let first = bytes.first, first == UInt8(ascii: "_") || (first | 0x20 >= UInt8(ascii: "a") && first | 0x20 <= UInt8(ascii: "z")),
                  bytes.allSatisfy({ $0 == UInt8(ascii: "_") || ($0 | 0x20 >= UInt8(ascii: "a") && $0 | 0x20 <= UInt8(ascii: "z")) || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) })
            else { throw ProtobufDataError("\"\(name)\" is not a valid name") }
        }
        func dotted(_ name: String) throws(ProtobufDataError) {
            for part in (name.hasPrefix(".") ? String(name.dropFirst()) : name).split(separator: ".", omittingEmptySubsequences: false) {
                try identifier(String(part))
            }
        }
        func check(_ field: ProtoField) throws(ProtobufDataError) {
            try identifier(field.name)
            if let (key, value) = field.mapTypes { try dotted(key); try dotted(value) } else { try dotted(field.typeName) }
        }
        func check(_ declaration: ProtoEnum) throws(ProtobufDataError) {
            try identifier(declaration.name)
            for value in declaration.values { try identifier(value.name) }
            for case let .name(name) in declaration.reserved.flatMap({ $0 }) { try identifier(name) }
        }
        func check(_ message: ProtoMessage) throws(ProtobufDataError) {
            try identifier(message.name)
            for field in message.allFields { try check(field) }
            for oneof in message.oneofs { try identifier(oneof.name) }
            for case let .name(name) in message.reserved.flatMap({ $0 }) { try identifier(name) }
            for extend in message.extends { try dotted(extend.typeName); for field in extend.fields { try check(field) } }
            for nested in message.messages { try check(nested) }
            for nested in message.enums { try check(nested) }
        }
        if let package = file.package { try dotted(package) }
        for message in file.messages { try check(message) }
        for declaration in file.enums { try check(declaration) }
        for extend in file.extends { try dotted(extend.typeName); for field in extend.fields { try check(field) } }
        for service in file.services {
            try identifier(service.name)
            for rpc in service.rpcs { try identifier(rpc.name); try dotted(rpc.requestType); try dotted(rpc.responseType) }
        }
    }

    private static func varints(_ bytes: [UInt8]) throws(ProtobufDataError) -> [Int64] {
        var reader = ProtoWireReader(bytes: bytes)
        var out: [Int64] = []
        while !reader.isAtEnd { out.append(Int64(bitPattern: try reader.varint())) }
        return out
    }

    private static func message(_ bytes: [UInt8], isProto3: Bool, depth: Int) throws(ProtobufDataError) -> ProtoMessage {
        guard depth < ProtoParser.maximumDepth else { throw ProtobufDataError("messages nested too deeply") }
        var message = ProtoMessage(name: "", line: 0, column: 0)
        var fieldEntries: [(field: ProtoField, oneofIndex: Int64?, proto3Optional: Bool)] = []
        var oneofs: [ProtoOneof] = []
        var nested: [ProtoMessage] = []
        for (number, raw) in try fields(bytes) {
            switch number {
            case 1: message.name = raw.string
            case 2: fieldEntries.append(try field(raw.data))
            case 3: nested.append(try self.message(raw.data, isProto3: isProto3, depth: depth + 1))
            case 4: message.enums.append(try enumeration(raw.data))
            case 5:
                var start: Int64 = 0, end: Int64 = 0
                var options: [ProtoOption] = []
                for (n, r) in try fields(raw.data) {
                    if n == 1 { start = r.int } else if n == 2 { end = r.int } else if n == 3 { options = try ProtoDescriptorOptions.read(r.data, kind: .extensionRange) }
                }
                guard end > start else { throw ProtobufDataError("empty extension range") }
                message.extensionRanges.append(ProtoExtensionRange(ranges: [start...(end - 1)], options: options))
            case 6: try addExtension(raw.data, to: &message.extends)
            case 7: message.options = try ProtoDescriptorOptions.read(raw.data, kind: .message)
            case 8:
                var oneof = ProtoOneof(name: "")
                for (n, r) in try fields(raw.data) {
                    if n == 1 { oneof.name = r.string } else if n == 2 { oneof.options = try ProtoDescriptorOptions.read(r.data, kind: .oneof) }
                }
                oneofs.append(oneof)
            case 9:
                var start: Int64 = 0, end: Int64 = 0
                for (n, r) in try fields(raw.data) { if n == 1 { start = r.int } else if n == 2 { end = r.int } }
                guard end > start else { throw ProtobufDataError("empty reserved range") }
                message.reserved.append([.numbers(start...(end - 1))])
            case 10: message.reserved.append([.name(raw.string)])
            default: break
            }
        }
        // Map entry messages stay explicit (`option map_entry = true`), as Confluent's registry
        // prints descriptors: clients count them in message indexes.
        message.messages = nested
        message.nestedOrder = nested.map(\.name)
        let syntheticOneofs = Set(fieldEntries.filter(\.proto3Optional).compactMap(\.oneofIndex))
        for (var field, oneofIndex, proto3Optional) in fieldEntries {
            if let oneofIndex, !syntheticOneofs.contains(oneofIndex), oneofs.indices.contains(Int(oneofIndex)) {
                field.label = nil
                oneofs[Int(oneofIndex)].fields.append(field)
                continue
            }
            if isProto3, field.label == .optional, !proto3Optional { field.label = nil }
            message.fields.append(field)
        }
        if isProto3 { message.extends = implicitLabels(message.extends) }
        message.oneofs = oneofs.enumerated().filter { !syntheticOneofs.contains(Int64($0.offset)) }.map(\.element)
        return message
    }

    static let scalarNames: [Int64: String] = [
        1: "double", 2: "float", 3: "int64", 4: "uint64", 5: "int32", 6: "fixed64", 7: "fixed32", 8: "bool",
        9: "string", 12: "bytes", 13: "uint32", 15: "sfixed32", 16: "sfixed64", 17: "sint32", 18: "sint64",
    ]

    private static func field(_ bytes: [UInt8]) throws(ProtobufDataError) -> (field: ProtoField, oneofIndex: Int64?, proto3Optional: Bool) {
        var field = ProtoField(label: nil, typeName: "", name: "", number: 0, line: 0, column: 0)
        var type: Int64 = 0
        var typeName = ""
        var defaultText: String?
        var oneofIndex: Int64?
        var proto3Optional = false
        for (number, raw) in try fields(bytes) {
            switch number {
            case 1: field.name = raw.string
            case 3: field.number = raw.int
            case 4: field.label = raw.int == 2 ? .required : raw.int == 3 ? .repeated : .optional
            case 5: type = raw.int
            case 6: typeName = raw.string
            case 7: defaultText = raw.string
            case 8: field.options = try ProtoDescriptorOptions.read(raw.data, kind: .field)
            case 9: oneofIndex = raw.int
            case 10: field.jsonName = raw.string
            case 17: proto3Optional = raw.int != 0
            default: break
            }
        }
        if type == 10 { throw ProtobufDataError("groups are not supported (field \(field.name))") }
        field.typeName = scalarNames[type] ?? typeName
        guard !field.typeName.isEmpty else { throw ProtobufDataError("field \(field.name) has no type") }
        // protoc fills json_name in every descriptor; keep it only when it is not the default.
        if field.jsonName == ProtobufJSONDecoder.jsonName(ProtoField(label: nil, typeName: "", name: field.name, number: 1, line: 0, column: 0)) {
            field.jsonName = nil
        }
        if let defaultText {
            switch field.typeName {
            case "string", "bytes": field.defaultValue = .string(defaultText)
            case "bool": field.defaultValue = .identifier(defaultText)
            case _ where type == 14 || type == 0: field.defaultValue = .identifier(defaultText)
            case _ where ["inf", "-inf", "nan"].contains(defaultText): field.defaultValue = .identifier(defaultText)
            default: field.defaultValue = .number(defaultText)
            }
        }
        return (field, oneofIndex, proto3Optional)
    }

    /// proto3 descriptors say LABEL_OPTIONAL for fields written without a label.
    private static func implicitLabels(_ extends: [ProtoExtend]) -> [ProtoExtend] {
        extends.map { extend in
            var copy = extend
            for i in copy.fields.indices where copy.fields[i].label == .optional { copy.fields[i].label = nil }
            return copy
        }
    }

    private static func addExtension(_ bytes: [UInt8], to extends: inout [ProtoExtend]) throws(ProtobufDataError) {
        var extendee = ""
        for (number, raw) in try fields(bytes) where number == 2 { extendee = raw.string }
        let (field, _, _) = try field(bytes)
        if let i = extends.firstIndex(where: { $0.typeName == extendee }) {
            extends[i].fields.append(field)
        } else {
            extends.append(ProtoExtend(typeName: extendee, fields: [field], line: 0, column: 0))
        }
    }

    private static func enumeration(_ bytes: [UInt8]) throws(ProtobufDataError) -> ProtoEnum {
        var declaration = ProtoEnum(name: "", line: 0, column: 0)
        for (number, raw) in try fields(bytes) {
            switch number {
            case 1: declaration.name = raw.string
            case 2:
                var value = ProtoEnumValue(name: "", number: 0, line: 0, column: 0)
                for (n, r) in try fields(raw.data) {
                    switch n {
                    case 1: value.name = r.string
                    case 2: value.number = Int64(Int32(truncatingIfNeeded: r.int))
                    case 3: value.options = try ProtoDescriptorOptions.read(r.data, kind: .enumValue)
                    default: break
                    }
                }
                declaration.values.append(value)
            case 3: declaration.options = try ProtoDescriptorOptions.read(raw.data, kind: .enumeration)
            case 4:
                var start: Int64 = 0, end: Int64 = 0
                for (n, r) in try fields(raw.data) {
                    if n == 1 { start = Int64(Int32(truncatingIfNeeded: r.int)) } else if n == 2 { end = Int64(Int32(truncatingIfNeeded: r.int)) }
                }
                guard end >= start else { throw ProtobufDataError("empty enum reserved range") }
                declaration.reserved.append([.numbers(start...end)])
            case 5: declaration.reserved.append([.name(raw.string)])
            default: break
            }
        }
        return declaration
    }

    private static func service(_ bytes: [UInt8]) throws(ProtobufDataError) -> ProtoService {
        var service = ProtoService(name: "")
        for (number, raw) in try fields(bytes) {
            switch number {
            case 1: service.name = raw.string
            case 2:
                var rpc = ProtoRPC(name: "", requestType: "", requestStreaming: false, responseType: "", responseStreaming: false, line: 0, column: 0)
                for (n, r) in try fields(raw.data) {
                    switch n {
                    case 1: rpc.name = r.string
                    case 2: rpc.requestType = r.string
                    case 3: rpc.responseType = r.string
                    case 4: rpc.options = try ProtoDescriptorOptions.read(r.data, kind: .method)
                    case 5: rpc.requestStreaming = r.int != 0
                    case 6: rpc.responseStreaming = r.int != 0
                    default: break
                    }
                }
                service.rpcs.append(rpc)
            case 3: service.options = try ProtoDescriptorOptions.read(raw.data, kind: .service)
            default: break
            }
        }
        return service
    }
}
