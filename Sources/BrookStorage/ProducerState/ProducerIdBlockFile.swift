/// The `producer-id-block` file in the data directory: the end (exclusive) of the last block of
/// producer ids handed out, so ids never repeat after a restart. Text: a version line `0`, then the end.
public struct ProducerIdBlockFile: Sendable {
    public static let name = "producer-id-block"
    public let path: String

    public init(dataDir: String) { self.path = dataDir + "/" + Self.name }

    /// The stored block end, or 0 when the file does not exist.
    public func read() throws -> Int64 {
        guard let bytes = try FileSystem.readAll(path) else { return 0 }
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n")
        guard lines.count == 2, lines[0] == "0", let end = Int64(lines[1]), end >= 0 else {
            throw StorageError.corruptCheckpoint("\(path): malformed producer id block")
        }
        return end
    }

    /// Replaces the stored block end atomically (fsynced).
    public func write(_ end: Int64) throws {
        try FileSystem.writeAtomically(path, Array("0\n\(end)\n".utf8))
    }
}
