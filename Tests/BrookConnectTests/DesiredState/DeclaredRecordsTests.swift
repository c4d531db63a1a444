import BrookConnect
import BrookSchemas
import XCTest

final class DeclaredRecordsTests: XCTestCase {
    private func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    func testACSVRowBecomesAJSONObjectOfStringsInHeaderOrderKeyedByItsKeyColumn() throws {
        let csv = CSVDeclarations(keyColumns: ["id"])
        let records = try csv.records(source: "orders.csv", bytes: Array("name,id,qty\n\"Ann \"\"A\"\"\",7,3\nBob,8,\n".utf8))
        XCTAssertEqual(records.map(\.key), ["7", "8"])
        XCTAssertEqual(text(records[0].value), #"{"name":"Ann \"A\"","id":"7","qty":"3"}"#)
        XCTAssertEqual(text(records[1].value), #"{"name":"Bob","id":"8","qty":""}"#)
        XCTAssertEqual(records[1].origin, DeclaredOrigin(source: "orders.csv", line: 3))
    }

    func testSeveralKeyColumnsMakeAJSONArrayKey() throws {
        let csv = CSVDeclarations(keyColumns: ["region", "id"])
        let records = try csv.records(source: "a.csv", bytes: Array("id,region\n1,eu\n1,\"us,\"\n".utf8))
        XCTAssertEqual(records.map(\.key), [#"["eu","1"]"#, #"["us,","1"]"#])
    }

    func testAMissingKeyColumnIsAConfigErrorNamingTheFile() {
        let csv = CSVDeclarations(keyColumns: ["sku"])
        XCTAssertThrowsError(try csv.records(source: "data/a.csv", bytes: Array("id,name\n1,x\n".utf8))) {
            XCTAssertEqual($0 as? DesiredStateError, .missingKeyColumn(column: "sku", source: "data/a.csv"))
            XCTAssertEqual("\($0)", "data/a.csv: key column \"sku\" (key.columns) is not among the input's columns")
        }
    }

    func testCSVErrorsNameTheFileAndLine() {
        let csv = CSVDeclarations(keyColumns: ["id"])
        XCTAssertThrowsError(try csv.records(source: "b.csv", bytes: Array("id,n\n1,2\n3\n".utf8))) {
            XCTAssertEqual("\($0)", "b.csv: line 3: the row has 1 field, the header has 2")
        }
    }

    func testAnEmptyCSVFileDeclaresNothing() throws {
        XCTAssertEqual(try CSVDeclarations(keyColumns: ["id"]).records(source: "e.csv", bytes: []), [])
    }

    func testDuplicateKeysAcrossRowsAndFilesNameBothPlaces() throws {
        let csv = CSVDeclarations(keyColumns: ["id"])
        var pass = ReconcilePass(tracked: TrackedState())
        XCTAssertThrowsError(try csv.declare(source: "a.csv", bytes: Array("id\n1\n2\n1\n".utf8), into: &pass)) {
            XCTAssertEqual("\($0)", #"key "1" is declared twice: at a.csv line 2 and at a.csv line 4"#)
        }
        var second = ReconcilePass(tracked: TrackedState())
        try csv.declare(source: "a.csv", bytes: Array("id\n1\n".utf8), into: &second)
        XCTAssertThrowsError(try csv.declare(source: "b.csv", bytes: Array("x,id\ny,1\n".utf8), into: &second)) {
            XCTAssertEqual($0 as? DesiredStateError, .duplicateKey(key: "1", first: DeclaredOrigin(source: "a.csv", line: 2), second: DeclaredOrigin(source: "b.csv", line: 2)))
        }
    }

    func testAFileIsKeyedByItsRelativePathWithItsBytesOrCompactJSON() throws {
        let raw = try FileDeclarations().record(relativePath: "conf/a.json", bytes: Array("{ \"a\" : [1, 2.50] }\n".utf8))
        XCTAssertEqual(raw.key, "conf/a.json")
        XCTAssertEqual(text(raw.value), "{ \"a\" : [1, 2.50] }\n")
        let json = try FileDeclarations(valueFormat: .json).record(relativePath: "conf/a.json", bytes: Array("{ \"a\" : [1, 2.50] }\n".utf8))
        XCTAssertEqual(text(json.value), #"{"a":[1,2.50]}"#)
        XCTAssertThrowsError(try FileDeclarations(valueFormat: .json).record(relativePath: "b.json", bytes: Array("{".utf8))) {
            guard case let .invalidJSON(source, _)? = $0 as? DesiredStateError else { return XCTFail("\($0)") }
            XCTAssertEqual(source, "b.json")
        }
    }

    func testASQLRowIsKeyedByItsKeyColumnsAndWrittenAsTypedJSON() throws {
        let row: [(String, JSONValue)] = [("id", .number("42")), ("region", .string("eu")), ("active", .bool(true)), ("note", .null)]
        let single = try SQLDeclarations(keyColumns: ["id"]).record(row: row, rowNumber: 1)
        XCTAssertEqual(single.key, "42")
        XCTAssertEqual(text(single.value), #"{"id":42,"region":"eu","active":true,"note":null}"#)
        XCTAssertEqual(try SQLDeclarations(keyColumns: ["region"]).record(row: row, rowNumber: 1).key, "eu")
        XCTAssertEqual(try SQLDeclarations(keyColumns: ["region", "id"]).record(row: row, rowNumber: 1).key, #"["eu",42]"#)
        XCTAssertThrowsError(try SQLDeclarations(keyColumns: ["note"]).record(row: row, rowNumber: 5)) {
            XCTAssertEqual($0 as? DesiredStateError, .nullKey(column: "note", origin: DeclaredOrigin(source: "query", line: 5)))
        }
        XCTAssertThrowsError(try SQLDeclarations(keyColumns: ["sku"]).record(row: row, rowNumber: 1))
        XCTAssertThrowsError(try SQLDeclarations(keyColumns: []))
    }

    func testTheConfigNamesEachKeyAndItsDefaults() throws {
        let config = try DesiredStateConfig(properties: ["name": "orders", "input": "csv", "path": "data/*.csv", "key.columns": "region, id", "topic": "orders"])
        XCTAssertEqual(config.keyColumns, ["region", "id"])
        XCTAssertEqual(config.deletion, .tombstone)
        XCTAssertEqual(config.csvSeparator, UInt8(ascii: ","))
        XCTAssertEqual(config.stateTopic, "_brook-desired-state-orders")
        let valued = try DesiredStateConfig(properties: ["name": "f", "input": "files", "path": "d/**", "topic": "t", "deletion.value": #"{"deleted":true}"#, "value.format": "json"])
        XCTAssertEqual(valued.deletion, .value(Array(#"{"deleted":true}"#.utf8)))
        XCTAssertEqual(valued.valueFormat, .json)
        XCTAssertEqual(try DesiredStateConfig(properties: ["name": "q", "input": "sql", "query": "select 1", "topic": "t", "deletion.mode": "none"]).deletion, .nothing)
        XCTAssertThrowsError(try DesiredStateConfig(properties: ["name": "o", "input": "csv", "path": "x", "topic": "t"])) {
            guard case .invalidConfig(key: "key.columns", _)? = $0 as? DesiredStateError else { return XCTFail("\($0)") }
        }
        XCTAssertThrowsError(try DesiredStateConfig(properties: ["name": "o", "input": "xml", "path": "x", "topic": "t"]))
        XCTAssertThrowsError(try DesiredStateConfig(properties: ["name": "o", "input": "files", "topic": "t"]))
        XCTAssertThrowsError(try DesiredStateConfig(properties: ["name": "o", "input": "files", "path": "p", "topic": "t", "deletion.mode": "value"]))
    }

    func testStateTopicNamesStayLegalAndDistinct() {
        XCTAssertEqual(DesiredStateTopic.name(connector: "pg-orders.v2"), "_brook-desired-state-pg-orders.v2")
        let a = DesiredStateTopic.name(connector: "my orders"), b = DesiredStateTopic.name(connector: "my/orders")
        XCTAssertTrue(a.hasPrefix("_brook-desired-state-my_orders-"))
        XCTAssertNotEqual(a, b)
        XCTAssertLessThanOrEqual(DesiredStateTopic.name(connector: String(repeating: "x", count: 400)).count, 249)
    }
}
