@testable import BrookConnect
import XCTest

final class TimestampTransformTests: XCTestCase {
    // Kafka's TimestampConverterTest: 1970-01-02T00:00:01Z and its string form.
    private let datePlusTime: Int64 = 86_401_000
    private let date: Int64 = 86_400_000
    private let time: Int64 = 1000
    private let stringFormat = "yyyy MM dd HH mm ss SSS z"
    private let dateString = "1970 01 02 00 00 01 000 UTC"

    func testWholeValueConversionsBetweenEveryType() throws {
        let cases: [(ConnectSchema?, ConnectValue, [String: String], ConnectSchema, ConnectValue)] = [
            (ConnectLogicalType.timestampSchema, .timestamp(datePlusTime), ["target.type": "Date"], ConnectLogicalType.dateSchema, .timestamp(date)),
            (ConnectLogicalType.timestampSchema, .timestamp(datePlusTime), ["target.type": "Time"], ConnectLogicalType.timeSchema, .timestamp(time)),
            (ConnectLogicalType.timestampSchema, .timestamp(datePlusTime), ["target.type": "unix"], .int64, .int64(datePlusTime)),
            (ConnectLogicalType.timestampSchema, .timestamp(datePlusTime), ["target.type": "unix", "unix.precision": "seconds"], .int64, .int64(86_401)),
            (ConnectLogicalType.timestampSchema, .timestamp(datePlusTime), ["target.type": "unix", "unix.precision": "microseconds"], .int64, .int64(86_401_000_000)),
            (ConnectLogicalType.timestampSchema, .timestamp(datePlusTime), ["target.type": "string", "format": stringFormat], .string, .string(dateString)),
            (.int64, .int64(datePlusTime), ["target.type": "Timestamp"], ConnectLogicalType.timestampSchema, .timestamp(datePlusTime)),
            (.int64, .int64(86_401_000_000_123), ["target.type": "Timestamp", "unix.precision": "nanoseconds"], ConnectLogicalType.timestampSchema, .timestamp(86_401_000)),
            (.string, .string(dateString), ["target.type": "Timestamp", "format": stringFormat], ConnectLogicalType.timestampSchema, .timestamp(datePlusTime)),
            (ConnectLogicalType.dateSchema, .timestamp(date), ["target.type": "Timestamp"], ConnectLogicalType.timestampSchema, .timestamp(date)),
        ]
        for (schema, value, config, expectedSchema, expected) in cases {
            let transform = try makeTransform("org.apache.kafka.connect.transforms.TimestampConverter$Value", config)
            let out = try XCTUnwrap(try transform.apply(ConnectRecord(topic: "t", valueSchema: schema, value: value)))
            XCTAssertEqual(out.valueSchema, expectedSchema, "\(config)")
            XCTAssertEqual(out.value, expected, "\(config)")
            // Schemaless input infers the source type from the value.
            let schemaless = try XCTUnwrap(try transform.apply(ConnectRecord(topic: "t", value: value)))
            XCTAssertNil(schemaless.valueSchema)
            if schema?.name == nil || schema?.name == ConnectLogicalType.timestamp.rawValue {
                XCTAssertEqual(schemaless.value, expected, "schemaless \(config)")
            }
        }
    }

    func testFieldConversionWithSchemaAndWithout() throws {
        let schema = try ConnectSchema.struct([("ts", .int64), ("other", .string)])
        let value = try ConnectStruct.make(schema, [("ts", .int64(datePlusTime)), ("other", .string("x"))])
        let transform = try makeTransform("TimestampConverter$Value", ["field": "ts", "target.type": "string", "format": "yyyy-MM-dd"])
        let out = try XCTUnwrap(try transform.apply(ConnectRecord(topic: "t", valueSchema: schema, value: .struct(value))))
        XCTAssertEqual(out.valueSchema?.field(named: "ts")?.schema, .string)
        XCTAssertEqual(try out.value.structValue?.get("ts"), .string("1970-01-02"))
        XCTAssertEqual(try out.value.structValue?.get("other"), .string("x"))
        XCTAssertEqual(try transform.apply(ConnectRecord(topic: "t", value: .stringMap([("ts", .int64(0)), ("o", .int8(1))])))?.value,
                       .stringMap([("ts", .string("1970-01-01")), ("o", .int8(1))]))
    }

    func testTimestampConverterErrors() throws {
        XCTAssertEqual(connectMessage { try makeTransform("TimestampConverter$Value", ["target.type": "string"]) },
                       "TimestampConverter requires format option to be specified when using string timestamps")
        XCTAssertEqual(connectMessage { try makeTransform("TimestampConverter$Value", ["target.type": "epoch"]) },
                       "Invalid value epoch for configuration target.type: String must be one of: string, unix, Date, Time, Timestamp")
        XCTAssertEqual(connectMessage { try makeTransform("TimestampConverter$Value", ["target.type": "string", "format": "bad-pattern-q"]) },
                       "TimestampConverter requires a SimpleDateFormat-compatible pattern for string timestamps: bad-pattern-q")
        let fromString = try makeTransform("TimestampConverter$Value", ["target.type": "unix", "format": "yyyy-MM-dd"])
        XCTAssertEqual(connectMessage { try fromString.apply(ConnectRecord(topic: "t", value: .string("not a date"))) },
                       "Could not parse timestamp: value (not a date) does not match pattern (yyyy-MM-dd)")
        XCTAssertEqual(connectMessage { try fromString.apply(ConnectRecord(topic: "t", value: .int32(5))) },
                       "TimestampConverter does not support class java.lang.Integer objects as timestamps")
        XCTAssertEqual(connectMessage { try fromString.apply(ConnectRecord(topic: "t", valueSchema: .int32, value: .int32(5))) },
                       "Schema Schema{INT32} does not correspond to a known timestamp type format")
    }

    func testTimestampRouterFormatsTopicAndTimestamp() throws {
        let router = try makeTransform("TimestampRouter", [:])
        XCTAssertEqual(try router.apply(ConnectRecord(topic: "test", value: .null, timestamp: 1_483_425_001_864))?.topic, "test-20170103")
        let custom = try makeTransform("TimestampRouter", ["topic.format": "${timestamp}_${topic}_${topic}", "timestamp.format": "yyyy-MM-dd HH"])
        XCTAssertEqual(try custom.apply(ConnectRecord(topic: "a$b", value: .null, timestamp: 1_483_425_001_864))?.topic, "2017-01-03 06_a$b_a$b")
        XCTAssertTrue(connectMessage { try router.apply(ConnectRecord(topic: "test")) }?.hasPrefix("Timestamp missing on record: ") == true)
    }

    func testRegexRouterRewritesWholeMatchesOnly() throws {
        // Kafka's RegexRouterTest cases.
        let cases: [(String, String, String, String)] = [
            ("foo", "bar", "foo", "bar"),
            ("foo", "bar", "orig", "orig"),
            ("(.*)", "prefix-$1", "orig", "prefix-orig"),
            ("(.*)", "$1-suffix", "orig", "orig-suffix"),
            ("(.*)-(\\d\\d\\d\\d\\d\\d\\d\\d)", "$1", "index-20160117", "index"),
            ("(.*)-(\\d\\d\\d\\d\\d\\d\\d\\d)", "$2-$1", "index-20160117", "20160117-index"),
            ("(?<name>[a-z]+)\\.x", "${name}\\$", "abc.x", "abc$"),
        ]
        for (regex, replacement, topic, expected) in cases {
            let router = try makeTransform("org.apache.kafka.connect.transforms.RegexRouter", ["regex": regex, "replacement": replacement])
            XCTAssertEqual(try router.apply(ConnectRecord(topic: topic))?.topic, expected, regex)
        }
        XCTAssertTrue(connectMessage { try makeTransform("RegexRouter", ["regex": "(", "replacement": "x"]) }?
            .hasPrefix("Invalid value ( for configuration regex: Invalid regex: ") == true)
        XCTAssertEqual(connectMessage { try makeTransform("RegexRouter", ["regex": "x"]) },
                       "Missing required configuration \"replacement\" which has no default value.")
    }

    func testJavaDateFormatFormatsAndParsesLeniently() throws {
        let full = try JavaDateFormat("EEE, d MMM yyyy HH:mm:ss.SSS Z '('zzzz')' a hh")
        XCTAssertEqual(full.format(millis: 1_483_425_001_864), "Tue, 3 Jan 2017 06:30:01.864 +0000 (Coordinated Universal Time) AM 06")
        let iso = try JavaDateFormat("yyyy-MM-dd'T'HH:mm:ssXXX")
        XCTAssertEqual(iso.parse("2017-01-03T07:30:01+01:00"), 1_483_425_001_000)
        XCTAssertEqual(iso.parse("2017-01-03T06:30:01Z"), 1_483_425_001_000)
        XCTAssertEqual(try JavaDateFormat("yyyyMMdd").parse("20170103"), 1_483_401_600_000)
        XCTAssertEqual(try JavaDateFormat("yyyy-MM-dd").parse("2017-01-32"), 1_483_401_600_000 + 29 * 86_400_000, "day 32 rolls over")
        XCTAssertEqual(try JavaDateFormat("yyyy-MM-dd").parse("2017-01-03 trailing"), 1_483_401_600_000)
        XCTAssertEqual(try JavaDateFormat("dd MMMM yyyy hh a").parse("03 january 2017 06 PM"), 1_483_401_600_000 + 18 * 3_600_000)
        XCTAssertNil(try JavaDateFormat("yyyy-MM-dd").parse("2017/01/03"))
        XCTAssertThrowsError(try JavaDateFormat("yyyy-qq"))
        XCTAssertThrowsError(try JavaDateFormat("'unterminated"))
        XCTAssertEqual(try JavaDateFormat("'It''s' yy").format(millis: 0), "It's 70")
        XCTAssertEqual(JavaDateFormats.iso8601Text(1000), "00:00:01.000Z")
        XCTAssertEqual(JavaDateFormats.iso8601Text(86_400_000), "1970-01-02")
        XCTAssertEqual(CivilTime(millisSinceEpoch: -86_400_000).day, 31)
    }

    func testRandomTextsNeverCrashTheParser() throws {
        let formats = try ["yyyy-MM-dd'T'HH:mm:ss.SSSXXX", "yyyyMMdd", "EEE MMM d HH:mm:ss z yyyy"].map { try JavaDateFormat($0) }
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("0123456789-+:TZ .abcdefghijklmnopqrstuvwxyzUTCGM")
        for _ in 0..<2000 {
            let length = Int.random(in: 0...40, using: &rng)
            let text = String((0..<length).map { _ in alphabet.randomElement(using: &rng)! })
            for format in formats { _ = format.parse(text) }
        }
        XCTAssertNil(formats[1].parse("999999999999999999999999"))
    }
}
