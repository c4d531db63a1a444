/// A logical type the Avro spec (1.11, plus 1.12's nanosecond timestamps and big-decimal) defines,
/// recognised only where it is valid for the underlying type; anything else is ignored, as the spec
/// says, and stays a plain attribute.
public enum AvroLogicalType: Sendable, Hashable {
    case decimal(precision: Int, scale: Int)
    case bigDecimal
    case uuid
    case date
    case timeMillis
    case timeMicros
    case timestampMillis
    case timestampMicros
    case timestampNanos
    case localTimestampMillis
    case localTimestampMicros
    case localTimestampNanos
    case duration

    /// The logical type `attributes` declare for a type of `kind`, nil when absent or invalid.
    static func recognise(_ attributes: [AvroAttribute], on kind: AvroTypeKind) -> AvroLogicalType? {
        guard let name = attributes.first(where: { $0.name == "logicalType" })?.value.stringValue else { return nil }
        func attribute(_ key: String) -> JSONValue? { attributes.first { $0.name == key }?.value }
        let primitive: AvroPrimitive? = if case let .primitive(p) = kind { p } else { nil }
        let fixedSize: Int? = if case let .fixed(f) = kind { f.size } else { nil }
        switch name {
        case "decimal":
            guard primitive == .bytes || fixedSize != nil,
                  let precision = int32(attribute("precision")), precision > 0 else { return nil }
            let scale: Int
            if let declared = attribute("scale") {
                guard let s = int32(declared), s >= 0 else { return nil }
                scale = s
            } else {
                scale = 0
            }
            guard scale <= precision else { return nil }
            if let size = fixedSize, precision > maximumDecimalPrecision(fixedSize: size) { return nil }
            return .decimal(precision: precision, scale: scale)
        case "big-decimal": return primitive == .bytes ? .bigDecimal : nil
        case "uuid": return primitive == .string || fixedSize == 16 ? .uuid : nil
        case "date": return primitive == .int ? .date : nil
        case "time-millis": return primitive == .int ? .timeMillis : nil
        case "time-micros": return primitive == .long ? .timeMicros : nil
        case "timestamp-millis": return primitive == .long ? .timestampMillis : nil
        case "timestamp-micros": return primitive == .long ? .timestampMicros : nil
        case "timestamp-nanos": return primitive == .long ? .timestampNanos : nil
        case "local-timestamp-millis": return primitive == .long ? .localTimestampMillis : nil
        case "local-timestamp-micros": return primitive == .long ? .localTimestampMicros : nil
        case "local-timestamp-nanos": return primitive == .long ? .localTimestampNanos : nil
        case "duration": return fixedSize == 12 ? .duration : nil
        default: return nil
        }
    }

    /// The most decimal digits a two's-complement number of `fixedSize` bytes always holds.
    static func maximumDecimalPrecision(fixedSize: Int) -> Int {
        guard fixedSize > 0 else { return 0 }
        // floor(log10(2^(8n-1) - 1)), computed as floor((8n-1) * log10(2)) like the spec's table.
        let bits = Double(min(fixedSize, 1 << 20) * 8 - 1)
        return Int((bits * 0.30102999566398120).rounded(.down))
    }

    private static func int32(_ value: JSONValue?) -> Int? {
        guard let value, value.isIntegerLiteral, let v = value.int64Value, v >= Int64(Int32.min), v <= Int64(Int32.max) else { return nil }
        return Int(v)
    }
}
