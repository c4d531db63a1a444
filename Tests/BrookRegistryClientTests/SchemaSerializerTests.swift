import BrookRegistryClient
import BrookSchemas
import Foundation
import XCTest

/// Serializers and deserializers over an in-memory registry: the wire format, each schema type's
/// payload, references fetched transitively, and hostile bytes failing cleanly.
final class SchemaSerializerTests: XCTestCase {
    /// Registrations and lookups kept in memory, with the calls counted.
    actor MemoryRegistry: SchemaRegistryLookups {
        var schemas: [Int32: (String, SchemaType, [SchemaReference])] = [:]
        var subjects: [String: [Int32]] = [:]
        var lookups = 0

        func register(subject: String, schema: String, type: SchemaType, references: [SchemaReference],
                      normalize: Bool) async throws -> Int32 {
            if let existing = schemas.first(where: { $0.value.0 == schema && $0.value.1 == type })?.key {
                if !(subjects[subject] ?? []).contains(existing) { subjects[subject, default: []].append(existing) }
                return existing
            }
            let id = Int32(schemas.count + 1)
            schemas[id] = (schema, type, references)
            subjects[subject, default: []].append(id)
            return id
        }

        func schema(id: Int32) async throws -> (schema: String, type: SchemaType, references: [SchemaReference]) {
            lookups += 1
            guard let found = schemas[id] else {
                throw SchemaRegistryClientError.server(status: 404, errorCode: 40403, message: "Schema \(id) not found")
            }
            return found
        }

        func version(subject: String, version: String, deleted: Bool) async throws -> SchemaRegistryClient.SubjectVersion {
            guard let ids = subjects[subject], !ids.isEmpty else {
                throw SchemaRegistryClientError.server(status: 404, errorCode: 40401, message: "Subject '\(subject)' not found.")
            }
            let number = version == "latest" || version == "-1" ? ids.count : Int(version) ?? 0
            guard (1...ids.count).contains(number), let found = schemas[ids[number - 1]] else {
                throw SchemaRegistryClientError.server(status: 404, errorCode: 40402, message: "Version \(version) not found.")
            }
            return .init(subject: subject, id: ids[number - 1], version: number, schemaType: found.1, schema: found.0, references: found.2)
        }
    }

    let order = #"{"type":"record","name":"Order","namespace":"shop","fields":[{"name":"id","type":"long"},"#
        + #"{"name":"note","type":["null","string"],"default":null}]}"#

    func testAvroValuesRoundTripInTheWireFormat() async throws {
        let registry = MemoryRegistry()
        let serializer = SchemaRegistrySerializer(registry: registry, subject: "orders-value", source: .schema(order, type: .avro))
        let bytes = try await serializer.serialize(try JSONParser.parse(#"{"id": 300, "note": {"string": "hi"}}"#))
        // Magic 0, id 1, then zigzag varint 300 (0xd8 0x04), union branch 1, "hi".
        XCTAssertEqual(bytes, [0, 0, 0, 0, 1, 0xD8, 0x04, 0x02, 0x04, UInt8(ascii: "h"), UInt8(ascii: "i")])

        let deserializer = SchemaRegistryDeserializer(registry: registry)
        let decoded = try await deserializer.deserialize(bytes)
        XCTAssertEqual(decoded.schemaId, 1)
        XCTAssertEqual(decoded.schemaType, .avro)
        XCTAssertEqual(decoded.json.compactText, #"{"id":300,"note":{"string":"hi"}}"#)
        _ = try await deserializer.deserialize(bytes)
        let lookups = await registry.lookups
        XCTAssertEqual(lookups, 1, "a schema is fetched once per id")

        do {
            _ = try await serializer.serialize(try JSONParser.parse(#"{"id": "x"}"#))
            XCTFail("a value that does not fit must fail")
        } catch let error as SchemaPayloadError {
            XCTAssertTrue(error.message.contains("long"), error.message)
        }
        do {
            _ = try await deserializer.deserialize(bytes, expecting: .json)
            XCTFail("another type must be refused")
        } catch let error as SchemaPayloadError {
            XCTAssertEqual(error.message, "schema 1 is AVRO, not JSON")
        }
    }

    func testProtobufWritesMessageIndexesAndJSONSchemaValidates() async throws {
        let registry = MemoryRegistry()
        let proto = "syntax = \"proto3\";\npackage shop;\nmessage Other { string x = 1; }\nmessage Order { int64 id = 1; string item = 2; }\n"
        let serializer = SchemaRegistrySerializer(registry: registry, subject: "o-value", source: .schema(proto, type: .protobuf),
                                                  protobufMessage: "Order")
        let bytes = try await serializer.serialize(try JSONParser.parse(#"{"id": "5", "item": "t"}"#))
        // Message indexes [1] as Confluent writes them: count 1 (zigzag 2), index 1 (zigzag 2).
        XCTAssertEqual(Array(bytes[5..<7]), [0x02, 0x02])
        XCTAssertEqual(Array(bytes[7...]), [0x08, 0x05, 0x12, 0x01, UInt8(ascii: "t")])
        let decoded = try await SchemaRegistryDeserializer(registry: registry).deserialize(bytes)
        XCTAssertEqual(decoded.json.compactText, #"{"id":"5","item":"t"}"#)

        let jsonSchema = #"{"type":"object","properties":{"id":{"type":"integer"}},"required":["id"]}"#
        let json = SchemaRegistrySerializer(registry: registry, subject: "j-value", source: .schema(jsonSchema, type: .json))
        let good = try await json.serialize(try JSONParser.parse(#"{"id": 1}"#))
        XCTAssertEqual(String(decoding: good[5...], as: UTF8.self), #"{"id":1}"#)
        do {
            _ = try await json.serialize(try JSONParser.parse(#"{"name": "x"}"#))
            XCTFail("a document the JSON Schema refuses must fail")
        } catch let error as SchemaPayloadError {
            XCTAssertTrue(error.message.contains("does not match the JSON Schema"), error.message)
        }
    }

    func testReferencedSchemasAreFetchedForBothSides() async throws {
        let registry = MemoryRegistry()
        let address = #"{"type":"record","name":"Address","namespace":"shop","fields":[{"name":"city","type":"string"}]}"#
        _ = try await registry.register(subject: "address", schema: address, type: .avro, references: [], normalize: false)
        let customer = #"{"type":"record","name":"Customer","namespace":"shop","fields":[{"name":"home","type":"Address"}]}"#
        let reference = SchemaReference(name: "shop.Address", subject: "address", version: 1)
        let serializer = SchemaRegistrySerializer(registry: registry, subject: "c-value",
                                                  source: .schema(customer, type: .avro, references: [reference]))
        let bytes = try await serializer.serialize(try JSONParser.parse(#"{"home": {"city": "Oslo"}}"#))
        let decoded = try await SchemaRegistryDeserializer(registry: registry).deserialize(bytes)
        XCTAssertEqual(decoded.json.compactText, #"{"home":{"city":"Oslo"}}"#)

        // `latest` and `id:` sources resolve the same references.
        let latest = SchemaRegistrySerializer(registry: registry, subject: "c-value", source: .version("latest"))
        let again = try await latest.serialize(try JSONParser.parse(#"{"home": {"city": "Oslo"}}"#))
        XCTAssertEqual(again, bytes)
    }

    func testHostileBytesFailWithoutCrashing() async throws {
        let registry = MemoryRegistry()
        let serializer = SchemaRegistrySerializer(registry: registry, subject: "o-value", source: .schema(order, type: .avro))
        let valid = try await serializer.serialize(try JSONParser.parse(#"{"id": -9223372036854775808, "note": null}"#))
        let deserializer = SchemaRegistryDeserializer(registry: registry)
        let decodedValid = try await deserializer.deserialize(valid)
        XCTAssertEqual(decodedValid.json.compactText, #"{"id":-9223372036854775808,"note":null}"#)
        var generator = SystemRandomNumberGenerator()
        var failures = 0
        for round in 0..<2000 {
            var bytes = valid
            switch round % 3 {
            case 0: bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &generator)))
            case 1: bytes[Int.random(in: 5..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            default: bytes = [0, 0, 0, 0, 1] + (0..<Int.random(in: 0...12, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            }
            do { _ = try await deserializer.deserialize(bytes) } catch { failures += 1 }
        }
        XCTAssertGreaterThan(failures, 0)
        for bad: [UInt8] in [[], [1, 0, 0, 0, 1], [0, 0xFF, 0xFF, 0xFF, 0xFF, 0]] {
            do {
                _ = try await deserializer.deserialize(bad)
                XCTFail("\(bad) must fail")
            } catch {}
        }
    }
}
