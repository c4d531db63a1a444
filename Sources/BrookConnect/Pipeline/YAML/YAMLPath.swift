/// The way from a document's root to one of its nodes: mapping keys and sequence indexes.
public struct YAMLPath: Sendable, Hashable, CustomStringConvertible {
    /// One step: a mapping member by key or a sequence item by 0-based index.
    public enum Component: Sendable, Hashable {
        case key(String)
        case index(Int)
    }

    public var components: [Component]

    public init(_ components: [Component] = []) {
        self.components = components
    }

    public static let root = YAMLPath()

    public func appending(key: String) -> YAMLPath { YAMLPath(components + [.key(key)]) }
    public func appending(index: Int) -> YAMLPath { YAMLPath(components + [.index(index)]) }

    /// `input.FileStreamSource.file`, `transforms[0].type`; the root is `(root)`.
    public var description: String {
        guard !components.isEmpty else { return "(root)" }
        var out = ""
        for component in components {
            switch component {
            case let .key(key): out += out.isEmpty ? key : "." + key
            case let .index(index): out += "[\(index)]"
            }
        }
        return out
    }
}

/// Where a node sits in the YAML text, kept so that later validation can point at the line.
public struct YAMLLocation: Sendable, Hashable {
    /// Where the member's key starts; nil for sequence items and the root.
    public var key: YAMLPosition?
    /// Where the value starts (for an empty value: just after its `:` or `-`).
    public var value: YAMLPosition

    public init(key: YAMLPosition?, value: YAMLPosition) {
        self.key = key
        self.value = value
    }

    /// Where a message about this node points: its key when it has one, else its value.
    public var start: YAMLPosition { key ?? value }
}
