import BrookClient
import BrookRegistryClient
import BrookSchemas
import Foundation
import NIOCore

/// Decodes the keys and/or values of consumed records through the Schema Registry for
/// `brook consume --key-schema/--value-schema`.
struct ConsumedRecordDecoder {
    /// A record whose decoded parts hold their JSON text (so `-f` prints it), with the JSON itself.
    struct Decoded {
        var record: ConsumerRecord
        var key: (json: JSONValue, schemaId: Int32)?
        var value: (json: JSONValue, schemaId: Int32)?
    }

    let deserializer: SchemaRegistryDeserializer
    let choice: ConsumeSchemaChoice

    /// Fails with a message naming the part (key or value) that could not be decoded.
    func decode(_ record: ConsumerRecord) async throws -> Decoded {
        var decoded = Decoded(record: record)
        if let expected = choice.key, let key = record.key {
            let result = try await part(key, expecting: expected, what: "key")
            decoded.key = result
            decoded.record.key = ByteBuffer(string: result.json.compactText)
        }
        if let expected = choice.value, let value = record.value {
            let result = try await part(value, expecting: expected, what: "value")
            decoded.value = result
            decoded.record.value = ByteBuffer(string: result.json.compactText)
        }
        return decoded
    }

    private func part(_ bytes: ByteBuffer, expecting: SchemaType?, what: String) async throws -> (json: JSONValue, schemaId: Int32) {
        do {
            let result = try await deserializer.deserialize(Array(bytes.readableBytesView), expecting: expecting)
            return (result.json, result.schemaId)
        } catch let error as SchemaPayloadError {
            throw CLIError.failed("the \(what) \(error.message)")
        } catch let error as InvalidSchemaError {
            throw CLIError.failed("the \(what)'s schema cannot be read: \(error.message)")
        }
    }
}

extension RecordJSON {
    /// The `--json` object of a decoded record: decoded parts are nested JSON, with their schema ids.
    static func object(_ decoded: ConsumedRecordDecoder.Decoded) throws -> [String: Any] {
        var object = object(decoded.record)
        for (name, part) in [("key", decoded.key), ("value", decoded.value)] {
            guard let part else { continue }
            object[name] = try JSONSerialization.jsonObject(with: Data(part.json.compactText.utf8), options: [.fragmentsAllowed])
            object["\(name)_schema_id"] = Int(part.schemaId)
        }
        return object
    }
}
