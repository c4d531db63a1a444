/// Protobuf message → Connect schema as Confluent's `ProtobufData.toConnectSchema` reads it with its
/// defaults (no enhanced names, no wrappers, no `optional` keyword handling): a STRUCT named by the
/// message's short name whose fields are all optional and carry their field number in the
/// `io.confluent.connect.protobuf.Tag` parameter; repeated fields are optional arrays of optional
/// elements; `…Entry` messages with `key`/`value` are maps; Decimal/Date/TimeOfDay/Timestamp are the
/// logical types. Brook does not read oneofs or enums yet, and cannot see `confluent.field_meta`, so
/// int8/int16 read back as INT32 and a Decimal's schema scale is 0 (values keep their own scale).
struct ProtobufToConnect {
    static let tagParameter = "io.confluent.connect.protobuf.Tag"
    let view: ProtobufDescriptorView

    func connectSchema(message fullName: String) throws(ConnectDataError) -> ConnectSchema {
        try structSchema(fullName, depth: 0)
    }

    private func structSchema(_ fullName: String, depth: Int) throws(ConnectDataError) -> ConnectSchema {
        guard depth < 64 else { throw ConnectDataError("Protobuf message \(fullName) nests too deeply (recursive messages are not supported)") }
        guard let message = view.messages[fullName] else { throw ConnectDataError("Unknown protobuf message \(fullName)") }
        var schema = ConnectSchema(type: .struct, name: message.name)
        for field in message.fields {
            if field.oneofIndex != nil && !field.proto3Optional {
                throw ConnectDataError("Brook's ProtobufConverter does not read oneofs yet (field \(field.name) of \(fullName))")
            }
            try schema.addField(field.name, fieldSchema(field, depth: depth))
        }
        return schema
    }

    private func fieldSchema(_ field: ProtobufDescriptorView.Field, depth: Int) throws(ConnectDataError) -> ConnectSchema {
        var schema: ConnectSchema
        var isMap = false
        switch field.type {
        case 1: schema = .float64
        case 2: schema = .float32
        case 5: schema = .int32
        case 15, 17: schema = ConnectSchema.int32.withParameter("io.confluent.connect.protobuf.Type", field.type == 15 ? "sfixed32" : "sint32")
        case 3: schema = .int64
        case 4, 6, 7, 13, 16, 18:
            let names: [Int64: String] = [4: "uint64", 6: "fixed64", 7: "fixed32", 13: "uint32", 16: "sfixed64", 18: "sint64"]
            schema = ConnectSchema.int64.withParameter("io.confluent.connect.protobuf.Type", names[field.type]!)
        case 8: schema = .boolean
        case 9: schema = .string
        case 12: schema = .bytes
        case 11:
            let typeName = field.typeName ?? ""
            switch typeName {
            case "confluent.type.Decimal": schema = ConnectLogicalType.decimalSchema(scale: 0)
            case "google.type.Date": schema = ConnectLogicalType.dateSchema
            case "google.type.TimeOfDay": schema = ConnectLogicalType.timeSchema
            case "google.protobuf.Timestamp": schema = ConnectLogicalType.timestampSchema
            default:
                if field.label == 3, let entry = view.messages[typeName], Self.isMapEntry(entry) {
                    isMap = true
                    schema = ConnectSchema.map(try fieldSchema(entry.fields[0], depth: depth + 1), try fieldSchema(entry.fields[1], depth: depth + 1))
                        .named(Self.mapFieldName(entry.name))
                } else {
                    schema = try structSchema(typeName, depth: depth + 1)
                }
            }
        default:
            throw ConnectDataError("Brook's ProtobufConverter does not read protobuf field type \(field.type) (field \(field.name))")
        }
        schema.isOptional = true
        if field.label == 3 && !isMap { schema = ConnectSchema.array(schema).optional() }
        return schema.withParameter(Self.tagParameter, String(field.number))
    }

    /// ProtobufData.isMapDescriptor: a repeated `…Entry` message of exactly `key` and `value`.
    private static func isMapEntry(_ message: ProtobufDescriptorView.Message) -> Bool {
        message.name.hasSuffix("Entry") && message.fields.count == 2 && message.fields[0].name == "key"
            && message.fields[1].name == "value" && message.fields[0].label != 3 && message.fields[1].label != 3
    }

    /// ProtobufSchema.toMapField: `CountsEntry` → `counts` (upper camel to lower underscore).
    static func mapFieldName(_ entryName: String) -> String {
        var out = ""
        for (i, ch) in entryName.dropLast("Entry".count).enumerated() {
            if ch.isUppercase {
                if i > 0 { out += "_" }
                out += ch.lowercased()
            } else {
                out.append(ch)
            }
        }
        return out
    }
}
