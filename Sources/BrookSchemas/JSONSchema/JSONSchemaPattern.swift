/// Regular-expression matching for `pattern` and `patternProperties`, on the standard library's
/// `Regex` (its syntax covers the ECMA-262 constructs schemas use). Like JSON Schema, a pattern
/// matches when it is found anywhere in the string (it is not anchored).
enum JSONSchemaPattern {
    /// Whether `pattern` occurs in `text`; false when the standard library cannot compile the pattern.
    static func matches(_ pattern: String, _ text: String) -> Bool {
        guard let regex = try? Regex(pattern) else { return false }
        return text.contains(regex)
    }
}
