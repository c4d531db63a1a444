import BrookSchemas

/// The parts of a `.proto` file's `FileDescriptorProto` that Connect needs, read by decoding
/// `ProtobufSchema.serializedDescriptor()` with a subset of `google/protobuf/descriptor.proto`
/// (field numbers from that file; labels and types kept as their enum numbers). Brook's descriptor
/// keeps only built-in options, so `confluent.field_meta` params (Connect's int8/int16 marks,
/// decimal scale) are not visible here.
struct ProtobufDescriptorView {
    /// One message: its full name (no leading dot), fields in declaration order, nested messages.
    struct Message {
        var fullName: String
        var name: String
        var fields: [Field]
        var isMapEntry: Bool
    }

    struct Field {
        var name: String
        var number: Int64
        /// FieldDescriptorProto.Label: 1 optional, 2 required, 3 repeated.
        var label: Int64
        /// FieldDescriptorProto.Type: 1 double … 18 sint64.
        var type: Int64
        /// The message or enum full name without the leading dot.
        var typeName: String?
        var oneofIndex: Int64?
        var proto3Optional: Bool
    }

    private static let descriptorSubset = """
        syntax = "proto2";
        package brook.connect.descriptor;
        message FileDescriptorProto {
          optional string name = 1;
          optional string package = 2;
          repeated DescriptorProto message_type = 4;
        }
        message DescriptorProto {
          optional string name = 1;
          repeated FieldDescriptorProto field = 2;
          repeated DescriptorProto nested_type = 3;
          optional MessageOptions options = 7;
        }
        message MessageOptions {
          optional bool map_entry = 7;
        }
        message FieldDescriptorProto {
          optional string name = 1;
          optional int32 number = 3;
          optional int32 label = 4;
          optional int32 type = 5;
          optional string type_name = 6;
          optional int32 oneof_index = 9;
          optional bool proto3_optional = 17;
        }
        """

    private(set) var messages: [String: Message] = [:]

    init(_ schema: ProtobufSchema) throws(ConnectDataError) {
        guard let bytes = ConnectBase64.decode(schema.serializedDescriptor()) else {
            throw ConnectDataError("The protobuf schema's descriptor is not base64")
        }
        let json: JSONValue
        do {
            let reader = try ProtobufSchema(text: Self.descriptorSubset)
            json = try reader.decodeJSON(bytes, messageFullName: "brook.connect.descriptor.FileDescriptorProto")
        } catch {
            throw ConnectDataError("The protobuf schema's descriptor could not be read: \(error)")
        }
        let package = json["package"]?.stringValue
        for message in json["messageType"]?.arrayValue ?? [] {
            add(message, prefix: package.map { $0 + "." } ?? "")
        }
    }

    private mutating func add(_ json: JSONValue, prefix: String) {
        let name = json["name"]?.stringValue ?? ""
        let fullName = prefix + name
        var fields: [Field] = []
        for field in json["field"]?.arrayValue ?? [] {
            let typeName = field["typeName"]?.stringValue.map { $0.hasPrefix(".") ? String($0.dropFirst()) : $0 }
            fields.append(Field(name: field["name"]?.stringValue ?? "", number: field["number"]?.int64Value ?? 0,
                                label: field["label"]?.int64Value ?? 1, type: field["type"]?.int64Value ?? 0, typeName: typeName,
                                oneofIndex: field["oneofIndex"]?.int64Value, proto3Optional: field["proto3Optional"]?.boolValue ?? false))
        }
        messages[fullName] = Message(fullName: fullName, name: name, fields: fields, isMapEntry: json["options"]?["mapEntry"]?.boolValue ?? false)
        for nested in json["nestedType"]?.arrayValue ?? [] { add(nested, prefix: fullName + ".") }
    }
}
