@testable import brook
import BrookClient
import BrookRecords
import Foundation
import NIOCore
import XCTest

final class RecordFormatterTests: XCTestCase {
    private let record = ConsumerRecord(
        topic: "orders", partition: 2, offset: 41, timestamp: 1_700_000_000_123, timestampType: .createTime,
        key: ByteBuffer(string: "k-1"), value: ByteBuffer(string: "{\"a\":1}"),
        headers: [KafkaHeader(key: "trace", value: ByteBuffer(string: "abc")), KafkaHeader(key: "empty", value: nil)],
        leaderEpoch: 0)

    private func render(_ format: String, _ record: ConsumerRecord) throws -> String {
        var out: [UInt8] = []
        try RecordFormatter(format).render(record, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    func testEveryToken() throws {
        XCTAssertEqual(try render("%t|%p|%o|%k|%v|%h|%T|%K|%S|%%\\n", record),
                       "orders|2|41|k-1|{\"a\":1}|trace=abc,empty=|1700000000123|3|7|%\n")
        XCTAssertEqual(try render("%s", record), "{\"a\":1}", "%s is kcat's spelling of the value")
        XCTAssertEqual(try render("a\\tb\\\\c\\r", record), "a\tb\\c\r")
    }

    func testNullKeyAndValue() throws {
        var tombstone = record
        tombstone.key = nil
        tombstone.value = nil
        tombstone.headers = []
        XCTAssertEqual(try render("[%k][%v][%h] %K %S", tombstone), "[][][] -1 -1")
    }

    func testBadFormats() {
        XCTAssertThrowsError(try RecordFormatter("%q"))
        XCTAssertThrowsError(try RecordFormatter("50%"))
    }

    func testJSONEnvelope() throws {
        XCTAssertEqual(try JSONOutput.string(RecordJSON.object(record)),
                       #"{"headers":[{"key":"trace","value":"abc"},{"key":"empty","value":null}],"key":"k-1","offset":41,"partition":2,"timestamp":1700000000123,"timestamp_type":"CreateTime","topic":"orders","value":"{\"a\":1}"}"#)
        var binary = record
        binary.value = ByteBuffer(bytes: [0xFF, 0x00])
        binary.key = nil
        binary.headers = []
        let object = RecordJSON.object(binary)
        XCTAssertEqual(object["value"] as? String, "/wA=")
        XCTAssertEqual(object["value_encoding"] as? String, "base64")
        XCTAssertTrue(object["key"] is NSNull)
    }
}
