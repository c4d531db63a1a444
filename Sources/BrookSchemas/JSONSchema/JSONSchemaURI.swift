/// Just enough RFC 3986 reference resolution for `$id` and `$ref`: a base (possibly relative or
/// empty, as when a schema has no `$id`) and a reference combine into one target string.
enum JSONSchemaURI {
    /// `reference` resolved against `base` (RFC 3986 §5.2, with dot segments removed).
    static func resolve(_ reference: String, against base: String) -> String {
        let ref = Parts(reference)
        if ref.scheme != nil { return ref.with(path: removeDotSegments(ref.path)).text }
        let b = Parts(base)
        var out = Parts()
        out.scheme = b.scheme
        if ref.authority != nil {
            out.authority = ref.authority
            out.path = removeDotSegments(ref.path)
            out.query = ref.query
        } else if ref.path.isEmpty {
            out.authority = b.authority
            out.path = b.path
            out.query = ref.query ?? b.query
        } else {
            out.authority = b.authority
            if ref.path.hasPrefix("/") {
                out.path = removeDotSegments(ref.path)
            } else {
                let merged: String
                if b.authority != nil && b.path.isEmpty {
                    merged = "/" + ref.path
                } else if let slash = b.path.lastIndex(of: "/") {
                    merged = b.path[...slash] + ref.path
                } else {
                    merged = ref.path
                }
                out.path = removeDotSegments(merged)
            }
            out.query = ref.query
        }
        out.fragment = ref.fragment
        return out.text
    }

    /// The URI without its fragment, and the fragment (nil when there is no `#`).
    static func splitFragment(_ uri: String) -> (document: String, fragment: String?) {
        guard let hash = uri.firstIndex(of: "#") else { return (uri, nil) }
        return (String(uri[..<hash]), String(uri[uri.index(after: hash)...]))
    }

    private struct Parts {
        var scheme: String?
        var authority: String?
        var path = ""
        var query: String?
        var fragment: String?

        init() {}

        init(_ text: String) {
            var rest = Substring(text)
            if let hash = rest.firstIndex(of: "#") {
                fragment = String(rest[rest.index(after: hash)...])
                rest = rest[..<hash]
            }
            if let mark = rest.firstIndex(of: "?") {
                query = String(rest[rest.index(after: mark)...])
                rest = rest[..<mark]
            }
            if let colon = rest.firstIndex(of: ":"), let first = rest.first, first.isLetter,
               rest[..<colon].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == "." }) {
                scheme = String(rest[..<colon])
                rest = rest[rest.index(after: colon)...]
            }
            if rest.hasPrefix("//") {
                rest = rest.dropFirst(2)
                let end = rest.firstIndex(of: "/") ?? rest.endIndex
                authority = String(rest[..<end])
                rest = rest[end...]
            }
            path = String(rest)
        }

        func with(path: String) -> Parts {
            var copy = self
            copy.path = path
            return copy
        }

        var text: String {
            var out = ""
            if let scheme { out += scheme + ":" }
            if let authority { out += "//" + authority }
            out += path
            if let query { out += "?" + query }
            if let fragment { out += "#" + fragment }
            return out
        }
    }

    private static func removeDotSegments(_ path: String) -> String {
        guard path.contains(".") else { return path }
        let absolute = path.hasPrefix("/")
        var output: [Substring] = []
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        for (i, segment) in segments.enumerated() {
            if absolute && i == 0 { continue }
            switch segment {
            case ".": if i == segments.count - 1 { output.append("") }
            case "..":
                if !output.isEmpty { output.removeLast() }
                if i == segments.count - 1 { output.append("") }
            default: output.append(segment)
            }
        }
        return (absolute ? "/" : "") + output.joined(separator: "/")
    }
}
