import BrookSchemas

/// Converts between JSON and the payload a Confluent serializer writes after the magic byte and
/// schema id, for each schema type: Avro binary (from Avro's JSON encoding), Protobuf message
/// indexes + binary (from the proto3 JSON mapping), and JSON text checked against a JSON Schema.
public enum SchemaPayloadCodec {
    /// The payload for `json` under `schema`. `protobufMessage` picks a Protobuf message (full or
    /// package-relative name; default the first one, as Confluent's serializer does for a schema text).
    public static func encode(_ json: JSONValue, with schema: any ParsedSchema,
                              protobufMessage: String? = nil) throws(SchemaPayloadError) -> [UInt8] {
        switch schema {
        case let avro as AvroSchema:
            do { return try avro.encode(try avro.value(fromJSON: json)) } catch { throw SchemaPayloadError(error.message) }
        case let protobuf as ProtobufSchema:
            do { return try protobuf.encodeConfluentPayload(json, messageFullName: protobufMessage) } catch {
                throw SchemaPayloadError(error.message)
            }
        case let document as JSONSchemaDocument:
            let violations = document.violations(of: json)
            if !violations.isEmpty {
                throw SchemaPayloadError("does not match the JSON Schema: "
                    + violations.prefix(3).map(\.description).joined(separator: "; "))
            }
            return Array(json.compactText.utf8)
        default:
            throw SchemaPayloadError("no payload codec for \(schema.schemaType.rawValue) schemas")
        }
    }

    /// The JSON that `payload` holds under `schema` (Avro JSON encoding, proto3 JSON mapping, or
    /// the JSON document itself, validated).
    public static func decode(_ payload: ArraySlice<UInt8>, with schema: any ParsedSchema) throws(SchemaPayloadError) -> JSONValue {
        switch schema {
        case let avro as AvroSchema:
            do { return try avro.json(for: try avro.decode(Array(payload))) } catch { throw SchemaPayloadError(error.message) }
        case let protobuf as ProtobufSchema:
            do { return try protobuf.decodeConfluentPayload(Array(payload)).json } catch { throw SchemaPayloadError(error.message) }
        case let document as JSONSchemaDocument:
            let json: JSONValue
            do { json = try JSONParser.parse(Array(payload)) } catch { throw SchemaPayloadError("not JSON: \(error)") }
            let violations = document.violations(of: json)
            if !violations.isEmpty {
                throw SchemaPayloadError("does not match the JSON Schema: "
                    + violations.prefix(3).map(\.description).joined(separator: "; "))
            }
            return json
        default:
            throw SchemaPayloadError("no payload codec for \(schema.schemaType.rawValue) schemas")
        }
    }
}

/// A value that does not fit its schema, or a payload that is not what its schema says.
public struct SchemaPayloadError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
