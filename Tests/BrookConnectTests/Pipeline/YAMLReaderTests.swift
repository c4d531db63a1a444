import BrookConnect
import BrookSchemas
import XCTest

final class YAMLReaderTests: XCTestCase {
    private func read(_ text: String) throws -> JSONValue {
        try YAMLDocument(parsing: text).root
    }

    private func json(_ text: String) throws -> String {
        try read(text).compactText
    }

    private func failure(_ text: String) -> YAMLError? {
        do {
            _ = try YAMLDocument(parsing: text)
            return nil
        } catch {
            return error
        }
    }

    func testEachConstructReadsToTheExpectedJSON() throws {
        let cases: [(String, String, UInt)] = [
            ("a: 1\nb: two\n", #"{"a":1,"b":"two"}"#, #line),
            ("b: 1\na: 2\n", #"{"b":1,"a":2}"#, #line),
            ("- a\n- b\n", #"["a","b"]"#, #line),
            ("outer:\n  inner: x\n  list:\n    - 1\n    - 2\n", #"{"outer":{"inner":"x","list":[1,2]}}"#, #line),
            ("list:\n- a\n- b\nnext: 1\n", #"{"list":["a","b"],"next":1}"#, #line),
            ("- name: x\n  value: 1\n- name: y\n", #"[{"name":"x","value":1},{"name":"y"}]"#, #line),
            ("- - a\n  - b\n- c\n", #"[["a","b"],"c"]"#, #line),
            ("-\n  a: 1\n", #"[{"a":1}]"#, #line),
            ("a: 'it''s'\nb: \"q\\\"\\n\\\\\\u00e9\\t\"\n", #"{"a":"it's","b":"q\"\n\\é\t"}"#, #line),
            ("a: \"\\U0001F600\\uD83D\\uDE00\\x41\"\n", "{\"a\":\"😀😀A\"}", #line),
            ("a: x # comment\n# whole line\nb: y#not-a-comment\n", #"{"a":"x","b":"y#not-a-comment"}"#, #line),
            ("a: [1, two, 'three', \"4\"]\n", #"{"a":[1,"two","three","4"]}"#, #line),
            ("a: {x: 1, y: [a, b], z: {}}\n", #"{"a":{"x":1,"y":["a","b"],"z":{}}}"#, #line),
            ("a: []\nb: {k: }\n", #"{"a":[],"b":{"k":null}}"#, #line),
            ("a: |\n  line one\n  line two\nb: 1\n", #"{"a":"line one\nline two\n","b":1}"#, #line),
            ("a: |-\n  x\n\n  y\n\n", #"{"a":"x\n\ny"}"#, #line),
            ("a: |+\n  x\n\n", #"{"a":"x\n\n"}"#, #line),
            ("a: >\n  folded\n  text\n\n  para\n    kept\n  end\n", #"{"a":"folded text\npara\n  kept\nend\n"}"#, #line),
            ("a: >-\n  one\n  two\n", #"{"a":"one two"}"#, #line),
            ("- |\n  in a list\n- x\n", #"["in a list\n","x"]"#, #line),
            ("t: true\nf: False\nn: null\nt2: ~\ne:\ni: -12\nd: 1.5e3\np: +7\nh: 0x1F\no: 0o17\n",
             #"{"t":true,"f":false,"n":null,"t2":null,"e":null,"i":-12,"d":1.5e3,"p":7,"h":31,"o":15}"#, #line),
            ("z: 007\ny: yes\ninf: .inf\nv: 1.2.3\nurl: http://x:80/a\n",
             #"{"z":"007","y":"yes","inf":".inf","v":"1.2.3","url":"http://x:80/a"}"#, #line),
            ("a: long\n  plain\n\n  value\nb: 2\n", #"{"a":"long plain\nvalue","b":2}"#, #line),
            ("\"quoted key\": 1\n'k2' : 2\n", #"{"quoted key":1,"k2":2}"#, #line),
            ("key.with.dots: v\nInsertField$Value: {static.field: origin}\n", #"{"key.with.dots":"v","InsertField$Value":{"static.field":"origin"}}"#, #line),
            ("---\na: 1\n", #"{"a":1}"#, #line),
            ("", "null", #line),
            ("# only a comment\n", "null", #line),
            ("plain scalar\n", #""plain scalar""#, #line),
            ("a: 1\r\nb:\r\n  - x\r\n", #"{"a":1,"b":["x"]}"#, #line),
            ("- a\n  - b\n", #"["a - b"]"#, #line),
            ("a: # c\n  b: 1\n", #"{"a":{"b":1}}"#, #line),
            ("a:\n  # c\n  - x\n   # odd comment\n\n  - y\n", #"{"a":["x","y"]}"#, #line),
            ("a: 'x' # c\nb: \"\"\nc: ''\n", #"{"a":"x","b":"","c":""}"#, #line),
            ("\u{FEFF}a: 1\n...\n", #"{"a":1}"#, #line),
            ("a:\tvalue\n", #"{"a":"value"}"#, #line),
        ]
        for (text, expected, line) in cases {
            XCTAssertEqual(try json(text), expected, "reading \(text.debugDescription)", line: line)
        }
    }

    func testErrorsSayWhereAndWhatWasExpected() {
        let cases: [(String, String, UInt)] = [
            ("a: 1\n- b\n", "line 2, column 1: expected a mapping key, found '-'", #line),
            ("a:\n  b: 1\n   c: 2\n", "line 3, column 4: expected the value from line 2 to continue, found a key 'c' (check its indentation)", #line),
            ("a: 1\na: 2\n", "line 2, column 1: duplicate key 'a' (first on line 1)", #line),
            ("a: {x: 1, x: 2}\n", "line 1, column 11: duplicate key 'x' (first in column 5)", #line),
            ("a:\n\tb: 1\n", "line 2, column 1: expected spaces for indentation, found a tab", #line),
            ("a: b: c\n", "line 1, column 5: expected the end of the value, found ': ' (quote a value that contains ': ')", #line),
            ("a: x\n  b: y\n", "line 2, column 3: expected the value from line 1 to continue, found a key 'b' (check its indentation)", #line),
            ("a: [1, 2\n", "line 1, column 9: expected ']' to close the collection opened in column 4, found the end of the line (flow collections must fit on one line)", #line),
            ("a: {x 1}\n", "line 1, column 8: expected ':' after the key 'x 1', found '}'", #line),
            ("a: [1 2] x\n", "line 1, column 10: expected the end of the line, found 'x'", #line),
            ("a: \"open\n", "line 1, column 9: expected \" to close the string opened in column 4, found the end of the line (quoted strings must fit on one line)", #line),
            ("a: \"bad \\q\"\n", "line 1, column 10: expected an escape such as \\n, \\\" or \\uXXXX, found 'q'", #line),
            ("a: \"\\u12\"\n", "line 1, column 9: expected 4 hexadecimal digits after '\\u', found '\"'", #line),
            ("a: &anchor x\n", "line 1, column 4: expected a value, found '&' (anchors, aliases and tags are not supported)", #line),
            ("a: - b\n", "line 1, column 4: expected a value, found '-' (a sequence must start on its own line)", #line),
            ("a:\n  b: 1\n c: 2\n", "line 3, column 2: expected a mapping key in column 1, found 'c' indented further", #line),
            ("? complex\n", "line 1, column 1: expected a mapping key, found '?' (complex keys are not supported)", #line),
            ("a: 1\n---\nb: 2\n", "line 2, column 1: expected a single document, found '---'", #line),
            ("a: |x\n  y\n", "line 1, column 5: expected '-', '+', an indentation digit or the end of the line after '|', found 'x'", #line),
            ("a: \"x\"#c\n", "line 1, column 7: expected the end of the line, found '#'", #line),
            ("- a\nb: 1\n", "line 2, column 1: expected the end of the document, found 'b'", #line),
        ]
        for (text, expected, line) in cases {
            XCTAssertEqual(failure(text)?.description, expected, "reading \(text.debugDescription)", line: line)
        }
    }

    func testLocationsPointAtKeysAndValues() throws {
        let document = try YAMLDocument(parsing: "name: x\ninput:\n  Source:\n    file: a.txt\ntransforms:\n  - Flatten$Value\n  - {type: X}\n")
        XCTAssertEqual(document.location(of: YAMLPath([.key("name")])), YAMLLocation(key: .init(line: 1, column: 1), value: .init(line: 1, column: 7)))
        XCTAssertEqual(document.location(of: YAMLPath([.key("input"), .key("Source"), .key("file")]))?.key, .init(line: 4, column: 5))
        XCTAssertEqual(document.location(of: YAMLPath([.key("transforms"), .index(1)]))?.value, .init(line: 7, column: 5))
        XCTAssertEqual(document.location(of: YAMLPath([.key("transforms"), .index(1), .key("type")]))?.key, .init(line: 7, column: 6))
        XCTAssertEqual(YAMLPath([.key("transforms"), .index(1), .key("type")]).description, "transforms[1].type")
    }

    func testNestingDeeperThanTheCapIsRefused() {
        let flow = String(repeating: "[", count: 200) + String(repeating: "]", count: 200)
        XCTAssertEqual(failure(flow)?.message, "expected at most 64 levels of nesting, found more")
        var block = ""
        for depth in 0..<100 { block += String(repeating: " ", count: depth) + "k:\n" }
        XCTAssertEqual(failure(block)?.message, "expected at most 64 levels of nesting, found more")
        XCTAssertNoThrow(try YAMLDocument(parsing: String(repeating: "[", count: 60) + String(repeating: "]", count: 60)))
    }
}
