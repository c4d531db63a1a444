@testable import BrookConnect
import XCTest

final class HeaderAndChainTests: XCTestCase {
    func testInsertHeaderInfersTheLiteralType() throws {
        let cases: [(String, ConnectSchema, ConnectValue)] = [
            ("true", .boolean, .boolean(true)), ("42", .int8, .int8(42)), ("300", .int16, .int16(300)),
            ("70000", .int32, .int32(70000)), ("5000000000", .int64, .int64(5_000_000_000)), ("1.5", .float32, .float32(1.5)),
            ("hello", .string, .string("hello")), ("", .string, .string("")),
        ]
        for (literal, schema, value) in cases {
            let transform = try makeTransform("InsertHeader", ["header": "h", "value.literal": literal])
            let out = try XCTUnwrap(try transform.apply(ConnectRecord(topic: "t", headers: [.init(key: "x", value: .null)])))
            XCTAssertEqual(out.headers, [.init(key: "x", value: .null), .init(key: "h", schema: schema, value: value)], literal)
        }
    }

    func testDropHeadersAndHeaderFrom() throws {
        let drop = try makeTransform("DropHeaders", ["headers": "a,b"])
        let record = ConnectRecord(topic: "t", headers: [.init(key: "a", value: .int8(1)), .init(key: "c", value: .int8(2)), .init(key: "b", value: .int8(3))])
        XCTAssertEqual(try drop.apply(record)?.headers, [.init(key: "c", value: .int8(2))])

        let schema = try ConnectSchema.struct([("id", .int32), ("name", .string)])
        let value = try ConnectStruct.make(schema, [("id", .int32(1)), ("name", .string("n"))])
        let move = try makeTransform("HeaderFrom$Value", ["fields": "id", "headers": "the-id", "operation": "move"])
        let moved = try XCTUnwrap(try move.apply(ConnectRecord(topic: "t", valueSchema: schema, value: .struct(value))))
        XCTAssertEqual(moved.valueSchema?.fields.map(\.name), ["name"])
        XCTAssertEqual(moved.headers, [.init(key: "the-id", schema: .int32, value: .int32(1))])
        let copy = try makeTransform("HeaderFrom$Key", ["fields": "a,b", "headers": "ha,hb", "operation": "copy"])
        let copied = try XCTUnwrap(try copy.apply(ConnectRecord(topic: "t", key: .stringMap([("a", .int8(1))]))))
        XCTAssertEqual(copied.key, .stringMap([("a", .int8(1))]))
        XCTAssertEqual(copied.headers, [.init(key: "ha", value: .int8(1)), .init(key: "hb", value: .null)])
        XCTAssertEqual(connectMessage { try makeTransform("HeaderFrom$Value", ["fields": "a,b", "headers": "h", "operation": "copy"]) },
                       "'fields' config must have the same number of elements as 'headers' config.")
        XCTAssertEqual(connectMessage { try makeTransform("HeaderFrom$Value", ["fields": "a", "headers": "h", "operation": "cut"]) },
                       "Invalid value cut for configuration operation: String must be one of: move, copy")
    }

    func testChainAppliesStagesUnderPredicates() throws {
        let config = [
            "transforms": "dropTombstones, route ,tag",
            "transforms.dropTombstones.type": "org.apache.kafka.connect.transforms.Filter",
            "transforms.dropTombstones.predicate": "isTombstone",
            "transforms.route.type": "RegexRouter",
            "transforms.route.regex": "orders-(.*)",
            "transforms.route.replacement": "$1",
            "transforms.route.predicate": "onOrders",
            "transforms.tag.type": "InsertHeader",
            "transforms.tag.header": "seen",
            "transforms.tag.value.literal": "true",
            "transforms.tag.predicate": "hasTrace",
            "transforms.tag.negate": "true",
            "predicates": "isTombstone,onOrders,hasTrace",
            "predicates.isTombstone.type": "org.apache.kafka.connect.transforms.predicates.RecordIsTombstone",
            "predicates.onOrders.type": "TopicNameMatches",
            "predicates.onOrders.pattern": "orders-.*",
            "predicates.hasTrace.type": "HasHeaderKey",
            "predicates.hasTrace.name": "trace",
        ]
        let chain = try TransformationChain.build(from: config).get()
        XCTAssertEqual(chain.stages.map(\.alias), ["dropTombstones", "route", "tag"])
        XCTAssertNil(try chain.apply(ConnectRecord(topic: "orders-eu", value: .null)))
        let routed = try XCTUnwrap(try chain.apply(ConnectRecord(topic: "orders-eu", value: .string("x"))))
        XCTAssertEqual(routed.topic, "eu")
        XCTAssertEqual(routed.headers.map(\.key), ["seen"])
        let traced = try XCTUnwrap(try chain.apply(ConnectRecord(topic: "users", value: .string("x"), headers: [.init(key: "trace", value: .null)])))
        XCTAssertEqual(traced.topic, "users")
        XCTAssertEqual(traced.headers.map(\.key), ["trace"])
        XCTAssertEqual(try TransformationChain.build(from: [:]).get().stages.count, 0)
    }

    func testChainReportsEveryConfigErrorByKey() {
        let config = [
            "transforms": "a,b,c,d,a",
            "transforms.a.type": "InsertField$Value",
            "transforms.b.type": "com.example.Nope",
            "transforms.c.type": "Cast$Value",
            "transforms.c.spec": "x:array",
            "transforms.c.negate": "true",
            "transforms.d.type": "MaskField$Key",
            "transforms.d.predicate": "missing",
            "predicates": "p",
            "predicates.p.type": "TopicNameMatches",
        ]
        guard case let .failure(failure) = TransformationChain.build(from: config) else { return XCTFail("expected errors") }
        let byKey = Dictionary(failure.errors.map { ($0.key, $0.message) }, uniquingKeysWith: { first, _ in first })
        XCTAssertEqual(byKey["transforms"], "Invalid value [a, b, c, d, a] for configuration transforms: Duplicate alias provided.")
        XCTAssertEqual(byKey["transforms.a.type"], "No field insertion configured")
        XCTAssertEqual(byKey["transforms.b.type"], "Invalid value com.example.Nope for configuration transforms.b.type: Class com.example.Nope could not be found.")
        XCTAssertEqual(byKey["transforms.c.negate"], "Config 'transforms.c.negate' was provided but there is no config 'transforms.c.predicate' defining a predicate to be negated.")
        XCTAssertEqual(byKey["transforms.c.type"], "Cast transformation does not support casting to ARRAY; supported types are [INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, STRING]")
        XCTAssertEqual(byKey["transforms.d.predicate"], "Invalid value missing for configuration transforms.d.predicate: no predicate with alias missing is listed in 'predicates'")
        XCTAssertEqual(byKey["transforms.d.fields"], "Missing required configuration \"transforms.d.fields\" which has no default value.")
        XCTAssertEqual(byKey["predicates.p.pattern"], "Missing required configuration \"predicates.p.pattern\" which has no default value.")
        XCTAssertEqual(byKey.count, 8)
    }

    func testRandomConfigsNeverCrashTheChainBuilder() {
        let keys = ["transforms", "transforms.a.type", "transforms.a.spec", "transforms.a.field", "transforms.a.predicate", "transforms.a.negate",
                    "transforms.a.regex", "transforms.a.replacement", "transforms.a.fields", "transforms.a.format", "transforms.a.target.type",
                    "predicates", "predicates.p.type", "predicates.p.pattern"]
        let values = ["a", "p", "a,a", "", "InsertField$Value", "Cast$Key", "RegexRouter", "TimestampConverter$Value", "Filter", "ValueToKey",
                      "TopicNameMatches", "x:int8", "int8", "(", "[a-", "$9", "true", "maybe", "yyyy", "string", "f1,f2", ":", "a:b:c"]
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<1500 {
            var config: [String: String] = [:]
            for _ in 0..<Int.random(in: 0...8, using: &rng) { config[keys.randomElement(using: &rng)!] = values.randomElement(using: &rng)! }
            if case let .success(chain) = TransformationChain.build(from: config) {
                _ = try? chain.apply(ConnectRecord(topic: "t", value: .stringMap([("f1", .string("1"))]), timestamp: 0, kafkaOffset: 1))
            }
        }
    }
}
