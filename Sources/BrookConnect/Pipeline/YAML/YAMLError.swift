/// A place in a YAML text: 1-based line and column (columns count Unicode scalars).
public struct YAMLPosition: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public static func < (lhs: YAMLPosition, rhs: YAMLPosition) -> Bool {
        (lhs.line, lhs.column) < (rhs.line, rhs.column)
    }

    public var description: String { "line \(line), column \(column)" }
}

/// Why a YAML text could not be read: where, and what was expected there
/// ("line 7, column 3: expected a mapping key, found '-'").
public struct YAMLError: Error, Sendable, Hashable, CustomStringConvertible {
    public var position: YAMLPosition
    public var message: String

    public init(position: YAMLPosition, message: String) {
        self.position = position
        self.message = message
    }

    public var line: Int { position.line }
    public var column: Int { position.column }
    public var description: String { "\(position): \(message)" }
}
