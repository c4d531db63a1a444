import BrookSchemas

/// A YAML document read into Brook's order-preserving `JSONValue`, with the position of every node.
///
/// Brook reads the subset that configuration files use: block mappings and sequences by
/// indentation (spaces only), plain, single- and double-quoted scalars, one-line flow collections
/// (`[a, b]`, `{a: 1}`), literal `|` and folded `>` block scalars with chomping, and comments.
/// Plain scalars resolve as YAML 1.2's core schema does (`true`, `false`, `null`, `~`, integers and
/// floats), except that numbers JSON cannot spell as written (`007`, `.inf`) stay strings.
/// Anchors, aliases, tags, complex keys and multi-document streams are refused with an error.
public struct YAMLDocument: Sendable {
    /// Deeper nesting is refused, so hostile input cannot exhaust the stack.
    public static let defaultMaxDepth = 64

    public var root: JSONValue
    /// Every node's position, by path (the root at `YAMLPath.root`).
    public var locations: [YAMLPath: YAMLLocation]

    public init(parsing text: String, maxDepth: Int = YAMLDocument.defaultMaxDepth) throws(YAMLError) {
        var reader = YAMLReader(text: text, maxDepth: maxDepth)
        root = try reader.readDocument()
        locations = reader.locations
    }

    public func location(of path: YAMLPath) -> YAMLLocation? { locations[path] }
}
