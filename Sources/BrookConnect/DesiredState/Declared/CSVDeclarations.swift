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
        let memberPrefixes: [String] = reader.columns.enumerated().map { i, name in
            var text = i == 0 ? "{" : ","
            JSONValue.writeString(name, to: &text)
            return text + ":"
        }
        var fields: [String] = []
        while true {
            let line: Int?
            do { line = try reader.nextRow(into: &fields) } catch { throw .csv(source: source, error) }
            guard let line else { return }
            var value = ""
            for (prefix, field) in zip(memberPrefixes, fields) {
                value += prefix
                JSONValue.writeString(field, to: &value)
            }
            value += "}"
            try body(DeclaredRecord(key: key(fields, keyIndexes), value: Array(value.utf8), origin: DeclaredOrigin(source: source, line: line)))
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

    private func key(_ fields: [String], _ indexes: [Int]) -> String {
        if indexes.count == 1 { return fields[indexes[0]] }
        return JSONValue.array(indexes.map { .string(fields[$0]) }).compactText
    }
}
