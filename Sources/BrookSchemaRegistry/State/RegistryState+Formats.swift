import BrookSchemas

/// The `format` query parameter, as Confluent's `ParsedSchema.formattedString` answers it per type
/// (confluentinc/schema-registry `AvroSchema.java`, `ProtobufSchema.java`, `JsonSchema.java`).
extension RegistryState {
    /// A stored schema's text in the requested format. Empty or absent: the stored text.
    /// Avro `resolved` (any case): referenced named types written out in full. Protobuf
    /// `serialized`: the base64 `FileDescriptorProto`. Every other value — JSON Schema has no
    /// formats, Protobuf's `ignore_extensions` is not implemented, unknown names — answers the
    /// stored text, as Confluent answers unknown formats with the canonical text (it logs a warning
    /// "for forward compatibility of formats" instead of refusing).
    public func formatted(_ value: SchemaRecordValue, format: String?) -> String {
        formatted(text: value.schema, type: value.schemaType, references: value.references, id: value.id, format: format)
    }

    func formatted(text: String, type: SchemaType, references: [SchemaReference], id: Int, format: String?) -> String {
        guard let format = format?.trimmingSpaces.lowercased(), !format.isEmpty else { return text }
        switch (type, format) {
        case (.avro, "resolved"):
            guard !references.isEmpty, let resolved = try? resolve(references),
                  let inlined = AvroResolvedForm.resolve(text, references: resolved),
                  let parsed = try? parse(inlined, .avro, []) else { return text }
            return parsed.canonicalString
        case (.protobuf, "serialized"):
            guard let proto = (parsedByID[id] ?? (try? parsedSchema(text: text, type: type, references: references))) as? ProtobufSchema else {
                return text
            }
            return proto.serializedDescriptor()
        default:
            return text
        }
    }
}

extension String {
    var trimmingSpaces: String {
        let scalars = unicodeScalars.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed()
        return String(String.UnicodeScalarView(scalars))
    }
}
