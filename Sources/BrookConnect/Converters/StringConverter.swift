/// Writes a value's `toString()` and reads bytes as an optional string (Kafka's
/// `org.apache.kafka.connect.storage.StringConverter`, config `converter.encoding`, default UTF8).
public struct StringConverter: ConnectConverter {
    /// The character sets Brook supports for `converter.encoding`.
    public enum Encoding: Sendable, Hashable {
        case utf8, isoLatin1, ascii
    }

    public static let encodingConfig = "converter.encoding"
    public let encoding: Encoding

    public init(configuration: [String: String] = [:], isKey: Bool = false) throws(ConnectConfigError) {
        let name = configuration[Self.encodingConfig] ?? "UTF8"
        switch name.uppercased().replacingDashesAndUnderscores {
        case "UTF8": encoding = .utf8
        case "ISO88591", "LATIN1": encoding = .isoLatin1
        case "USASCII", "ASCII": encoding = .ascii
        default: throw .invalidValue(Self.encodingConfig, name, "Unsupported encoding \(name)")
        }
    }

    public func fromConnectData(topic: String, schema: ConnectSchema?, value: ConnectValue) -> [UInt8]? {
        if value == .null { return nil }
        let text = JavaText.string(of: value)
        switch encoding {
        case .utf8: return Array(text.utf8)
        // Java replaces characters the charset cannot hold with '?'.
        case .isoLatin1: return text.unicodeScalars.map { $0.value < 0x100 ? UInt8($0.value) : UInt8(ascii: "?") }
        case .ascii: return text.unicodeScalars.map { $0.value < 0x80 ? UInt8($0.value) : UInt8(ascii: "?") }
        }
    }

    public func toConnectData(topic: String, bytes: [UInt8]?) -> ConnectSchemaAndValue {
        guard let bytes else { return ConnectSchemaAndValue(schema: .optionalString, value: .null) }
        let text: String
        switch encoding {
        case .utf8: text = String(decoding: bytes, as: UTF8.self)
        case .isoLatin1: text = String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
        case .ascii: text = String(String.UnicodeScalarView(bytes.map { $0 < 0x80 ? Unicode.Scalar($0) : "\u{FFFD}" }))
        }
        return ConnectSchemaAndValue(schema: .optionalString, value: .string(text))
    }
}

extension String {
    fileprivate var replacingDashesAndUnderscores: String {
        String(filter { $0 != "-" && $0 != "_" })
    }
}
