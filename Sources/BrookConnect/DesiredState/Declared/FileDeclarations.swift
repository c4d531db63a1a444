import BrookSchemas

/// Turns the files of a directory into declared records (`input=files`): the key is the file's
/// path relative to the configured root (with `/` separators, as the runtime gives it), the value
/// the file's bytes, or with `value.format=json` the parsed document re-written compactly (so
/// whitespace-only edits emit nothing).
public struct FileDeclarations: Sendable {
    /// How a file's bytes become the record value.
    public enum ValueFormat: String, Sendable, Hashable {
        case bytes
        case json
    }

    public let valueFormat: ValueFormat

    public init(valueFormat: ValueFormat = .bytes) {
        self.valueFormat = valueFormat
    }

    /// The record for the file at `relativePath`; its source is the path itself.
    public func record(relativePath: String, bytes: [UInt8]) throws(DesiredStateError) -> DeclaredRecord {
        let origin = DeclaredOrigin(source: relativePath)
        switch valueFormat {
        case .bytes:
            return DeclaredRecord(key: relativePath, value: bytes, origin: origin)
        case .json:
            do {
                let document = try JSONParser.parse(bytes)
                return DeclaredRecord(key: relativePath, value: Array(document.compactText.utf8), origin: origin)
            } catch {
                throw .invalidJSON(source: relativePath, reason: error.description)
            }
        }
    }
}
