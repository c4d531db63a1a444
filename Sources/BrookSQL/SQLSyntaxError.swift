/// A script that does not follow the grammar: where (1-based line and column) and why. `description`
/// has ksqlDB's shape, `line 1:8: Syntax Error\nExpecting ..., found '...'`.
public struct SQLSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    /// What went wrong, without the position prefix.
    public var message: String

    public init(line: Int, column: Int, message: String) {
        self.line = line
        self.column = column
        self.message = message
    }

    init(at location: SourceLocation, _ message: String) {
        self.init(line: location.line, column: location.column, message: message)
    }

    public var description: String { "line \(line):\(column): Syntax Error\n\(message)" }
}
