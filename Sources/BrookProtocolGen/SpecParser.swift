/// Parses the indentation-based spec language (see spec/README.md).
struct SpecParser {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    let fileName: String

    func parse(_ text: String) throws -> ApiSpec {
        var header: (name: String, key: Int, versions: VersionRange, flexible: VersionRange)?
        var sections: [String: (fields: [FieldSpec], structs: [StructSpec])] = ["request": ([], []), "response": ([], [])]
        // The section being filled: side, and the struct name when it is a common struct.
        var current: (side: String, structName: String?)?
        var collected: [(depth: Int, field: FieldSpec)] = []

        func flush() throws {
            guard let section = current else { return }
            let fields = try nest(collected)
            if let structName = section.structName {
                sections[section.side]!.structs.append(StructSpec(name: structName, fields: fields))
            } else {
                sections[section.side]!.fields = fields
            }
            collected = []
        }

        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = index + 1
            let line = String(rawLine)
            let trimmed = line.trimmingSpaces()
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let indent = line.prefix(while: { $0 == " " }).count
            let words = trimmed.split(separator: " ").map(String.init)
            if indent == 0 {
                try flush()
                switch words[0] {
                case "api":
                    header = try parseHeader(words, line: lineNumber)
                case "request", "response":
                    if words.count == 1 {
                        current = (words[0], nil)
                    } else if words.count >= 3, words[1] == "struct" {
                        current = (words[0], words[2])
                    } else {
                        throw fail(lineNumber, "expected '\(words[0])' or '\(words[0]) struct <Name> <versions>'")
                    }
                default:
                    throw fail(lineNumber, "unknown directive '\(words[0])'")
                }
                continue
            }
            guard current != nil else { throw fail(lineNumber, "field outside a section") }
            guard indent % 2 == 0 else { throw fail(lineNumber, "indentation must be a multiple of two spaces") }
            collected.append((indent / 2, try parseField(words, line: lineNumber)))
        }
        try flush()
        guard let header else { throw fail(1, "missing 'api' line") }
        return ApiSpec(
            name: header.name, apiKey: header.key, versions: header.versions, flexibleVersions: header.flexible,
            request: MessageSpec(name: header.name + "Request", fields: sections["request"]!.fields,
                                 commonStructs: sections["request"]!.structs),
            response: MessageSpec(name: header.name + "Response", fields: sections["response"]!.fields,
                                  commonStructs: sections["response"]!.structs),
            fileName: fileName)
    }

    private func parseHeader(_ words: [String], line: Int) throws -> (String, Int, VersionRange, VersionRange) {
        guard words.count >= 2 else { throw fail(line, "expected 'api <Name> key=<n> versions=<v> flexible=<v>'") }
        let attributes = Dictionary(try parseAttributes(words.dropFirst(2), line: line), uniquingKeysWith: { _, last in last })
        guard let keyText = attributes["key"], let key = Int(keyText),
              let versionsText = attributes["versions"], let versions = VersionRange(parsing: versionsText),
              let flexibleText = attributes["flexible"], let flexible = VersionRange(parsing: flexibleText)
        else { throw fail(line, "api line needs key=, versions= and flexible=") }
        return (words[1], key, versions, flexible)
    }

    private func parseField(_ words: [String], line: Int) throws -> FieldSpec {
        guard words.count >= 3, let versions = VersionRange(parsing: words[2]) else {
            throw fail(line, "expected '<Name> <type> <versions> [attributes]'")
        }
        var field = FieldSpec(name: words[0], type: words[1], versions: versions, line: line)
        for (key, value) in try parseAttributes(words.dropFirst(3), line: line) {
            switch key {
            case "nullable":
                guard let range = VersionRange(parsing: value) else { throw fail(line, "bad nullable versions") }
                field.nullableVersions = range
            case "tag":
                let parts = value.split(separator: "@").map(String.init)
                guard parts.count == 2, let tag = Int(parts[0]), let range = VersionRange(parsing: parts[1]) else {
                    throw fail(line, "expected tag=<n>@<versions>")
                }
                field.tag = tag
                field.taggedVersions = range
            case "default":
                field.defaultValue = value
            default:
                throw fail(line, "unknown attribute '\(key)'")
            }
        }
        return field
    }

    private func parseAttributes(_ words: ArraySlice<String>, line: Int) throws -> [(String, String)] {
        try words.map { word in
            guard let equals = word.firstIndex(of: "=") else { throw fail(line, "expected key=value, got '\(word)'") }
            return (String(word[..<equals]), String(word[word.index(after: equals)...]))
        }
    }

    /// Turns (depth, field) pairs into a tree: a field at depth d+1 belongs to the last field at depth d.
    private func nest(_ items: [(depth: Int, field: FieldSpec)]) throws -> [FieldSpec] {
        var index = 0
        return try nestLevel(items, depth: 1, index: &index)
    }

    private func nestLevel(_ items: [(depth: Int, field: FieldSpec)], depth: Int, index: inout Int) throws -> [FieldSpec] {
        var result: [FieldSpec] = []
        while index < items.count {
            let item = items[index]
            if item.depth < depth { break }
            if item.depth > depth { throw fail(item.field.line, "unexpected indentation") }
            index += 1
            var field = item.field
            field.fields = try nestLevel(items, depth: depth + 1, index: &index)
            result.append(field)
        }
        return result
    }

    private func fail(_ line: Int, _ message: String) -> Failure {
        Failure(description: "\(fileName):\(line): \(message)")
    }
}

extension String {
    func trimmingSpaces() -> String {
        var slice = Substring(self)
        while slice.first == " " { slice = slice.dropFirst() }
        while slice.last == " " { slice = slice.dropLast() }
        return String(slice)
    }
}
