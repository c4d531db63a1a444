/// A CSV document that cannot be read, with the 1-based line (and byte column, where one helps)
/// at which reading stopped. Lines count physical lines, so a quoted field spanning lines moves
/// later rows' numbers just as an editor shows them.
public struct CSVError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong.
    public enum Kind: Sendable, Hashable {
        /// A row whose field count differs from the header's.
        case wrongFieldCount(expected: Int, found: Int)
        /// A quoted field with no closing quote before the end of the input.
        case unterminatedQuote
        /// A closing quote followed by something other than a separator or a line end.
        case characterAfterClosingQuote
        /// Bytes that are not UTF-8.
        case invalidUTF8
        /// Two header columns with the same name (a row could not become a JSON object).
        case duplicateColumn(String)
    }

    public var kind: Kind
    public var line: Int
    /// 1-based byte offset within the line; nil when the whole row is at fault.
    public var column: Int?

    public init(_ kind: Kind, line: Int, column: Int? = nil) {
        self.kind = kind
        self.line = line
        self.column = column
    }

    public var description: String {
        let place = column.map { "line \(line), column \($0)" } ?? "line \(line)"
        switch kind {
        case let .wrongFieldCount(expected, found):
            return "\(place): the row has \(found) field\(found == 1 ? "" : "s"), the header has \(expected)"
        case .unterminatedQuote:
            return "\(place): a quoted field is not closed before the end of the file"
        case .characterAfterClosingQuote:
            return "\(place): a closing quote must be followed by a separator or the end of the line"
        case .invalidUTF8:
            return "\(place): the field is not valid UTF-8"
        case let .duplicateColumn(name):
            return "\(place): the header names column \"\(name)\" twice"
        }
    }
}
