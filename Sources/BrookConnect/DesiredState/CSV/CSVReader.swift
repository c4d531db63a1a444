/// Reads RFC 4180 CSV rows one at a time from bytes held once in memory: quoted fields with `""`
/// escapes, separators and line breaks inside quotes, CRLF, LF or CR line ends, a leading UTF-8
/// byte order mark and a missing final line end. Blank lines are skipped (a row with one empty
/// field must be written as `""`). A quote inside an unquoted field is kept as text, as most
/// writers produce it. Rows are not checked against each other; `CSVTableReader` does that.
public struct CSVReader: Sendable {
    public let bytes: [UInt8]
    public let separator: UInt8
    private var position: Int
    private var line = 1
    private var lineStart: Int
    private var scratch: [UInt8] = []

    public init(bytes: [UInt8], separator: UInt8 = UInt8(ascii: ",")) {
        self.bytes = bytes
        self.separator = separator
        let hasBOM = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
        position = hasBOM ? 3 : 0
        lineStart = position
    }

    /// Reads the next row into `fields` (reusing its storage) and returns the line it starts on,
    /// or nil at the end of the input.
    public mutating func nextRow(into fields: inout [String]) throws(CSVError) -> Int? {
        fields.removeAll(keepingCapacity: true)
        let bytes = self.bytes  // a local copy (shared storage) so the closure may mutate `self`
        let count = bytes.count
        let result: Result<Int?, CSVError> = bytes.withUnsafeBufferPointer { p in
            skipBlankLines(p)
            if position >= count { return .success(nil) }
            let rowLine = line
            while true {
                switch readField(p) {
                case let .success(field): fields.append(field)
                case let .failure(error): return .failure(error)
                }
                if position < count && p[position] == separator {
                    position += 1
                    continue
                }
                consumeLineEnd(p)
                return .success(rowLine)
            }
        }
        return try result.get()
    }

    /// The next row as a new array, with the line it starts on; nil at the end of the input.
    public mutating func nextRow() throws(CSVError) -> (fields: [String], line: Int)? {
        var fields: [String] = []
        guard let rowLine = try nextRow(into: &fields) else { return nil }
        return (fields, rowLine)
    }

    private mutating func skipBlankLines(_ p: UnsafeBufferPointer<UInt8>) {
        while position < p.count && (p[position] == UInt8(ascii: "\n") || p[position] == UInt8(ascii: "\r")) {
            consumeLineEnd(p)
        }
    }

    /// Steps over one CRLF, LF or CR (if any) and starts the next line.
    private mutating func consumeLineEnd(_ p: UnsafeBufferPointer<UInt8>) {
        guard position < p.count else { return }
        if p[position] == UInt8(ascii: "\r") {
            position += 1
            if position < p.count && p[position] == UInt8(ascii: "\n") { position += 1 }
        } else if p[position] == UInt8(ascii: "\n") {
            position += 1
        } else {
            return
        }
        line += 1
        lineStart = position
    }

    private mutating func readField(_ p: UnsafeBufferPointer<UInt8>) -> Result<String, CSVError> {
        if position < p.count && p[position] == UInt8(ascii: "\"") { return readQuotedField(p) }
        let start = position
        while position < p.count {
            let b = p[position]
            if b == separator || b == UInt8(ascii: "\n") || b == UInt8(ascii: "\r") { break }
            position += 1
        }
        guard let text = Self.string(UnsafeBufferPointer(rebasing: p[start..<position])) else {
            return .failure(CSVError(.invalidUTF8, line: line, column: start - lineStart + 1))
        }
        return .success(text)
    }

    private mutating func readQuotedField(_ p: UnsafeBufferPointer<UInt8>) -> Result<String, CSVError> {
        let openLine = line, openColumn = position - lineStart + 1
        position += 1
        var segmentStart = position
        var escaped = false
        scratch.removeAll(keepingCapacity: true)
        while true {
            guard position < p.count else {
                return .failure(CSVError(.unterminatedQuote, line: openLine, column: openColumn))
            }
            let b = p[position]
            if b == UInt8(ascii: "\"") {
                if position + 1 < p.count && p[position + 1] == UInt8(ascii: "\"") {
                    // An escaped quote: keep the text so far plus one quote, skip the other.
                    scratch.append(contentsOf: UnsafeBufferPointer(rebasing: p[segmentStart...position]))
                    escaped = true
                    position += 2
                    segmentStart = position
                    continue
                }
                break
            }
            if b == UInt8(ascii: "\n") || (b == UInt8(ascii: "\r") && !(position + 1 < p.count && p[position + 1] == UInt8(ascii: "\n"))) {
                line += 1
                lineStart = position + 1
            }
            position += 1
        }
        let segment = UnsafeBufferPointer(rebasing: p[segmentStart..<position])
        position += 1  // the closing quote
        if position < p.count {
            let next = p[position]
            if next != separator && next != UInt8(ascii: "\n") && next != UInt8(ascii: "\r") {
                return .failure(CSVError(.characterAfterClosingQuote, line: line, column: position - lineStart + 1))
            }
        }
        let text: String?
        if escaped {
            scratch.append(contentsOf: segment)
            text = scratch.withUnsafeBufferPointer { Self.string($0) }
        } else {
            text = Self.string(segment)
        }
        guard let text else { return .failure(CSVError(.invalidUTF8, line: openLine, column: openColumn)) }
        return .success(text)
    }

    private static func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        String(validating: bytes, as: UTF8.self)
    }
}
