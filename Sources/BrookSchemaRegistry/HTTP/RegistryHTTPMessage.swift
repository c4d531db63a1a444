/// An HTTP request as the registry's API sees it, independent of the server framework.
public struct RegistryHTTPRequest: Sendable {
    public var method: String
    /// The path as sent, still percent-encoded (a subject may contain an encoded `/`).
    public var path: String
    /// The query string as sent (without `?`), still percent-encoded.
    public var query: String?
    public var contentType: String?
    public var body: [UInt8]

    public init(method: String, path: String, query: String? = nil, contentType: String? = nil, body: [UInt8] = []) {
        self.method = method
        self.path = path
        self.query = query
        self.contentType = contentType
        self.body = body
    }
}

/// The registry's answer: a status and a body (JSON, or raw schema text for `/schema` endpoints),
/// always sent as `application/vnd.schemaregistry.v1+json` as Confluent does.
public struct RegistryHTTPResponse: Sendable, Hashable {
    public static let contentType = "application/vnd.schemaregistry.v1+json"

    public var status: Int
    public var body: String

    public init(status: Int, body: String) {
        self.status = status
        self.body = body
    }
}

/// Percent-decoding of path segments and query strings (RFC 3986; `+` is a space only in queries).
enum PercentDecoding {
    static func decode(_ text: Substring, plusIsSpace: Bool) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = Array(text.utf8)[...]
        while let byte = iterator.popFirst() {
            if byte == UInt8(ascii: "%"), iterator.count >= 2,
               let high = hex(iterator[iterator.startIndex]), let low = hex(iterator[iterator.startIndex + 1]) {
                bytes.append(high << 4 | low)
                iterator = iterator.dropFirst(2)
            } else if plusIsSpace, byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// Path segments, each decoded; empty segments (double or trailing slashes) dropped.
    static func segments(of path: String) -> [String] {
        path.split(separator: "/", omittingEmptySubsequences: true).map { decode($0, plusIsSpace: false) }
    }

    /// Query parameters, decoded; the first occurrence of a name wins.
    static func parameters(of query: String?) -> [String: String] {
        var result: [String: String] = [:]
        for (name, value) in allParameters(of: query) where result[name] == nil {
            result[name] = value
        }
        return result
    }

    /// Every query parameter, decoded, in order (a name may repeat).
    static func allParameters(of query: String?) -> [(name: String, value: String)] {
        (query ?? "").split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (decode(parts[0], plusIsSpace: true), parts.count > 1 ? decode(parts[1], plusIsSpace: true) : "")
        }
    }
}
