/// The built-in options of google/protobuf/descriptor.proto (names, field numbers, types) that
/// survive the trip between `.proto` text and a serialized `FileDescriptorProto`.
enum ProtoDescriptorOptions {
    enum Kind { case file, message, field, oneof, enumeration, enumValue, service, method, extensionRange }

    enum ValueType {
        case bool, string
        case enumeration([Int64: String])
    }

    struct Known {
        var name: String
        var number: Int64
        var type: ValueType
    }

    static func known(_ kind: Kind) -> [Known] {
        switch kind {
        case .file:
            [Known(name: "java_package", number: 1, type: .string), Known(name: "java_outer_classname", number: 8, type: .string),
             Known(name: "optimize_for", number: 9, type: .enumeration([1: "SPEED", 2: "CODE_SIZE", 3: "LITE_RUNTIME"])),
             Known(name: "java_multiple_files", number: 10, type: .bool), Known(name: "go_package", number: 11, type: .string),
             Known(name: "cc_generic_services", number: 16, type: .bool), Known(name: "java_generic_services", number: 17, type: .bool),
             Known(name: "py_generic_services", number: 18, type: .bool), Known(name: "java_generate_equals_and_hash", number: 20, type: .bool),
             Known(name: "deprecated", number: 23, type: .bool), Known(name: "java_string_check_utf8", number: 27, type: .bool),
             Known(name: "cc_enable_arenas", number: 31, type: .bool), Known(name: "objc_class_prefix", number: 36, type: .string),
             Known(name: "csharp_namespace", number: 37, type: .string), Known(name: "swift_prefix", number: 39, type: .string),
             Known(name: "php_class_prefix", number: 40, type: .string), Known(name: "php_namespace", number: 41, type: .string),
             Known(name: "php_metadata_namespace", number: 44, type: .string), Known(name: "ruby_package", number: 45, type: .string)]
        case .message:
            [Known(name: "message_set_wire_format", number: 1, type: .bool), Known(name: "no_standard_descriptor_accessor", number: 2, type: .bool),
             Known(name: "deprecated", number: 3, type: .bool), Known(name: "map_entry", number: 7, type: .bool)]
        case .field:
            [Known(name: "ctype", number: 1, type: .enumeration([0: "STRING", 1: "CORD", 2: "STRING_PIECE"])),
             Known(name: "packed", number: 2, type: .bool), Known(name: "deprecated", number: 3, type: .bool),
             Known(name: "lazy", number: 5, type: .bool), Known(name: "jstype", number: 6, type: .enumeration([0: "JS_NORMAL", 1: "JS_STRING", 2: "JS_NUMBER"])),
             Known(name: "weak", number: 10, type: .bool), Known(name: "unverified_lazy", number: 15, type: .bool),
             Known(name: "debug_redact", number: 16, type: .bool)]
        case .enumeration:
            [Known(name: "allow_alias", number: 2, type: .bool), Known(name: "deprecated", number: 3, type: .bool)]
        case .enumValue:
            [Known(name: "deprecated", number: 1, type: .bool), Known(name: "debug_redact", number: 3, type: .bool)]
        case .service:
            [Known(name: "deprecated", number: 33, type: .bool)]
        case .method:
            [Known(name: "deprecated", number: 33, type: .bool),
             Known(name: "idempotency_level", number: 34, type: .enumeration([0: "IDEMPOTENCY_UNKNOWN", 1: "NO_SIDE_EFFECTS", 2: "IDEMPOTENT"]))]
        case .oneof, .extensionRange:
            []
        }
    }

    /// The known options in an encoded options message; others are dropped.
    static func read(_ bytes: [UInt8], kind: Kind) throws(ProtobufDataError) -> [ProtoOption] {
        let table = known(kind)
        var options: [ProtoOption] = []
        for (number, raw) in try ProtoDescriptorReader.fields(bytes) {
            guard let option = table.first(where: { $0.number == number }) else { continue }
            switch option.type {
            case .bool: options.append(ProtoOption(name: option.name, value: .identifier(raw.int != 0 ? "true" : "false")))
            case .string: options.append(ProtoOption(name: option.name, value: .string(raw.string)))
            case let .enumeration(names): options.append(ProtoOption(name: option.name, value: names[raw.int].map { .identifier($0) } ?? .number(String(raw.int))))
            }
        }
        return options
    }

    /// The known options of `options`, encoded; nil when none is known.
    static func write(_ options: [ProtoOption], kind: Kind) -> [UInt8]? {
        let table = known(kind)
        var out: [UInt8] = []
        for option in options {
            guard let known = table.first(where: { $0.name == option.name }) else { continue }
            switch (known.type, option.value) {
            case let (.bool, .identifier(word)) where word == "true" || word == "false":
                ProtoWireWriter.appendTag(known.number, .varint, to: &out)
                ProtoWireWriter.appendVarint(word == "true" ? 1 : 0, to: &out)
            case let (.string, .string(text)):
                ProtoWireWriter.appendTag(known.number, .lengthDelimited, to: &out)
                ProtoWireWriter.appendLengthDelimited(Array(text.utf8), to: &out)
            case let (.enumeration(names), .identifier(word)):
                guard let number = names.first(where: { $0.value == word })?.key else { continue }
                ProtoWireWriter.appendTag(known.number, .varint, to: &out)
                ProtoWireWriter.appendVarint(UInt64(bitPattern: number), to: &out)
            default:
                continue
            }
        }
        return out.isEmpty ? nil : out
    }
}
