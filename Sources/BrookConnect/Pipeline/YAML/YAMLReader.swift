import BrookSchemas

/// The block-level reader behind `YAMLDocument`: a recursive descent over lines of Unicode scalars.
///
/// Convention: every `read…` function starts with the cursor (`line`, `column`) on the first
/// character of its node and returns with `line` on the first line it did not consume.
struct YAMLReader {
    let lines: [[Unicode.Scalar]]
    let maxDepth: Int
    var line = 0
    var column = 0
    var locations: [YAMLPath: YAMLLocation] = [:]

    init(text: String, maxDepth: Int) {
        var lines: [[Unicode.Scalar]] = []
        var current: [Unicode.Scalar] = []
        var afterCR = false
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\r":
                lines.append(current)
                current = []
                afterCR = true
            case "\n":
                if !afterCR {
                    lines.append(current)
                    current = []
                }
                afterCR = false
            default:
                current.append(scalar)
                afterCR = false
            }
        }
        // A final line break ends the last line; it does not start an empty one.
        if !current.isEmpty || lines.isEmpty { lines.append(current) }
        if lines[0].first == "\u{FEFF}" { lines[0].removeFirst() }
        self.lines = lines
        self.maxDepth = maxDepth
    }

    // MARK: Document

    mutating func readDocument() throws(YAMLError) -> JSONValue {
        var start = try nextContentLine(from: 0)
        if let first = start, isMarker(first, "---") {
            guard isLineEnd(first, skippingBlanksFrom: 3) else {
                throw error(first, 4, "expected the end of the line after '---', found \(found(first, 4))")
            }
            start = try nextContentLine(from: first + 1)
        }
        guard let first = start else {
            locations[.root] = YAMLLocation(key: nil, value: position(0, 0))
            return .null
        }
        line = first
        column = try indent(of: first) ?? 0
        if lines[first][column] == "%" {
            throw error(first, column, "expected a value, found '%' (directives are not supported)")
        }
        locations[.root] = YAMLLocation(key: nil, value: position(line, column))
        let root = try readBlockNode(parentIndent: -1, path: .root, depth: 0)
        if let rest = try nextContentLine(from: line) {
            let at = try indent(of: rest) ?? 0
            if isMarker(rest, "---") {
                throw error(rest, 0, "expected a single document, found '---'")
            }
            if !(isMarker(rest, "...") && isLineEnd(rest, skippingBlanksFrom: 3)) {
                throw error(rest, at, "expected the end of the document, found \(found(rest, at))")
            }
        }
        return root
    }

    // MARK: Block structure

    /// A node in block context: a sequence, a mapping or an inline value starting at the cursor.
    mutating func readBlockNode(parentIndent: Int, path: YAMLPath, depth: Int) throws(YAMLError) -> JSONValue {
        guard depth < maxDepth else {
            throw error(line, column, "expected at most \(maxDepth) levels of nesting, found more")
        }
        if isEntryIndicator(line, column, "-") {
            return try readBlockSequence(indent: column, path: path, depth: depth)
        }
        if isEntryIndicator(line, column, "?") {
            throw error(line, column, "expected a mapping key, found '?' (complex keys are not supported)")
        }
        if try scanKey(line, column) != nil {
            return try readBlockMapping(indent: column, path: path, depth: depth)
        }
        return try readInlineValue(parentIndent: parentIndent, path: path, depth: depth)
    }

    mutating func readBlockMapping(indent: Int, path: YAMLPath, depth: Int) throws(YAMLError) -> JSONValue {
        var members: [(String, JSONValue)] = []
        var firstLine: [String: Int] = [:]
        while true {
            guard let key = try scanKey(line, indent) else {
                throw error(line, indent, "expected a mapping key, found \(found(line, indent))")
            }
            if let previous = firstLine[key.text] {
                throw error(line, indent, "duplicate key '\(key.text)' (first on line \(previous + 1))")
            }
            firstLine[key.text] = line
            let keyPosition = position(line, indent)
            column = key.end
            let value = try readValueAfterIndicator(parentIndent: indent, inMapping: true, path: path.appending(key: key.text),
                                                    depth: depth + 1, keyPosition: keyPosition)
            members.append((key.text, value))
            guard let next = try nextContentLine(from: line) else {
                line = lines.count
                break
            }
            let at = try self.indent(of: next) ?? 0
            line = next
            if at < indent || isDocumentMarker(next) { break }
            if at > indent {
                throw error(next, at, "expected a mapping key in column \(indent + 1), found \(found(next, at)) indented further")
            }
            column = indent
        }
        return .object(members)
    }

    mutating func readBlockSequence(indent: Int, path: YAMLPath, depth: Int) throws(YAMLError) -> JSONValue {
        var items: [JSONValue] = []
        while true {
            column = indent + 1
            let item = try readValueAfterIndicator(parentIndent: indent, inMapping: false, path: path.appending(index: items.count),
                                                   depth: depth + 1, keyPosition: nil)
            items.append(item)
            guard let next = try nextContentLine(from: line) else {
                line = lines.count
                break
            }
            let at = try self.indent(of: next) ?? 0
            line = next
            if at < indent || (at == indent && !isEntryIndicator(next, at, "-")) || isDocumentMarker(next) { break }
            if at > indent {
                throw error(next, at, "expected '-' in column \(indent + 1), found \(found(next, at)) indented further")
            }
        }
        return .array(items)
    }

    /// The value after a mapping key's `:` or a sequence item's `-`: on the same line, on the more
    /// indented lines below, or empty (null). A sequence may sit at its key's own indentation.
    mutating func readValueAfterIndicator(parentIndent: Int, inMapping: Bool, path: YAMLPath, depth: Int,
                                          keyPosition: YAMLPosition?) throws(YAMLError) -> JSONValue {
        let text = lines[line]
        var at = column
        while at < text.count, text[at] == " " || text[at] == "\t" { at += 1 }
        if at < text.count, text[at] != "#" {
            column = at
            locations[path] = YAMLLocation(key: keyPosition, value: position(line, at))
            if inMapping {
                return try readInlineValue(parentIndent: parentIndent, path: path, depth: depth)
            }
            return try readBlockNode(parentIndent: parentIndent, path: path, depth: depth)
        }
        let emptyAt = position(line, column)
        guard let next = try nextContentLine(from: line + 1) else {
            line = lines.count
            locations[path] = YAMLLocation(key: keyPosition, value: emptyAt)
            return .null
        }
        let indent = try self.indent(of: next) ?? 0
        if indent > parentIndent || (inMapping && indent == parentIndent && isEntryIndicator(next, indent, "-")) {
            line = next
            column = indent
            locations[path] = YAMLLocation(key: keyPosition, value: position(next, indent))
            return try readBlockNode(parentIndent: parentIndent, path: path, depth: depth)
        }
        line = next
        locations[path] = YAMLLocation(key: keyPosition, value: emptyAt)
        return .null
    }

    /// A value that is not a block collection: a scalar, a flow collection or a block scalar.
    mutating func readInlineValue(parentIndent: Int, path: YAMLPath, depth: Int) throws(YAMLError) -> JSONValue {
        let start = column
        let first = lines[line][start]
        switch first {
        case "|", ">":
            return try readBlockScalar(parentIndent: parentIndent)
        case "[", "{":
            var at = start
            let value = try readFlowNode(line, &at, path: path, depth: depth, keyPosition: locations[path]?.key)
            try expectLineEnd(line, at)
            line += 1
            return value
        case "\"", "'":
            let (text, end) = try readQuoted(line, start)
            try expectLineEnd(line, end)
            line += 1
            return .string(text)
        default:
            try refuseIndicator(line, start)
            return try readPlainScalar(parentIndent: parentIndent)
        }
    }

    /// Throws when a value starts with a character that cannot begin a plain scalar here.
    func refuseIndicator(_ lineIndex: Int, _ at: Int) throws(YAMLError) {
        let first = lines[lineIndex][at]
        switch first {
        case "&", "*", "!":
            throw error(lineIndex, at, "expected a value, found '\(first)' (anchors, aliases and tags are not supported)")
        case "%", "@", "`":
            throw error(lineIndex, at, "expected a value, found '\(first)' (a reserved character; quote the value)")
        case ",", "]", "}", "#", "|", ">":
            throw error(lineIndex, at, "expected a value, found '\(first)'")
        case "-" where isEntryIndicator(lineIndex, at, "-"):
            throw error(lineIndex, at, "expected a value, found '-' (a sequence must start on its own line)")
        case "?", ":":
            if isEntryIndicator(lineIndex, at, first) { throw error(lineIndex, at, "expected a value, found '\(first)'") }
        default:
            break
        }
    }

    /// A plain scalar in block context, folding the more indented lines that continue it.
    mutating func readPlainScalar(parentIndent: Int) throws(YAMLError) -> JSONValue {
        let firstLine = line
        var (text, endedByComment) = try plainLine(line, from: column, continuing: nil)
        var multiLine = false
        var next = line + 1
        var blanks = 0
        while !endedByComment, next < lines.count {
            if isBlank(lines[next]) {
                blanks += 1
                next += 1
                continue
            }
            guard let indent = try indent(of: next), indent > parentIndent,
                  !isDocumentMarker(next) else { break }
            let (more, comment) = try plainLine(next, from: indent, continuing: firstLine)
            text += blanks == 0 ? " " + more : String(repeating: "\n", count: blanks) + more
            endedByComment = comment
            multiLine = true
            blanks = 0
            line = next
            next += 1
        }
        line += 1
        return multiLine ? .string(text) : YAMLScalarResolution.resolve(text)
    }

    /// One line's part of a plain scalar: up to a ` #` comment or the end, without trailing blanks.
    func plainLine(_ lineIndex: Int, from start: Int, continuing firstLine: Int?) throws(YAMLError) -> (String, Bool) {
        let text = lines[lineIndex]
        var end = text.count
        var comment = false
        var at = start
        while at < text.count {
            if text[at] == "#", at > start, text[at - 1] == " " || text[at - 1] == "\t" {
                end = at
                comment = true
                break
            }
            if text[at] == ":", at + 1 == text.count || text[at + 1] == " " || text[at + 1] == "\t" {
                if let firstLine {
                    throw error(lineIndex, start, "expected the value from line \(firstLine + 1) to continue, found a key "
                        + "'\(string(text[start..<at]))' (check its indentation)")
                }
                throw error(lineIndex, at, "expected the end of the value, found ': ' (quote a value that contains ': ')")
            }
            at += 1
        }
        while end > start, text[end - 1] == " " || text[end - 1] == "\t" { end -= 1 }
        return (string(text[start..<end]), comment)
    }

    // MARK: Keys

    /// The mapping key starting at (`lineIndex`, `at`), if the text there is one (`key:` followed by a
    /// blank or the line's end), with the column just after its `:`.
    func scanKey(_ lineIndex: Int, _ at: Int) throws(YAMLError) -> (text: String, end: Int)? {
        let text = lines[lineIndex]
        guard at < text.count else { return nil }
        let first = text[at]
        if first == "\"" || first == "'" {
            let (key, afterQuote) = try readQuoted(lineIndex, at)
            var colon = afterQuote
            while colon < text.count, text[colon] == " " || text[colon] == "\t" { colon += 1 }
            guard colon < text.count, text[colon] == ":", isBlankOrEnd(lineIndex, colon + 1) else { return nil }
            return (key, colon + 1)
        }
        if "[{#&*!|>%@`,]}".unicodeScalars.contains(first) { return nil }
        if (first == "-" || first == "?" || first == ":") && isBlankOrEnd(lineIndex, at + 1) { return nil }
        var index = at
        while index < text.count {
            if text[index] == ":", isBlankOrEnd(lineIndex, index + 1) {
                var end = index
                while end > at, text[end - 1] == " " || text[end - 1] == "\t" { end -= 1 }
                return (string(text[at..<end]), index + 1)
            }
            if text[index] == "#", index > at, text[index - 1] == " " || text[index - 1] == "\t" { return nil }
            index += 1
        }
        return nil
    }

    // MARK: Lines

    /// The indentation of a line with content; nil for blank and comment-only lines. Tabs may not indent.
    func indent(of lineIndex: Int) throws(YAMLError) -> Int? {
        let text = lines[lineIndex]
        var at = 0
        while at < text.count, text[at] == " " { at += 1 }
        guard at < text.count else { return nil }
        if text[at] == "\t" {
            var rest = at
            while rest < text.count, text[rest] == " " || text[rest] == "\t" { rest += 1 }
            if rest == text.count || text[rest] == "#" { return nil }
            throw error(lineIndex, at, "expected spaces for indentation, found a tab")
        }
        return text[at] == "#" ? nil : at
    }

    func nextContentLine(from start: Int) throws(YAMLError) -> Int? {
        var index = start
        while index < lines.count {
            if try indent(of: index) != nil { return index }
            index += 1
        }
        return nil
    }

    func isBlank(_ text: [Unicode.Scalar]) -> Bool {
        text.allSatisfy { $0 == " " || $0 == "\t" }
    }

    func isBlankOrEnd(_ lineIndex: Int, _ at: Int) -> Bool {
        let text = lines[lineIndex]
        return at >= text.count || text[at] == " " || text[at] == "\t"
    }

    /// `-`, `?` or `:` followed by a blank or the end of the line.
    func isEntryIndicator(_ lineIndex: Int, _ at: Int, _ indicator: Unicode.Scalar) -> Bool {
        let text = lines[lineIndex]
        return at < text.count && text[at] == indicator && isBlankOrEnd(lineIndex, at + 1)
    }

    /// A `---` or `...` line marker in column 1.
    func isMarker(_ lineIndex: Int, _ marker: String) -> Bool {
        let text = lines[lineIndex]
        let scalars = Array(marker.unicodeScalars)
        return text.count >= 3 && Array(text[0..<3]) == scalars && isBlankOrEnd(lineIndex, 3)
    }

    func isDocumentMarker(_ lineIndex: Int) -> Bool {
        isMarker(lineIndex, "---") || isMarker(lineIndex, "...")
    }

    /// Whether only blanks and a comment follow `at`.
    func isLineEnd(_ lineIndex: Int, skippingBlanksFrom at: Int) -> Bool {
        let text = lines[lineIndex]
        var index = at
        while index < text.count, text[index] == " " || text[index] == "\t" { index += 1 }
        return index == text.count || (text[index] == "#" && index > at)
    }

    func expectLineEnd(_ lineIndex: Int, _ at: Int) throws(YAMLError) {
        guard !isLineEnd(lineIndex, skippingBlanksFrom: at) else { return }
        var index = at
        let text = lines[lineIndex]
        while index < text.count, text[index] == " " || text[index] == "\t" { index += 1 }
        throw error(lineIndex, index, "expected the end of the line, found \(found(lineIndex, index))")
    }

    // MARK: Errors

    func position(_ lineIndex: Int, _ at: Int) -> YAMLPosition {
        YAMLPosition(line: lineIndex + 1, column: at + 1)
    }

    func error(_ lineIndex: Int, _ at: Int, _ message: String) -> YAMLError {
        YAMLError(position: position(lineIndex, at), message: message)
    }

    /// What the reader met at a position, for "found …" in messages: a word, one character, or an end.
    func found(_ lineIndex: Int, _ at: Int) -> String {
        guard lineIndex < lines.count else { return "the end of the document" }
        let text = lines[lineIndex]
        guard at < text.count else { return "the end of the line" }
        if text[at] == "\t" { return "a tab" }
        guard text[at].properties.isAlphabetic || text[at].properties.numericType != nil else { return "'\(text[at])'" }
        var end = at
        while end < text.count, end - at < 24, !" \t:,[]{}#".unicodeScalars.contains(text[end]) { end += 1 }
        return "'\(string(text[at..<end]))'"
    }

    func string(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }
}
