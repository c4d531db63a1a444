/// Splits a byte stream into lines as Java's `BufferedReader.readLine` does (a line ends at `\n`,
/// `\r\n` or a lone `\r`), keeping the byte offset after each line — FileStreamSource's offset.
/// Bytes arrive in arbitrary chunks; a line without its terminator yet stays buffered, and so does a
/// trailing `\r` until the next byte shows whether a `\n` follows (Kafka's FileStreamSourceTask
/// `extractLine` waits the same way). Lines are decoded as UTF-8, invalid sequences replaced.
struct FileLineSplitter: Sendable {
    /// The stream offset of the first buffered byte.
    private(set) var position: Int64
    private var buffer: [UInt8] = []
    /// Where the next `nextLine()` starts looking in `buffer` (bytes before it are consumed).
    private var start = 0
    /// Where the search for a terminator resumes: bytes between `start` and it hold none.
    private var scanned = 0

    init(position: Int64 = 0) {
        self.position = position
    }

    /// Bytes buffered but not yet part of a complete line.
    var pendingByteCount: Int { buffer.count - start }

    mutating func append<Bytes: Collection>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        if start > 0, start >= buffer.count / 2 {
            buffer.removeFirst(start)
            scanned -= start
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next complete line and the stream offset just after its terminator, if one is buffered.
    mutating func nextLine() -> (line: String, end: Int64)? {
        var index = max(start, scanned)
        while index < buffer.count {
            let byte = buffer[index]
            if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                var next = index + 1
                if byte == UInt8(ascii: "\r") {
                    guard next < buffer.count else {  // a \n may still follow
                        scanned = index
                        return nil
                    }
                    if buffer[next] == UInt8(ascii: "\n") { next += 1 }
                }
                let line = String(decoding: buffer[start..<index], as: UTF8.self)
                position += Int64(next - start)
                start = next
                scanned = next
                return (line, position)
            }
            index += 1
        }
        scanned = index
        return nil
    }

    /// Drops everything buffered and restarts at `position` (after a truncated file is reopened).
    mutating func reset(to position: Int64) {
        self.position = position
        buffer.removeAll(keepingCapacity: true)
        start = 0
        scanned = 0
    }
}
