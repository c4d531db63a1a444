/// The kinds of schema the registry stores, spelled as Confluent's `schemaType` field spells them
/// (an omitted `schemaType` means AVRO).
public enum SchemaType: String, Sendable, CaseIterable, Hashable {
    case avro = "AVRO"
    case protobuf = "PROTOBUF"
    case json = "JSON"
}
