import BrookSchemas
import BrookTestSupport
import Foundation
import XCTest

/// Hostile or broken input is an error, never a crash: schema text and message bytes alike.
final class ProtobufFuzzTests: XCTestCase {
    private let valid = """
        syntax = "proto3";
        package fuzz.v1;
        import "google/protobuf/timestamp.proto";
        option java_package = "x.y";
        message Order {
          reserved 9 to 11, "old";
          string id = 1 [json_name = "orderId"];
          repeated Line lines = 2;
          map<string, int64> totals = 3;
          google.protobuf.Timestamp at = 4;
          oneof pay { string card = 5; bytes token = 6; }
          Status status = 7;
          message Line { string sku = 1; sint32 qty = 2; double price = 3; }
        }
        enum Status { UNKNOWN = 0; PAID = 1; }
        service S { rpc Put (Order) returns (Order); }
        """

    func testTruncationsAndMutationsOfAValidSchemaParseOrThrow() {
        let bytes = Array(valid.utf8)
        var parsedCount = 0
        for end in 0...bytes.count {
            if (try? ProtobufSchema(text: String(decoding: bytes[0..<end], as: UTF8.self))) != nil { parsedCount += 1 }
        }
        XCTAssertGreaterThan(parsedCount, 0, "the empty prefix and the whole text parse")
        var rng = SeededRNG(seed: 13)
        let alphabet = Array("{}[]()<>;,=.:-\"'/*\\ \nabcxyz019max toreservedmessageoneofmaprepeated".utf8)
        for _ in 0..<3_000 {
            var mutated = bytes
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let position = Int.random(in: 0..<mutated.count, using: &rng)
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: mutated[position] = alphabet.randomElement(using: &rng)!
                case 1: mutated.insert(alphabet.randomElement(using: &rng)!, at: position)
                default: mutated.remove(at: position)
                }
            }
            let text = String(decoding: mutated, as: UTF8.self)
            do {
                let schema = try ProtobufSchema(text: text)
                // Whatever parses prints to text that parses to the same thing.
                XCTAssertEqual(try ProtobufSchema(text: schema.canonicalString).canonicalString, schema.canonicalString, text)
                _ = schema.normalized()
            } catch {
                XCTAssertTrue(error.message.hasPrefix("Invalid Protobuf schema: "), error.message)
            }
        }
    }

    func testMutatedDescriptorsParseOrThrow() throws {
        let schema = try ProtobufSchema(text: valid)
        let descriptor = Array(Data(base64Encoded: schema.serializedDescriptor())!)
        var rng = SeededRNG(seed: 5)
        for end in stride(from: 0, to: descriptor.count, by: 3) {
            _ = try? ProtobufSchema(text: Data(descriptor[0..<end]).base64EncodedString())
        }
        for _ in 0..<3_000 {
            var mutated = descriptor
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                mutated[Int.random(in: 0..<mutated.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            }
            if let parsed = try? ProtobufSchema(text: Data(mutated).base64EncodedString()) {
                XCTAssertNoThrow(try ProtobufSchema(text: parsed.canonicalString), parsed.canonicalString)
            }
        }
    }

    func testDeepNestingIsAnError() {
        let deepMessages = String(repeating: "message M {", count: 10_000) + String(repeating: "}", count: 10_000)
        XCTAssertThrowsError(try ProtobufSchema(text: deepMessages))
        let deepOption = "option (x) = " + String(repeating: "{a:", count: 10_000) + "1" + String(repeating: "}", count: 10_000) + ";"
        XCTAssertThrowsError(try ProtobufSchema(text: deepOption))
        let deepList = "option (x) = " + String(repeating: "[", count: 10_000) + "1" + String(repeating: "]", count: 10_000) + ";"
        XCTAssertThrowsError(try ProtobufSchema(text: deepList))
    }

    func testRandomAndMutatedMessageBytesDecodeOrThrow() throws {
        let schema = try ProtobufSchema(text: valid)
        let order: JSONValue = .object([
            ("orderId", .string("o-1")),
            ("lines", .array([.object([("sku", .string("a")), ("qty", .number("-3")), ("price", .number("2.5"))])])),
            ("totals", .object([("eur", .string("12"))])),
            ("at", .string("2026-12-03T10:00:00.250Z")),
            ("card", .string("4111")),
            ("status", .string("PAID")),
        ])
        let bytes = try schema.encodeJSON(order)
        XCTAssertEqual(try schema.decodeJSON(bytes), order)
        var rng = SeededRNG(seed: 21)
        for end in 0..<bytes.count {
            _ = try? schema.decodeJSON(Array(bytes[0..<end]))
        }
        for _ in 0..<20_000 {
            var mutated = bytes
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                mutated[Int.random(in: 0..<mutated.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            }
            _ = try? schema.decodeJSON(mutated)
            let random = (0..<Int.random(in: 0...32, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            _ = try? schema.decodeJSON(random)
            _ = try? schema.decodeConfluentPayload(random)
        }
    }

    func testHugeLengthsAndDeepMessagesAreErrors() throws {
        let schema = try ProtobufSchema(text: "syntax = \"proto3\"; message Tree { repeated Tree children = 1; string name = 2; }")
        // Field 2, length 2^62: more than there is.
        XCTAssertThrowsError(try schema.decodeJSON([0x12, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40]))
        // An 11-byte varint.
        XCTAssertThrowsError(try schema.decodeJSON([0x08] + Array(repeating: 0xFF, count: 10) + [0x01]))
        // 1,000 levels of children.
        var nested: [UInt8] = []
        for _ in 0..<1_000 {
            var next: [UInt8] = [0x0A]
            var length = UInt64(nested.count)
            while length >= 0x80 { next.append(UInt8(length & 0x7F) | 0x80); length >>= 7 }
            next.append(UInt8(length))
            nested = next + nested
        }
        XCTAssertThrowsError(try schema.decodeJSON(nested)) { error in
            XCTAssertTrue((error as? ProtobufDataError)?.message.contains("deeper") == true, "\(error)")
        }
        // Groups nested without end.
        XCTAssertThrowsError(try schema.decodeJSON(Array(repeating: 0x1B, count: 5_000)))
        // Deep JSON cannot recurse without bound either.
        var json: JSONValue = .object([])
        for _ in 0..<1_000 { json = .object([("children", .array([json]))]) }
        XCTAssertThrowsError(try schema.encodeJSON(json))
    }
}
