@testable import BrookConnect
import XCTest

final class StringAndByteArrayConverterTests: XCTestCase {
    func testStringConverterWritesToStringAndReadsOptionalStrings() throws {
        let converter = try StringConverter(configuration: [:], isKey: true)
        XCTAssertEqual(converter.fromConnectData(topic: "t", schema: nil, value: .string("héllo")), Array("héllo".utf8))
        XCTAssertEqual(converter.fromConnectData(topic: "t", schema: .int32, value: .int32(42)), Array("42".utf8))
        XCTAssertEqual(converter.fromConnectData(topic: "t", schema: nil, value: .float64(1e7)), Array("1.0E7".utf8))
        XCTAssertEqual(converter.fromConnectData(topic: "t", schema: nil, value: .stringMap([("a", .int32(1)), ("b", .boolean(true))])),
                       Array("{a=1, b=true}".utf8))
        XCTAssertNil(converter.fromConnectData(topic: "t", schema: .optionalString, value: .null))
        XCTAssertEqual(converter.toConnectData(topic: "t", bytes: Array("x".utf8)), ConnectSchemaAndValue(schema: .optionalString, value: .string("x")))
        XCTAssertEqual(converter.toConnectData(topic: "t", bytes: nil), ConnectSchemaAndValue(schema: .optionalString, value: .null))
        let latin1 = try StringConverter(configuration: ["converter.encoding": "ISO-8859-1"], isKey: false)
        XCTAssertEqual(latin1.fromConnectData(topic: "t", schema: nil, value: .string("é€")), [0xE9, UInt8(ascii: "?")])
        XCTAssertEqual(latin1.toConnectData(topic: "t", bytes: [0xE9]).value, .string("é"))
        XCTAssertThrowsError(try StringConverter(configuration: ["converter.encoding": "EBCDIC"], isKey: false)) { error in
            XCTAssertEqual((error as? ConnectConfigError)?.key, "converter.encoding")
        }
    }

    func testByteArrayConverterPassesBytesAndRejectsOtherTypes() throws {
        let converter = ByteArrayConverter(configuration: [:], isKey: false)
        XCTAssertEqual(try converter.fromConnectData(topic: "t", schema: .bytes, value: .bytes([1, 2])), [1, 2])
        XCTAssertNil(try converter.fromConnectData(topic: "t", schema: nil, value: .null))
        XCTAssertThrowsError(try converter.fromConnectData(topic: "t", schema: .string, value: .bytes([1]))) { error in
            XCTAssertEqual((error as? ConnectDataError)?.message, "Invalid schema type for ByteArrayConverter: STRING")
        }
        XCTAssertThrowsError(try converter.fromConnectData(topic: "t", schema: nil, value: .string("x"))) { error in
            XCTAssertEqual((error as? ConnectDataError)?.message, "ByteArrayConverter is not compatible with objects of type class java.lang.String")
        }
        XCTAssertEqual(converter.toConnectData(topic: "t", bytes: [9]), ConnectSchemaAndValue(schema: .optionalBytes, value: .bytes([9])))
    }

    func testConvertersAreFoundByKafkaClassName() throws {
        let props = ["value.converter": "org.apache.kafka.connect.json.JsonConverter", "value.converter.schemas.enable": "false"]
        let converter = try ConnectConverters.make(className: props["value.converter"]!, properties: props, prefix: "value.converter.",
                                                   isKey: false, configKey: "value.converter")
        XCTAssertEqual((converter as? JsonConverter)?.config.schemasEnabled, false)
        XCTAssertTrue(try ConnectConverters.make(className: "StringConverter", properties: [:], prefix: "key.converter.", isKey: true,
                                                 configKey: "key.converter") is StringConverter)
        XCTAssertThrowsError(try ConnectConverters.make(className: "com.acme.Nope", properties: [:], prefix: "x.", isKey: true, configKey: "key.converter")) { error in
            XCTAssertEqual((error as? ConnectConfigError)?.key, "key.converter")
        }
    }
}

final class HeaderConverterTests: XCTestCase {
    func testSimpleHeaderConverterWritesValuesTextAndInfersTypesBack() throws {
        let converter = SimpleHeaderConverter()
        let cases: [(ConnectValue, String)] = [
            (.string("plain"), "plain"), (.int32(42), "42"), (.float64(1.5), "1.5"), (.boolean(true), "true"),
            (.bytes([1, 2, 3]), "AQID"), (.array([.int8(1), .string("a\"b")]), #"[1,"a\"b"]"#),
            (.stringMap([("k", .int64(1))]), #"{"k":1}"#), (.timestamp(86_400_000), "1970-01-02"),
        ]
        for (value, text) in cases {
            let bytes = converter.fromConnectHeader(topic: "t", headerKey: "h", schema: nil, value: value)
            XCTAssertEqual(bytes.map { String(decoding: $0, as: UTF8.self) }, text)
        }
        XCTAssertNil(converter.fromConnectHeader(topic: "t", headerKey: "h", schema: nil, value: .null))
        XCTAssertEqual(converter.toConnectHeader(topic: "t", headerKey: "h", bytes: Array("42".utf8)), .init(schema: .int8, value: .int8(42)))
        XCTAssertEqual(converter.toConnectHeader(topic: "t", headerKey: "h", bytes: Array("-70000".utf8)), .init(schema: .int32, value: .int32(-70000)))
        XCTAssertEqual(converter.toConnectHeader(topic: "t", headerKey: "h", bytes: Array("FALSE".utf8)), .init(schema: .boolean, value: .boolean(false)))
        XCTAssertEqual(converter.toConnectHeader(topic: "t", headerKey: "h", bytes: Array("abc".utf8)), .init(schema: .string, value: .string("abc")))
        XCTAssertEqual(converter.toConnectHeader(topic: "t", headerKey: "h", bytes: nil), .null)
        let json = try JsonConverter(configuration: ["schemas.enable": "false"], isKey: false)
        XCTAssertEqual(try json.fromConnectHeader(topic: "t", headerKey: "h", schema: .int32, value: .int32(7)), Array("7".utf8))
    }

    func testRandomHeaderBytesAlwaysDecode() {
        let converter = SimpleHeaderConverter()
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("0123456789+-.eE truefalsTRUE[]{}:,\"\u{0}é".utf8)
        for _ in 0..<3000 {
            let length = Int.random(in: 0...24, using: &rng)
            let bytes = (0..<length).map { _ in Bool.random(using: &rng) ? alphabet.randomElement(using: &rng)! : UInt8.random(in: 0...255, using: &rng) }
            let decoded = converter.toConnectHeader(topic: "t", headerKey: "h", bytes: bytes)
            XCTAssertNotNil(decoded.schema)
        }
        for extreme in ["1e2147483647", "-1e-2147483648", "9" + String(repeating: "9", count: 400), ".5", "+.e", "1e"] {
            _ = converter.toConnectHeader(topic: "t", headerKey: "h", bytes: Array(extreme.utf8))
        }
    }
}
