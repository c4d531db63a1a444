/// Reads a CSV document whose first row is the header: every later row must have the header's
/// field count. An empty document has no header and no rows.
public struct CSVTableReader: Sendable {
    /// The header's column names, in order; empty for an empty document.
    public let columns: [String]
    private var reader: CSVReader

    public init(bytes: [UInt8], separator: UInt8 = UInt8(ascii: ",")) throws(CSVError) {
        reader = CSVReader(bytes: bytes, separator: separator)
        var header: [String] = []
        if let headerLine = try reader.nextRow(into: &header) {
            var seen = Set<String>()
            for name in header where !seen.insert(name).inserted {
                throw CSVError(.duplicateColumn(name), line: headerLine)
            }
        }
        columns = header
    }

    /// Reads the next data row into `fields` and returns its first line; nil at the end.
    public mutating func nextRow(into fields: inout [String]) throws(CSVError) -> Int? {
        guard let rowLine = try reader.nextRow(into: &fields) else { return nil }
        if fields.count != columns.count {
            throw CSVError(.wrongFieldCount(expected: columns.count, found: fields.count), line: rowLine)
        }
        return rowLine
    }
}
