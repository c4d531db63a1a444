import NIOCore

/// Reads PostgreSQL's binary result format (what PostgresNIO asks for) into SQL values, and names
/// the Connect schema of each type (Confluent's PostgreSQL source mapping): int2/int4/int8 →
/// INT16/INT32/INT64, float4/float8 → FLOAT32/FLOAT64, bool, numeric → Decimal (scale: the value's
/// display scale, which a NUMERIC(p,s) column fixes), date/time/timestamp[tz] → Date/Time/Timestamp,
/// bytea → BYTES, text-like types and anything else → STRING (their text, or their bytes when not
/// UTF-8 and not text). Sans-IO: every input either decodes or throws.
public enum PostgresValueDecoder {
    // Type OIDs (pg_type.dat).
    static let bool: UInt32 = 16, bytea: UInt32 = 17, int8: UInt32 = 20, int2: UInt32 = 21, int4: UInt32 = 23
    static let text: UInt32 = 25, oid: UInt32 = 26, json: UInt32 = 114, float4: UInt32 = 700, float8: UInt32 = 701
    static let bpchar: UInt32 = 1042, varchar: UInt32 = 1043, date: UInt32 = 1082, time: UInt32 = 1083
    static let timestamp: UInt32 = 1114, timestamptz: UInt32 = 1184, numeric: UInt32 = 1700, uuid: UInt32 = 2950
    static let jsonb: UInt32 = 3802, name: UInt32 = 19

    /// PostgreSQL's epoch (2000-01-01) in days and microseconds after 1970-01-01.
    static let epochDays: Int64 = 10_957
    static let epochMicros: Int64 = 946_684_800_000_000

    /// The Connect schema (optional) of a result column of type `oid`; `value` supplies a numeric's scale.
    public static func schema(oid: UInt32, value: SQLValue) -> ConnectSchema {
        switch oid {
        case int2: return .optionalInt16
        case int4: return .optionalInt32
        case int8, self.oid: return .optionalInt64
        case float4: return .optionalFloat32
        case float8: return .optionalFloat64
        case bool: return .optionalBoolean
        case bytea: return .optionalBytes
        case numeric:
            if case let .decimal(decimal) = value { return ConnectLogicalType.decimalSchema(scale: decimal.scale).optional() }
            if case .real = value { return .optionalFloat64 }
            return ConnectLogicalType.decimalSchema(scale: 0).optional()
        case date: return ConnectLogicalType.dateSchema.optional()
        case time: return ConnectLogicalType.timeSchema.optional()
        case timestamp, timestamptz: return ConnectLogicalType.timestampSchema.optional()
        default:
            if case .bytes = value { return .optionalBytes }
            return .optionalString
        }
    }

    /// The value of a binary-format cell of type `oid`; nil bytes is SQL NULL.
    public static func decode(oid: UInt32, binary bytes: [UInt8]?) throws(SQLConnectorError) -> SQLValue {
        guard let bytes else { return .null }
        var reader = Reader(bytes: bytes)
        let value: SQLValue
        switch oid {
        case bool: value = .boolean(try reader.int(UInt8.self) != 0)
        case int2: value = .integer(Int64(try reader.int(Int16.self)))
        case int4: value = .integer(Int64(try reader.int(Int32.self)))
        case self.oid: value = .integer(Int64(try reader.int(UInt32.self)))
        case int8: value = .integer(try reader.int(Int64.self))
        case float4: value = .real(Double(Float(bitPattern: try reader.int(UInt32.self))))
        case float8: value = .real(Double(bitPattern: try reader.int(UInt64.self)))
        case bytea: return .bytes(bytes)
        case date:
            let days = Int64(try reader.int(Int32.self)) + epochDays
            guard let days32 = Int32(exactly: days) else { throw SQLConnectorError("date out of range") }
            value = .date(days: days32)
        case time: value = .time(micros: try reader.int(Int64.self))
        case timestamp, timestamptz:
            let (micros, overflow) = try reader.int(Int64.self).addingReportingOverflow(epochMicros)
            // ±infinity are Int64's extremes; they have no Connect form.
            guard !overflow else { throw SQLConnectorError("timestamp out of range") }
            value = .timestamp(micros: micros)
        case numeric: value = try decodeNumeric(&reader)
        case uuid:
            let hex = SQLTemporal.hex(try reader.bytes(16))
            let parts = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { range in
                String(hex[hex.index(hex.startIndex, offsetBy: range.lowerBound)..<hex.index(hex.startIndex, offsetBy: range.upperBound)])
            }
            value = .text(parts.joined(separator: "-"))
        case jsonb:
            guard try reader.int(UInt8.self) == 1 else { throw SQLConnectorError("unknown jsonb version") }
            return .text(String(decoding: bytes.dropFirst(), as: UTF8.self))
        default:
            // Text-like types send their text; other types' bytes are kept when they are not UTF-8.
            if let text = String(validating: bytes, as: UTF8.self) { return .text(text) }
            return .bytes(bytes)
        }
        guard reader.isAtEnd else { throw SQLConnectorError("\(bytes.count - reader.offset) stray bytes after a value of type \(oid)") }
        return value
    }

    /// numeric's binary form: ndigits, weight, sign, dscale (int16 each), then base-10000 digits.
    private static func decodeNumeric(_ reader: inout Reader) throws(SQLConnectorError) -> SQLValue {
        let count = Int(try reader.int(Int16.self))
        let weight = Int(try reader.int(Int16.self))
        let sign = try reader.int(UInt16.self)
        let scale = Int(try reader.int(Int16.self))
        switch sign {
        case 0x0000, 0x4000: break
        case 0xC000: return .real(.nan)
        case 0xD000: return .real(.infinity)
        case 0xF000: return .real(-.infinity)
        default: throw SQLConnectorError("invalid numeric sign \(sign)")
        }
        guard count >= 0, scale >= 0 else { throw SQLConnectorError("invalid numeric header") }
        var digits = ""
        for _ in 0..<count {
            let group = try reader.int(Int16.self)
            guard (0..<10_000).contains(group) else { throw SQLConnectorError("invalid numeric digit \(group)") }
            digits += SQLTemporal.pad(Int64(group), 4)
        }
        // value = digits × 10000^(weight − count + 1); the unscaled value at `scale` shifts that by 10^scale.
        let exponent = 4 * (weight - count + 1) + scale
        guard abs(exponent) < 100_000 else { throw SQLConnectorError("numeric exponent out of range") }
        if exponent >= 0 {
            digits += String(repeating: "0", count: exponent)
        } else {
            digits = String(digits.dropLast(min(-exponent, digits.count)))
        }
        guard let decimal = ConnectDecimal(unscaled: (sign == 0x4000 ? "-" : "") + (digits.isEmpty ? "0" : digits),
                                           scale: Int32(scale)) else {
            throw SQLConnectorError("invalid numeric")
        }
        return .decimal(decimal)
    }

    /// Big-endian reads with bounds checks.
    struct Reader {
        let bytes: [UInt8]
        var offset = 0

        var isAtEnd: Bool { offset == bytes.count }

        mutating func bytes(_ count: Int) throws(SQLConnectorError) -> [UInt8] {
            guard count <= bytes.count - offset else { throw SQLConnectorError("value truncated") }
            defer { offset += count }
            return Array(bytes[offset..<offset + count])
        }

        mutating func int<T: FixedWidthInteger>(_: T.Type) throws(SQLConnectorError) -> T {
            let size = MemoryLayout<T>.size
            guard size <= bytes.count - offset else { throw SQLConnectorError("value truncated") }
            var value: T = 0
            for byte in bytes[offset..<offset + size] { value = value << 8 | T(truncatingIfNeeded: byte) }
            offset += size
            return value
        }
    }
}
