/// Regular-expression matching for `pattern` and `patternProperties`, on the standard library's
/// `Regex` (its syntax covers the ECMA-262 constructs schemas use). Like JSON Schema, a pattern
/// matches when it is found anywhere in the string (it is not anchored).
///
/// `Regex` backtracks, so a hostile pattern or a long text could run for ever; patterns that
/// `RegexSyntax.isSafeToRun` refuses and texts longer than `maximumTextLength` are not matched.
enum JSONSchemaPattern {
    static let maximumTextLength = 4096

    /// Whether `pattern` occurs in `text`; nil when the pattern is not run (unsafe, too long a
    /// text, or one the standard library cannot compile).
    static func matches(_ pattern: String, _ text: String) -> Bool? {
        guard text.unicodeScalars.count <= maximumTextLength, RegexSyntax.isSafeToRun(pattern),
              let regex = try? Regex(pattern) else { return nil }
        return text.contains(regex)
    }
}
