/// The `path` glob of a desired-state connector (`data/*.csv`, `docs/**/*.json`): the directory
/// the runtime lists and watches (the components before the first wildcard) and a matcher for
/// paths relative to it, which are also the keys of `input=files` and the sources of CSV rows.
/// `*` and `?` stay within one component, `**` spans any number of them (zero included), and
/// `[abc]`, `[a-z]`, `[!a]` match one character. A pattern without wildcards names one file.
public struct PathGlob: Sendable, Hashable {
    /// The directory to list, as written (`.` when the pattern starts with a wildcard).
    public let root: String
    private let components: [[Character]]

    public init(_ pattern: String) {
        var parts = pattern.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let isAbsolute = pattern.hasPrefix("/")
        if isAbsolute { parts.removeFirst() }
        let firstWild = parts.firstIndex { $0.contains(where: { "*?[".contains($0) }) } ?? max(parts.count - 1, 0)
        let rootParts = parts[..<firstWild]
        let joined = rootParts.joined(separator: "/")
        root = isAbsolute ? "/" + joined : (joined.isEmpty ? "." : joined)
        components = parts[firstWild...].filter { !$0.isEmpty }.map { Array($0) }
    }

    /// Whether `relativePath` (components separated by `/`, relative to `root`) matches.
    public func matches(_ relativePath: String) -> Bool {
        let path = relativePath.split(separator: "/").map { Array($0) }
        return Self.match(components[...], path[...])
    }

    private static func match(_ pattern: ArraySlice<[Character]>, _ path: ArraySlice<[Character]>) -> Bool {
        guard let head = pattern.first else { return path.isEmpty }
        if head == ["*", "*"] {
            // Zero components, or one more and try again.
            if match(pattern.dropFirst(), path) { return true }
            return !path.isEmpty && match(pattern, path.dropFirst())
        }
        guard let component = path.first, matchComponent(head[...], component[...]) else { return false }
        return match(pattern.dropFirst(), path.dropFirst())
    }

    private static func matchComponent(_ pattern: ArraySlice<Character>, _ name: ArraySlice<Character>) -> Bool {
        guard let p = pattern.first else { return name.isEmpty }
        switch p {
        case "*":
            var rest = name
            while true {
                if matchComponent(pattern.dropFirst(), rest) { return true }
                if rest.isEmpty { return false }
                rest = rest.dropFirst()
            }
        case "?":
            return !name.isEmpty && matchComponent(pattern.dropFirst(), name.dropFirst())
        case "[":
            guard let close = pattern.dropFirst(2).firstIndex(of: "]"), let c = name.first else {
                return name.first == "[" && matchComponent(pattern.dropFirst(), name.dropFirst())
            }
            var set = pattern[(pattern.startIndex + 1)..<close]
            let negated = set.first == "!"
            if negated { set = set.dropFirst() }
            var found = false
            var i = set.startIndex
            while i < set.endIndex {
                if i + 2 < set.endIndex, set[i + 1] == "-" {
                    if set[i] <= c && c <= set[i + 2] { found = true }
                    i += 3
                } else {
                    if set[i] == c { found = true }
                    i += 1
                }
            }
            return found != negated && matchComponent(pattern[(close + 1)...], name.dropFirst())
        default:
            return name.first == p && matchComponent(pattern.dropFirst(), name.dropFirst())
        }
    }
}
