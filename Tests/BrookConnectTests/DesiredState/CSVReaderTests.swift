import BrookConnect
import BrookTestSupport
import XCTest

final class CSVReaderTests: XCTestCase {
    private func rows(_ text: String) throws -> [[String]] {
        var reader = CSVReader(bytes: Array(text.utf8))
        var out: [[String]] = []
        while let row = try reader.nextRow() { out.append(row.fields) }
        return out
    }

    private func error(_ text: String, table: Bool = false) -> CSVError? {
        do {
            if table {
                var reader = try CSVTableReader(bytes: Array(text.utf8))
                var fields: [String] = []
                while try reader.nextRow(into: &fields) != nil {}
            } else {
                _ = try rows(text)
            }
            return nil
        } catch {
            return error as? CSVError
        }
    }

    func testPlainRowsWithLFAndCRLFAndCRLineEnds() throws {
        XCTAssertEqual(try rows("a,b\n1,2\n"), [["a", "b"], ["1", "2"]])
        XCTAssertEqual(try rows("a,b\r\n1,2\r\n"), [["a", "b"], ["1", "2"]])
        XCTAssertEqual(try rows("a,b\r1,2"), [["a", "b"], ["1", "2"]])
    }

    func testMissingFinalLineEndAndBlankTrailingLinesAddNoRow() throws {
        XCTAssertEqual(try rows("a\n1"), [["a"], ["1"]])
        XCTAssertEqual(try rows("a\n1\n\n\r\n"), [["a"], ["1"]])
        XCTAssertEqual(try rows(""), [])
    }

    func testQuotedFieldsKeepSeparatorsNewlinesAndEscapedQuotes() throws {
        let text = "id,text\r\n1,\"a, b\"\r\n2,\"line1\nline2\"\r\n3,\"say \"\"hi\"\"\"\r\n4,\"\"\r\n"
        XCTAssertEqual(try rows(text), [["id", "text"], ["1", "a, b"], ["2", "line1\nline2"], ["3", "say \"hi\""], ["4", ""]])
    }

    func testEmptyFieldsAndTrailingSeparator() throws {
        XCTAssertEqual(try rows("a,b,c\n,,\n1,,\n"), [["a", "b", "c"], ["", "", ""], ["1", "", ""]])
    }

    func testAUTF8ByteOrderMarkIsSkipped() throws {
        var reader = CSVReader(bytes: [0xEF, 0xBB, 0xBF] + Array("id,name\n1,é\n".utf8))
        XCTAssertEqual(try reader.nextRow()?.fields, ["id", "name"])
        XCTAssertEqual(try reader.nextRow()?.fields, ["1", "é"])
    }

    func testAQuoteInsideAnUnquotedFieldIsText() throws {
        XCTAssertEqual(try rows("5\" screen,x\n"), [["5\" screen", "x"]])
    }

    func testRowsReportTheLineTheyStartOnCountingLinesInsideQuotes() throws {
        var reader = CSVReader(bytes: Array("h\n\"a\nb\"\n\nc\n".utf8))
        XCTAssertEqual(try reader.nextRow()?.line, 1)
        XCTAssertEqual(try reader.nextRow()?.line, 2)
        XCTAssertEqual(try reader.nextRow()?.line, 5)
        XCTAssertNil(try reader.nextRow())
    }

    func testAnUnterminatedQuoteNamesTheLineAndColumnWhereItOpened() {
        XCTAssertEqual(error("a,b\n1,\"open\n2,3\n"), CSVError(.unterminatedQuote, line: 2, column: 3))
        XCTAssertEqual(error("a,b\n1,\"open\n2,3\n")?.description, "line 2, column 3: a quoted field is not closed before the end of the file")
    }

    func testTextAfterAClosingQuoteIsAnError() {
        XCTAssertEqual(error("a,b\n\"x\"y,2\n"), CSVError(.characterAfterClosingQuote, line: 2, column: 4))
    }

    func testARowWithTheWrongNumberOfFieldsNamesItsLine() {
        XCTAssertEqual(error("a,b\n1,2\n1,2,3\n", table: true), CSVError(.wrongFieldCount(expected: 2, found: 3), line: 3))
        XCTAssertEqual(error("a,b\n1,2\n1\n", table: true)?.description, "line 3: the row has 1 field, the header has 2")
    }

    func testInvalidUTF8IsAnErrorNamingTheField() {
        var reader = CSVReader(bytes: Array("a,b\n1,".utf8) + [0xFF, 0x0A])
        XCTAssertNoThrow(try reader.nextRow())
        XCTAssertThrowsError(try reader.nextRow()) { XCTAssertEqual($0 as? CSVError, CSVError(.invalidUTF8, line: 2, column: 3)) }
    }

    func testADuplicateHeaderColumnIsAnError() {
        XCTAssertEqual(error("id,name,id\n", table: true), CSVError(.duplicateColumn("id"), line: 1))
    }

    func testATableReaderExposesTheHeaderAndReusesTheRowBuffer() throws {
        var reader = try CSVTableReader(bytes: Array("id;name\n1;x\n".utf8), separator: UInt8(ascii: ";"))
        XCTAssertEqual(reader.columns, ["id", "name"])
        var fields: [String] = []
        XCTAssertEqual(try reader.nextRow(into: &fields), 2)
        XCTAssertEqual(fields, ["1", "x"])
        XCTAssertNil(try reader.nextRow(into: &fields))
    }

    /// Property: any table written by an RFC 4180 writer reads back field for field.
    func testRandomTablesRoundTrip() throws {
        var rng = SeededRNG(seed: 0xC5F)
        let alphabet: [String] = ["a", "Z", "0", ",", "\"", "\n", "\r\n", " ", "é", "😀", ";", "\r"]
        for _ in 0..<300 {
            let width = Int.random(in: 1...5, using: &rng)
            let height = Int.random(in: 1...8, using: &rng)
            let table: [[String]] = (0..<height).map { _ in
                (0..<width).map { _ in
                    (0..<Int.random(in: 0...6, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }.joined()
                }
            }
            let crlf = Bool.random(using: &rng)
            let text = CSVTestWriter.write(table, lineEnd: crlf ? "\r\n" : "\n", quoteAll: Bool.random(using: &rng))
            XCTAssertEqual(try rows(text), table, text.debugDescription)
        }
    }

    /// Fuzz: mutated and truncated documents either read or throw a CSVError, never crash.
    func testMutatedDocumentsReadOrThrowButNeverCrash() {
        var rng = SeededRNG(seed: 0xF022)
        let seed = Array("id,name,note\r\n1,\"a, \"\"b\"\"\",\"x\ny\"\r\n2,c,\r\n".utf8)
        let interesting: [UInt8] = [0x22, 0x2C, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF, 0xFF, 0x00, 0x80, 0x41]
        for _ in 0..<3000 {
            var bytes = seed
            for _ in 0..<Int.random(in: 1...6, using: &rng) {
                switch Int.random(in: 0..<4, using: &rng) {
                case 0: bytes[Int.random(in: 0..<bytes.count, using: &rng)] = interesting.randomElement(using: &rng)!
                case 1: bytes.insert(interesting.randomElement(using: &rng)!, at: Int.random(in: 0...bytes.count, using: &rng))
                case 2: if bytes.count > 1 { bytes.remove(at: Int.random(in: 0..<bytes.count, using: &rng)) }
                default: bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &rng)))
                }
                if bytes.isEmpty { bytes = [0x22] }
            }
            do {
                var reader = try CSVTableReader(bytes: bytes)
                var fields: [String] = []
                var rows = 0
                while try reader.nextRow(into: &fields) != nil {
                    rows += 1
                    XCTAssertEqual(fields.count, reader.columns.count)
                }
                XCTAssertLessThanOrEqual(rows, bytes.count)
            } catch {
                XCTAssertGreaterThanOrEqual(error.line, 1)
            }
        }
    }
}

/// Writes CSV the way RFC 4180 describes, for round-trip and benchmark inputs.
enum CSVTestWriter {
    static func write(_ rows: [[String]], lineEnd: String = "\n", quoteAll: Bool = false) -> String {
        rows.map { row in
            row.map { field in
                let needsQuotes = quoteAll || field.isEmpty && row.count == 1
                    || field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" })
                return needsQuotes ? "\"" + field.map { $0 == "\"" ? "\"\"" : String($0) }.joined() + "\"" : field
            }.joined(separator: ",")
        }.joined(separator: lineEnd) + lineEnd
    }
}
