import BrookSchemas

/// One-line flow collections (`[a, b]`, `{a: 1, b: [x]}`) and the scalars inside them.
extension YAMLReader {
    mutating func readFlowNode(_ lineIndex: Int, _ at: inout Int, path: YAMLPath, depth: Int,
                               keyPosition: YAMLPosition?) throws(YAMLError) -> JSONValue {
        guard depth < maxDepth else {
            throw error(lineIndex, at, "expected at most \(maxDepth) levels of nesting, found more")
        }
        let text = lines[lineIndex]
        locations[path] = YAMLLocation(key: keyPosition, value: position(lineIndex, at))
        switch text[at] {
        case "[":
            return try readFlowSequence(lineIndex, &at, path: path, depth: depth)
        case "{":
            return try readFlowMapping(lineIndex, &at, path: path, depth: depth)
        case "\"", "'":
            let (value, end) = try readQuoted(lineIndex, at)
            at = end
            return .string(value)
        default:
            try refuseIndicator(lineIndex, at)
            if text[at] == "-" || text[at] == "?" || text[at] == ":", isFlowBreak(lineIndex, at + 1) {
                throw error(lineIndex, at, "expected a value, found '\(text[at])'")
            }
            return YAMLScalarResolution.resolve(flowPlain(lineIndex, &at))
        }
    }

    private mutating func readFlowSequence(_ lineIndex: Int, _ at: inout Int, path: YAMLPath, depth: Int) throws(YAMLError) -> JSONValue {
        let opening = at
        at += 1
        var items: [JSONValue] = []
        while true {
            try skipFlowBlanks(lineIndex, &at, closing: "]", opening: opening)
            if lines[lineIndex][at] == "]" {
                at += 1
                return .array(items)
            }
            items.append(try readFlowNode(lineIndex, &at, path: path.appending(index: items.count), depth: depth + 1, keyPosition: nil))
            try skipFlowBlanks(lineIndex, &at, closing: "]", opening: opening)
            switch lines[lineIndex][at] {
            case ",": at += 1
            case "]":
                at += 1
                return .array(items)
            default: throw error(lineIndex, at, "expected ',' or ']', found \(found(lineIndex, at))")
            }
        }
    }

    private mutating func readFlowMapping(_ lineIndex: Int, _ at: inout Int, path: YAMLPath, depth: Int) throws(YAMLError) -> JSONValue {
        let opening = at
        let text = lines[lineIndex]
        at += 1
        var members: [(String, JSONValue)] = []
        var firstColumn: [String: Int] = [:]
        while true {
            try skipFlowBlanks(lineIndex, &at, closing: "}", opening: opening)
            if text[at] == "}" {
                at += 1
                return .object(members)
            }
            let keyStart = at
            let key: String
            if text[at] == "\"" || text[at] == "'" {
                let (quoted, end) = try readQuoted(lineIndex, at)
                key = quoted
                at = end
            } else {
                if "[]{},#&*!|>%@`".unicodeScalars.contains(text[at]) || ((text[at] == "-" || text[at] == "?" || text[at] == ":") && isFlowBreak(lineIndex, at + 1)) {
                    throw error(lineIndex, at, "expected a mapping key, found \(found(lineIndex, at))")
                }
                key = flowPlain(lineIndex, &at)
            }
            if let previous = firstColumn[key] {
                throw error(lineIndex, keyStart, "duplicate key '\(key)' (first in column \(previous + 1))")
            }
            firstColumn[key] = keyStart
            try skipFlowBlanks(lineIndex, &at, closing: "}", opening: opening)
            guard text[at] == ":" else {
                throw error(lineIndex, at, "expected ':' after the key '\(key)', found \(found(lineIndex, at))")
            }
            at += 1
            try skipFlowBlanks(lineIndex, &at, closing: "}", opening: opening)
            let memberPath = path.appending(key: key)
            let value: JSONValue
            if text[at] == "," || text[at] == "}" {
                locations[memberPath] = YAMLLocation(key: position(lineIndex, keyStart), value: position(lineIndex, at))
                value = .null
            } else {
                value = try readFlowNode(lineIndex, &at, path: memberPath, depth: depth + 1, keyPosition: position(lineIndex, keyStart))
            }
            members.append((key, value))
            try skipFlowBlanks(lineIndex, &at, closing: "}", opening: opening)
            switch text[at] {
            case ",": at += 1
            case "}":
                at += 1
                return .object(members)
            default: throw error(lineIndex, at, "expected ',' or '}', found \(found(lineIndex, at))")
            }
        }
    }

    /// Skips blanks; throws when the line (or a comment) ends before the collection is closed.
    private func skipFlowBlanks(_ lineIndex: Int, _ at: inout Int, closing: Unicode.Scalar, opening: Int) throws(YAMLError) {
        let text = lines[lineIndex]
        while at < text.count, text[at] == " " || text[at] == "\t" { at += 1 }
        if at == text.count || (text[at] == "#" && at > 0 && (text[at - 1] == " " || text[at - 1] == "\t")) {
            throw error(lineIndex, at, "expected '\(closing)' to close the collection opened in column \(opening + 1), "
                + "found \(at == text.count ? "the end of the line" : "a comment") (flow collections must fit on one line)")
        }
    }

    /// Whether the character at `at` ends a plain scalar inside a flow collection.
    private func isFlowBreak(_ lineIndex: Int, _ at: Int) -> Bool {
        let text = lines[lineIndex]
        return at >= text.count || " \t,[]{}".unicodeScalars.contains(text[at])
    }

    /// A plain scalar inside a flow collection: up to `,`, a bracket, `: ` or ` #`; trimmed.
    private func flowPlain(_ lineIndex: Int, _ at: inout Int) -> String {
        let text = lines[lineIndex]
        let start = at
        while at < text.count {
            let scalar = text[at]
            if ",[]{}".unicodeScalars.contains(scalar) { break }
            if scalar == ":", isFlowBreak(lineIndex, at + 1) { break }
            if scalar == "#", at > start, text[at - 1] == " " || text[at - 1] == "\t" { break }
            at += 1
        }
        var end = at
        while end > start, text[end - 1] == " " || text[end - 1] == "\t" { end -= 1 }
        return string(text[start..<end])
    }
}
