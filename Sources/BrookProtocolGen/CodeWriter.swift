/// Accumulates indented Swift source lines.
struct CodeWriter {
    private(set) var lines: [String] = []
    private var depth = 0

    mutating func line(_ text: String = "") {
        lines.append(text.isEmpty ? "" : String(repeating: "    ", count: depth) + text)
    }

    /// Writes `open`, the body one level deeper, then `close`.
    mutating func block(_ open: String, close: String = "}", _ body: (inout CodeWriter) -> Void) {
        line(open)
        depth += 1
        body(&self)
        depth -= 1
        line(close)
    }

    /// Writes the body under `if condition { }`, or unwrapped when the condition is "true", or not at all when "false".
    mutating func when(_ condition: String, _ body: (inout CodeWriter) -> Void) {
        switch condition {
        case "true": body(&self)
        case "false": break
        default: block("if \(condition) {", body)
        }
    }

    var text: String { lines.joined(separator: "\n") + "\n" }
}
