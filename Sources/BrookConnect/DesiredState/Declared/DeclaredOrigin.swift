/// Where a declared record came from: the input (a CSV file's or a file's path relative to the
/// configured root, or the SQL query's label) and, when known, the 1-based line or row number.
/// The tracked state remembers `source` per key so a pass over one changed file can reconcile
/// just that file's keys.
public struct DeclaredOrigin: Sendable, Hashable, CustomStringConvertible {
    public var source: String
    public var line: Int?

    public init(source: String, line: Int? = nil) {
        self.source = source
        self.line = line
    }

    public var description: String {
        line.map { "\(source) line \($0)" } ?? source
    }
}
