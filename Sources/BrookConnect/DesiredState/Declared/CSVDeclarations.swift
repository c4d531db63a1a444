import BrookSchemas

/// Turns a CSV file into declared records (`input=csv`): the header names the columns; each row's
/// key is its `key.columns` value (one column: the text itself; several: a compact JSON array of
/// the texts, e.g. `["eu","42"]`, so no separator can be ambiguous); its value is the row as a
/// compact JSON object with the header's names in order and every value a string.
public struct CSVDeclarations: Sendable {
    public let keyColumns: [String]
    public let separator: UInt8

    public init(keyColumns: [String], separator: UInt8 = UInt8(ascii: ",")) {
        self.keyColumns = keyColumns
        self.separator = separator
    }

    /// Reads `bytes` (the file at `source`) row by row and hands each record to `body`, so a large
    /// file is never held as parsed rows. An empty file declares nothing.
    public func forEachRecord(
        source: String, bytes: [UInt8], _ body: (DeclaredRecord) throws(DesiredStateError) -> Void
    ) throws(DesiredStateError) {
        var reader: CSVTableReader
        do { reader = try CSVTableReader(bytes: bytes, separator: separator) } catch { throw .csv(source: source, error) }
        if reader.columns.isEmpty { return }
        var keyIndexes: [Int] = []
        for column in keyColumns {
            guard let index = reader.columns.firstIndex(of: column) else {
                throw .missingKeyColumn(column: column, source: source)
            }
            keyIndexes.append(index)
        }
        // Each column's `"name":` written once, not per row.
        let memberPrefixes: [[UInt8]] = reader.columns.enumerated().map { i, name in
            var text = i == 0 ? "{" : ","
            JSONValue.writeString(name, to: &text)
            return Array((text + ":").utf8)
        }
        let framing = memberPrefixes.reduce(1) { $0 + $1.count + 2 }  // prefixes, quotes, closing brace
        var fields: [String] = []
        while true {
            let line: Int?
            do { line = try reader.nextRow(into: &fields) } catch { throw .csv(source: source, error) }
            guard let line else { return }
            var value: [UInt8] = []
            value.reserveCapacity(framing + fields.reduce(0) { $0 + $1.utf8.count })
            for (prefix, field) in zip(memberPrefixes, fields) {
                value += prefix
                Self.appendJSONString(field, to: &value)
            }
            value.append(UInt8(ascii: "}"))
            try body(DeclaredRecord(key: key(fields, keyIndexes), value: value, origin: DeclaredOrigin(source: source, line: line)))
        }
    }

    /// Declares every row of the file at `source` in `pass`, as it is read.
    public func declare(source: String, bytes: [UInt8], into pass: inout ReconcilePass) throws(DesiredStateError) {
        try forEachRecord(source: source, bytes: bytes) { (record) throws(DesiredStateError) in try pass.declare(record) }
    }

    /// All of a file's records at once (tests and small files).
    public func records(source: String, bytes: [UInt8]) throws(DesiredStateError) -> [DeclaredRecord] {
        var out: [DeclaredRecord] = []
        try forEachRecord(source: source, bytes: bytes) { out.append($0) }
        return out
    }

    /// Writes `text` as a JSON string literal straight into bytes, escaping exactly as
    /// `JSONValue.writeString` does (quote, backslash, control characters), so rows cost no
    /// intermediate `String`.
    static func appendJSONString(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case UInt8(ascii: "\n"): out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case UInt8(ascii: "\r"): out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case UInt8(ascii: "\t"): out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0x08: out += [UInt8(ascii: "\\"), UInt8(ascii: "b")]
            case 0x0C: out += [UInt8(ascii: "\\"), UInt8(ascii: "f")]
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out += [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 15)]]
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    private func key(_ fields: [String], _ indexes: [Int]) -> String {
        if indexes.count == 1 { return fields[indexes[0]] }
        return JSONValue.array(indexes.map { .string(fields[$0]) }).compactText
    }
}
