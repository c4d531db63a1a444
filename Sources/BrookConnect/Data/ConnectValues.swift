/// Connect's text forms of values (Kafka's `org.apache.kafka.connect.data.Values`), as header
/// converters and InsertHeader use them. Parsing covers booleans, numbers and plain strings; Kafka's
/// array/map literal grammar and date-string detection are not implemented (such text stays a string).
public enum ConnectValues {
    /// `Values.convertToString`: numbers and booleans as Java prints them, bytes as base64, dates in ISO
    /// 8601, lists `[a,b]`, maps and structs `{"k":v}` with strings quoted inside them.
    public static func convertToString(_ value: ConnectValue) -> String? {
        if value == .null { return nil }
        var out = ""
        append(value, embedded: false, to: &out)
        return out
    }

    private static func append(_ value: ConnectValue, embedded: Bool, to out: inout String) {
        switch value {
        case .null: out += "null"
        case let .string(s): out += embedded ? "\"" + escape(s) + "\"" : s
        case let .bytes(b):
            let text = ConnectBase64.encode(b)
            out += embedded ? "\"" + text + "\"" : text
        case let .array(items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                append(item, embedded: true, to: &out)
            }
            out += "]"
        case let .map(entries):
            out += "{"
            for (i, entry) in entries.enumerated() {
                if i > 0 { out += "," }
                append(entry.key, embedded: true, to: &out)
                out += ":"
                append(entry.value, embedded: true, to: &out)
            }
            out += "}"
        case let .struct(s):
            out += "{"
            for (i, field) in s.schema.fields.enumerated() {
                if i > 0 { out += "," }
                append(.string(field.name), embedded: true, to: &out)
                out += ":"
                append((try? s.get(field.name)) ?? .null, embedded: true, to: &out)
            }
            out += "}"
        case let .timestamp(millis): out += JavaDateFormats.iso8601Text(millis)
        default: out += JavaText.string(of: value)
        }
    }

    /// Values.escape: backslashes and double quotes.
    private static func escape(_ s: String) -> String {
        s.replacingAll("\\", with: "\\\\").replacingAll("\"", with: "\\\"")
    }

    /// A subset of `Values.parseString`: "true"/"false" → BOOLEAN, integers → the narrowest of
    /// INT8…INT64, other numbers → FLOAT32 (FLOAT64, then Decimal, when out of range), else STRING.
    public static func parseString(_ text: String) -> ConnectSchemaAndValue {
        let trimmed = text.trimmingASCIISpaces
        if trimmed.lowercased() == "true" { return .init(schema: .boolean, value: .boolean(true)) }
        if trimmed.lowercased() == "false" { return .init(schema: .boolean, value: .boolean(false)) }
        if let first = trimmed.first, first.isNumber || first == "-" || first == "+" || first == ".",
           let decimal = ConnectDecimal(literal: trimmed) {
            let integral = decimal.isIntegral
            if integral, let v = decimal.truncatedInt64 {
                if let b = Int8(exactly: v) { return .init(schema: .int8, value: .int8(b)) }
                if let s = Int16(exactly: v) { return .init(schema: .int16, value: .int16(s)) }
                if let i = Int32(exactly: v) { return .init(schema: .int32, value: .int32(i)) }
                return .init(schema: .int64, value: .int64(v))
            }
            if !integral {
                let f = Float(decimal.doubleValue)
                if f.isFinite { return .init(schema: .float32, value: .float32(f)) }
                let d = decimal.doubleValue
                if d.isFinite { return .init(schema: .float64, value: .float64(d)) }
            }
            return .init(schema: ConnectLogicalType.decimalSchema(scale: decimal.scale), value: .decimal(decimal))
        }
        return .init(schema: .string, value: .string(text))
    }
}
