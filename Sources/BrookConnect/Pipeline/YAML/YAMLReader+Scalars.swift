import BrookSchemas

/// Quoted scalars (on one line) and block scalars (`|`, `>`).
extension YAMLReader {
    /// A single- or double-quoted scalar starting at `at`; returns its text and the column after the
    /// closing quote.
    func readQuoted(_ lineIndex: Int, _ at: Int) throws(YAMLError) -> (String, Int) {
        let text = lines[lineIndex]
        let quote = text[at]
        var out = String.UnicodeScalarView()
        var index = at + 1
        while index < text.count {
            let scalar = text[index]
            if scalar == quote {
                if quote == "'", index + 1 < text.count, text[index + 1] == "'" {
                    out.append("'")
                    index += 2
                    continue
                }
                return (String(out), index + 1)
            }
            if quote == "\"", scalar == "\\" {
                out.append(try readEscape(lineIndex, &index))
                continue
            }
            out.append(scalar)
            index += 1
        }
        throw error(lineIndex, index, "expected \(quote) to close the string opened in column \(at + 1), found the end of the line "
            + "(quoted strings must fit on one line)")
    }

    /// One escape of a double-quoted scalar, `index` on its backslash; leaves `index` after it.
    private func readEscape(_ lineIndex: Int, _ index: inout Int) throws(YAMLError) -> Unicode.Scalar {
        let text = lines[lineIndex]
        let at = index + 1
        guard at < text.count else {
            throw error(lineIndex, at, "expected an escape such as \\n, \\\" or \\uXXXX, found the end of the line")
        }
        index = at + 1
        switch text[at] {
        case "n": return "\n"
        case "t", "\t": return "\t"
        case "r": return "\r"
        case "\"": return "\""
        case "\\": return "\\"
        case "/": return "/"
        case " ": return " "
        case "0": return "\u{0}"
        case "a": return "\u{7}"
        case "b": return "\u{8}"
        case "e": return "\u{1B}"
        case "f": return "\u{C}"
        case "v": return "\u{B}"
        case "N": return "\u{85}"
        case "_": return "\u{A0}"
        case "L": return "\u{2028}"
        case "P": return "\u{2029}"
        case "x": return try codePoint(lineIndex, &index, digits: 2, escape: "x")
        case "u":
            let start = at - 1
            let unit = try hexValue(lineIndex, &index, digits: 4, escape: "u")
            if (0xD800...0xDBFF).contains(unit), index + 1 < text.count, text[index] == "\\", text[index + 1] == "u" {
                var next = index + 2
                let low = try hexValue(lineIndex, &next, digits: 4, escape: "u")
                if (0xDC00...0xDFFF).contains(low), let scalar = Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)) {
                    index = next
                    return scalar
                }
            }
            guard let scalar = Unicode.Scalar(unit) else {
                throw error(lineIndex, start, "expected a Unicode scalar value, found a lone surrogate \\u\(String(unit, radix: 16, uppercase: true))")
            }
            return scalar
        case "U": return try codePoint(lineIndex, &index, digits: 8, escape: "U")
        default:
            throw error(lineIndex, at, "expected an escape such as \\n, \\\" or \\uXXXX, found '\(text[at])'")
        }
    }

    private func codePoint(_ lineIndex: Int, _ index: inout Int, digits: Int, escape: Character) throws(YAMLError) -> Unicode.Scalar {
        let start = index - 2
        let value = try hexValue(lineIndex, &index, digits: digits, escape: escape)
        guard let scalar = Unicode.Scalar(value) else {
            throw error(lineIndex, start, "expected a Unicode scalar value, found \\\(escape) code \(String(value, radix: 16, uppercase: true))")
        }
        return scalar
    }

    private func hexValue(_ lineIndex: Int, _ index: inout Int, digits: Int, escape: Character) throws(YAMLError) -> UInt32 {
        let text = lines[lineIndex]
        var value: UInt32 = 0
        for offset in 0..<digits {
            let at = index + offset
            guard at < text.count, text[at].isASCII, let digit = Character(text[at]).hexDigitValue else {
                throw error(lineIndex, at, "expected \(digits) hexadecimal digits after '\\\(escape)', found \(found(lineIndex, at))")
            }
            value = value << 4 | UInt32(digit)
        }
        index += digits
        return value
    }

    private enum Chomping {
        case strip, clip, keep
    }

    /// A literal (`|`) or folded (`>`) block scalar: its header at the cursor, its content on the
    /// following lines indented more than `parentIndent`.
    mutating func readBlockScalar(parentIndent: Int) throws(YAMLError) -> JSONValue {
        let header = lines[line]
        let folded = header[column] == ">"
        var at = column + 1
        var chomping = Chomping.clip
        var explicitIndent: Int?
        for _ in 0..<2 where at < header.count {
            let scalar = header[at]
            if chomping == .clip, scalar == "-" || scalar == "+" {
                chomping = scalar == "-" ? .strip : .keep
            } else if explicitIndent == nil, ("1"..."9").contains(scalar) {
                explicitIndent = Int(scalar.value - 48)
            } else {
                break
            }
            at += 1
        }
        guard isLineEnd(line, skippingBlanksFrom: at) else {
            throw error(line, at, "expected '-', '+', an indentation digit or the end of the line after '\(header[column])', "
                + "found \(found(line, at))")
        }
        var next = line + 1
        var contentIndent = explicitIndent.map { max(parentIndent, 0) + $0 }
        if contentIndent == nil {
            var probe = next
            while probe < lines.count, isBlank(lines[probe]) { probe += 1 }
            if probe < lines.count {
                let indent = lines[probe].prefix { $0 == " " }.count
                if indent > parentIndent { contentIndent = indent }
            }
        }
        var body: [String] = []
        var blanks = 0
        while next < lines.count {
            let text = lines[next]
            if isBlank(text) {
                blanks += 1
                next += 1
                continue
            }
            guard let indent = contentIndent, text.prefix(while: { $0 == " " }).count >= indent else { break }
            body += Array(repeating: "", count: blanks)
            blanks = 0
            body.append(string(text[indent...]))
            next += 1
        }
        line = next
        var value = folded ? Self.fold(body) : body.joined(separator: "\n")
        switch chomping {
        case .strip: break
        case .clip: if !body.isEmpty { value += "\n" }
        case .keep: value += (body.isEmpty ? "" : "\n") + String(repeating: "\n", count: blanks)
        }
        return .string(value)
    }

    /// YAML's line folding: a break between two plain lines becomes a space, empty lines become
    /// breaks, and breaks around more indented lines are kept.
    static func fold(_ body: [String]) -> String {
        var out = ""
        var previousWasPlain: Bool?
        var empties = 0
        for text in body {
            if text.isEmpty {
                empties += 1
                continue
            }
            let moreIndented = text.first == " " || text.first == "\t"
            switch previousWasPlain {
            case nil: out += String(repeating: "\n", count: empties)
            case true? where !moreIndented: out += empties == 0 ? " " : String(repeating: "\n", count: empties)
            default: out += "\n" + String(repeating: "\n", count: empties)
            }
            out += text
            previousWasPlain = !moreIndented
            empties = 0
        }
        return out
    }
}
