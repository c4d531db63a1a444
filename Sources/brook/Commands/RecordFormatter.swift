import BrookClient
import Foundation
import NIOCore

/// Renders records with a kcat-style format string: %t topic, %p partition, %o offset, %k key,
/// %v (or %s) value, %h headers (k=v,k2=v2), %T timestamp (ms), %K key length, %S value length,
/// %% a percent sign; \n, \t, \r, \\ and \0 escapes. Keys and values are written as raw bytes;
/// null ones print as nothing (lengths as -1).
struct RecordFormatter {
    enum Token: Equatable {
        case literal([UInt8])
        case topic, partition, offset, key, value, headers, timestamp, keyLength, valueLength
    }

    let tokens: [Token]

    init(_ format: String) throws {
        var tokens: [Token] = []
        var literal: [UInt8] = []
        var iterator = Array(format.utf8).makeIterator()
        func flush() {
            if !literal.isEmpty { tokens.append(.literal(literal)) }
            literal = []
        }
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "%"):
                guard let code = iterator.next() else { throw CLIError.usage("format ends with a lone %") }
                let token: Token
                switch code {
                case UInt8(ascii: "t"): token = .topic
                case UInt8(ascii: "p"): token = .partition
                case UInt8(ascii: "o"): token = .offset
                case UInt8(ascii: "k"): token = .key
                case UInt8(ascii: "v"), UInt8(ascii: "s"): token = .value
                case UInt8(ascii: "h"): token = .headers
                case UInt8(ascii: "T"): token = .timestamp
                case UInt8(ascii: "K"): token = .keyLength
                case UInt8(ascii: "S"): token = .valueLength
                case UInt8(ascii: "%"):
                    literal.append(UInt8(ascii: "%"))
                    continue
                default:
                    throw CLIError.usage("unknown format token %\(Character(UnicodeScalar(code))) (use %t %p %o %k %v %h %T %K %S %%)")
                }
                flush()
                tokens.append(token)
            case UInt8(ascii: "\\"):
                guard let code = iterator.next() else {
                    literal.append(byte)
                    continue
                }
                switch code {
                case UInt8(ascii: "n"): literal.append(0x0A)
                case UInt8(ascii: "t"): literal.append(0x09)
                case UInt8(ascii: "r"): literal.append(0x0D)
                case UInt8(ascii: "0"): literal.append(0x00)
                case UInt8(ascii: "\\"): literal.append(UInt8(ascii: "\\"))
                default: literal.append(contentsOf: [byte, code])
                }
            default:
                literal.append(byte)
            }
        }
        flush()
        self.tokens = tokens
    }

    /// Appends the rendering of `record` to `out`.
    func render(_ record: ConsumerRecord, into out: inout [UInt8]) {
        for token in tokens {
            switch token {
            case .literal(let bytes): out.append(contentsOf: bytes)
            case .topic: out.append(contentsOf: record.topic.utf8)
            case .partition: out.append(contentsOf: String(record.partition).utf8)
            case .offset: out.append(contentsOf: String(record.offset).utf8)
            case .key: if let key = record.key { out.append(contentsOf: key.readableBytesView) }
            case .value: if let value = record.value { out.append(contentsOf: value.readableBytesView) }
            case .timestamp: out.append(contentsOf: String(record.timestamp).utf8)
            case .keyLength: out.append(contentsOf: String(record.key?.readableBytes ?? -1).utf8)
            case .valueLength: out.append(contentsOf: String(record.value?.readableBytes ?? -1).utf8)
            case .headers:
                for (index, header) in record.headers.enumerated() {
                    if index > 0 { out.append(UInt8(ascii: ",")) }
                    out.append(contentsOf: header.key.utf8)
                    out.append(UInt8(ascii: "="))
                    if let value = header.value { out.append(contentsOf: value.readableBytesView) }
                }
            }
        }
    }
}

/// The `--json` envelope of a consumed record: one object per line. Keys, values and header values
/// are strings when they are UTF-8, else base64 with a `*_encoding: "base64"` marker; null stays null.
enum RecordJSON {
    static func object(_ record: ConsumerRecord) -> [String: Any] {
        var object: [String: Any] = [
            "topic": record.topic, "partition": Int(record.partition), "offset": record.offset, "timestamp": record.timestamp,
            "timestamp_type": record.timestampType == .logAppendTime ? "LogAppendTime" : "CreateTime",
        ]
        put(record.key, as: "key", in: &object)
        put(record.value, as: "value", in: &object)
        object["headers"] = record.headers.map { header -> [String: Any] in
            var entry: [String: Any] = ["key": header.key]
            put(header.value, as: "value", in: &entry)
            return entry
        }
        return object
    }

    private static func put(_ bytes: ByteBuffer?, as name: String, in object: inout [String: Any]) {
        guard let bytes else {
            object[name] = NSNull()
            return
        }
        let array = Array(bytes.readableBytesView)
        if let text = String(bytes: array, encoding: .utf8) {
            object[name] = text
        } else {
            object[name] = Data(array).base64EncodedString()
            object["\(name)_encoding"] = "base64"
        }
    }
}
