import BrookSchemas

/// The record name Confluent's RecordNameStrategy and TopicRecordNameStrategy derive a subject
/// from: an Avro schema's top-level named type, a Protobuf schema's first message, a JSON Schema's
/// `title`. nil for schemas without one (e.g. an Avro array).
enum SchemaRecordName {
    static func of(_ schema: any ParsedSchema) -> String? {
        switch schema {
        case let avro as AvroSchema: avro.rootType.name?.fullName
        case let protobuf as ProtobufSchema: protobuf.messageFullNames.first
        case let json as JSONSchemaDocument: json.document["title"]?.stringValue
        default: nil
        }
    }
}
