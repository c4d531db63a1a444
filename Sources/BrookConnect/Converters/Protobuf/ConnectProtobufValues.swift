import BrookSchemas

/// Connect values ↔ the proto3 JSON mapping of the messages `ConnectToProtobufSchema` writes, so
/// Brook's `ProtobufSchema` does the binary encoding (Confluent's `ProtobufData.fromConnectData` /
/// `toConnectData` work on `DynamicMessage`s instead). Nulls are left out, as proto3 has no null:
/// they read back as the field type's default, as in Confluent's default configuration.
enum ConnectProtobufValues {
    static func json(_ value: ConnectValue, schema: ConnectSchema) throws(ConnectDataError) -> JSONValue? {
        if value == .null { return nil }
        switch (ConnectLogicalType(schemaName: schema.name), value) {
        case let (.decimal?, .decimal(d)):
            // Confluent's DecimalUtils writes the value's own unscaled digits and scale.
            let bytes = d.unscaledTwosComplement
            return .object([("value", .string(ConnectBase64.encode(bytes))), ("precision", JSONValue(integer: Int64(d.unscaledDigits.count))),
                            ("scale", JSONValue(integer: Int64(d.scale)))])
        case let (.date?, .timestamp(ms)):
            let (y, m, d) = civil(days: Int64(try ConnectLogicalType.days(fromMillis: ms)))
            return .object([("year", JSONValue(integer: y)), ("month", JSONValue(integer: m)), ("day", JSONValue(integer: d))])
        case let (.time?, .timestamp(ms)):
            let t = Int64(try ConnectLogicalType.timeOfDay(fromMillis: ms))
            return .object([("hours", JSONValue(integer: t / 3_600_000)), ("minutes", JSONValue(integer: t / 60_000 % 60)),
                            ("seconds", JSONValue(integer: t / 1000 % 60)), ("nanos", JSONValue(integer: t % 1000 * 1_000_000))])
        case let (.timestamp?, .timestamp(ms)):
            let (seconds, rest) = CivilTime.floorDivide(ms, 1000)
            let (days, secondOfDay) = CivilTime.floorDivide(seconds, 86_400)
            let (y, m, d) = civil(days: days)
            func pad(_ n: Int64, _ width: Int) -> String { String(repeating: "0", count: max(0, width - String(n).count)) + String(n) }
            guard (1...9999).contains(y) else { throw ConnectDataError("Timestamp \(ms) is outside the years protobuf accepts") }
            var text = "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2))"
            if rest != 0 { text += "." + pad(rest, 3) }
            return .string(text + "Z")
        case (.some, _):
            throw ConnectDataError("Invalid type for \(schema.name ?? ""): \(value.javaClassDescription)")
        case (nil, _):
            break
        }
        switch (schema.type, value) {
        case let (.int8, .int8(v)): return JSONValue(integer: Int64(v))
        case let (.int16, .int16(v)): return JSONValue(integer: Int64(v))
        case let (.int32, .int32(v)): return JSONValue(integer: Int64(v))
        case let (.int64, .int64(v)): return .string(String(v))
        case let (.float32, .float32(v)): return floating(Double(v))
        case let (.float64, .float64(v)): return floating(v)
        case let (.boolean, .boolean(v)): return .bool(v)
        case let (.string, .string(v)): return .string(v)
        case let (.bytes, .bytes(v)): return .string(ConnectBase64.encode(v))
        case let (.array, .array(items)):
            let element = schema.valueSchema ?? .optionalString
            var out: [JSONValue] = []
            for item in items {
                guard let node = try json(item, schema: element) else { throw ConnectDataError("Protobuf repeated fields cannot hold null") }
                out.append(node)
            }
            return .array(out)
        case let (.map, .map(entries)):
            var out: [JSONValue] = []
            for entry in entries {
                var members: [(String, JSONValue)] = []
                if let key = try json(entry.key, schema: schema.keySchema ?? .optionalString) { members.append(("key", key)) }
                if let node = try json(entry.value, schema: schema.valueSchema ?? .optionalString) { members.append(("value", node)) }
                out.append(.object(members))
            }
            return .array(out)
        case let (.struct, .struct(s)):
            guard s.schema == schema else { throw ConnectDataError("Mismatching schema.") }
            var members: [(String, JSONValue)] = []
            for field in schema.fields {
                if let node = try json(s.get(field.name), schema: field.schema) { members.append((field.name, node)) }
            }
            return .object(members)
        default:
            throw ConnectDataError("Invalid type for \(schema.type): \(value.javaClassDescription)")
        }
    }

    /// The Connect value of a decoded message's JSON (`nil`: the field was absent) under `schema`.
    static func connect(_ json: JSONValue?, schema: ConnectSchema) throws(ConnectDataError) -> ConnectValue {
        guard let json, json != .null else { return try defaultValue(schema) }
        let mismatch = ConnectDataError("Invalid protobuf JSON for \(schema.type) value: \(JsonValueReader.nodeType(json))")
        switch ConnectLogicalType(schemaName: schema.name) {
        case .decimal:
            guard let text = json["value"]?.stringValue, let bytes = ConnectBase64.decode(text), !bytes.isEmpty else { throw mismatch }
            // The message carries its own scale (Confluent's DecimalUtils reads it from there).
            guard let scale = json["scale"].map({ $0.int64Value.flatMap { Int32(exactly: $0) } }) ?? 0 else { throw mismatch }
            return .decimal(try ConnectDecimal(unscaledTwosComplement: bytes, scale: scale))
        case .date:
            guard let y = json["year"]?.int64Value ?? 0 as Int64?, let m = json["month"]?.int64Value ?? 0 as Int64?,
                  let d = json["day"]?.int64Value ?? 0 as Int64?, (1...12).contains(m), (1...31).contains(d), abs(y) < 1_000_000 else { throw mismatch }
            return .timestamp(CivilTime.daysSinceEpoch(year: Int(y), month: Int(m), day: Int(d)) * ConnectLogicalType.millisPerDay)
        case .time:
            let parts = ["hours", "minutes", "seconds", "nanos"].map { json[$0]?.int64Value ?? 0 }
            guard parts[0] >= 0, parts[0] < 25, parts[1] >= 0, parts[1] < 60, parts[2] >= 0, parts[2] < 61, parts[3] >= 0, parts[3] < 1_000_000_000 else { throw mismatch }
            let millis = parts[0] * 3_600_000 + parts[1] * 60_000 + parts[2] * 1000 + parts[3] / 1_000_000
            return .timestamp(try ConnectLogicalType.millis(fromTimeOfDay: Int32(millis)))
        case .timestamp:
            guard let text = json.stringValue, let millis = parseTimestamp(text) else { throw mismatch }
            return .timestamp(millis)
        case nil:
            break
        }
        switch schema.type {
        case .int8, .int16, .int32, .int64:
            let number: Int64?
            switch json {
            // uint64 values above Int64.max wrap, as Java's long does.
            case let .string(s): number = Int64(s) ?? UInt64(s).map { Int64(bitPattern: $0) }
            default: number = json.int64Value
            }
            guard let number else { throw mismatch }
            switch schema.type {
            case .int8: return .int8(Int8(truncatingIfNeeded: number))
            case .int16: return .int16(Int16(truncatingIfNeeded: number))
            case .int32: return .int32(Int32(truncatingIfNeeded: number))
            default: return .int64(number)
            }
        case .float32, .float64:
            let number: Double?
            switch json {
            case .string("NaN"): number = .nan
            case .string("Infinity"): number = .infinity
            case .string("-Infinity"): number = -.infinity
            default: number = json.doubleValue
            }
            guard let number else { throw mismatch }
            return schema.type == .float32 ? .float32(Float(number)) : .float64(number)
        case .boolean:
            switch json {
            case let .bool(b): return .boolean(b)
            case .string("true"): return .boolean(true)
            case .string("false"): return .boolean(false)
            default: throw mismatch
            }
        case .string:
            guard let s = json.stringValue else { throw mismatch }
            return .string(s)
        case .bytes:
            guard let text = json.stringValue, let bytes = ConnectBase64.decode(text) else { throw mismatch }
            return .bytes(bytes)
        case .array:
            guard let items = json.arrayValue else { throw mismatch }
            var out: [ConnectValue] = []
            for item in items { out.append(try connect(item, schema: schema.valueSchema ?? .optionalString)) }
            return .array(out)
        case .map:
            if let members = json.objectMembers {
                // A proto `map<…>` field in the proto3 JSON mapping: keys are always JSON strings.
                var entries: [ConnectMapEntry] = []
                for (key, member) in members {
                    entries.append(ConnectMapEntry(try connect(.string(key), schema: schema.keySchema ?? .optionalString),
                                                   try connect(member, schema: schema.valueSchema ?? .optionalString)))
                }
                return .map(entries)
            }
            guard let items = json.arrayValue else { throw mismatch }
            var entries: [ConnectMapEntry] = []
            for item in items {
                guard item.objectMembers != nil else { throw mismatch }
                entries.append(ConnectMapEntry(try connect(item["key"], schema: schema.keySchema ?? .optionalString),
                                               try connect(item["value"], schema: schema.valueSchema ?? .optionalString)))
            }
            return .map(entries)
        case .struct:
            guard json.objectMembers != nil else { throw mismatch }
            var result = try ConnectStruct(schema: schema)
            for field in schema.fields {
                // The proto3 JSON mapping names fields in lowerCamelCase; the original name is accepted too.
                let member = json[field.name] ?? json[lowerCamel(field.name)]
                let value = try connect(member, schema: field.schema)
                if value != .null { try result.put(field.name, value) }
            }
            return .struct(result)
        }
    }

    /// What proto3 reads for an absent field: zero values for scalars, empty lists, null messages.
    private static func defaultValue(_ schema: ConnectSchema) throws(ConnectDataError) -> ConnectValue {
        if ConnectLogicalType(schemaName: schema.name) != nil || schema.type == .struct { return .null }
        switch schema.type {
        case .int8: return .int8(0)
        case .int16: return .int16(0)
        case .int32: return .int32(0)
        case .int64: return .int64(0)
        case .float32: return .float32(0)
        case .float64: return .float64(0)
        case .boolean: return .boolean(false)
        case .string: return .string("")
        case .bytes: return .bytes([])
        case .array: return .array([])
        case .map: return .map([])
        case .struct: return .null
        }
    }

    private static func floating(_ v: Double) -> JSONValue {
        if v.isNaN { return .string("NaN") }
        if v.isInfinite { return .string(v > 0 ? "Infinity" : "-Infinity") }
        return JSONValue(double: v)
    }

    static func lowerCamel(_ name: String) -> String {
        var out = ""
        var upper = false
        for ch in name {
            if ch == "_" { upper = true; continue }
            out += upper ? ch.uppercased() : String(ch)
            upper = false
        }
        return out
    }

    /// civil_from_days: the proleptic Gregorian date of a day count since 1970-01-01.
    static func civil(days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// `YYYY-MM-DDTHH:MM:SS[.fraction]Z` (what the proto3 JSON mapping writes) to epoch milliseconds.
    static func parseTimestamp(_ text: String) -> Int64? {
        let chars = Array(text.utf8)
        guard chars.count >= 20, chars.last == UInt8(ascii: "Z"), chars[4] == UInt8(ascii: "-"), chars[7] == UInt8(ascii: "-"),
              chars[10] == UInt8(ascii: "T"), chars[13] == UInt8(ascii: ":"), chars[16] == UInt8(ascii: ":") else { return nil }
        func number(_ range: Range<Int>) -> Int64? {
            var n: Int64 = 0
            for i in range {
                guard chars[i] >= 48, chars[i] <= 57 else { return nil }
                n = n * 10 + Int64(chars[i] - 48)
            }
            return n
        }
        guard let y = number(0..<4), let m = number(5..<7), let d = number(8..<10), let h = number(11..<13), let mi = number(14..<16),
              let s = number(17..<19), (1...12).contains(m), (1...31).contains(d), h < 24, mi < 60, s < 61 else { return nil }
        var millis: Int64 = 0
        if chars.count > 20 {
            guard chars[19] == UInt8(ascii: "."), chars.count - 21 <= 9, chars.count > 21, let fraction = number(20..<(chars.count - 1)) else { return nil }
            var scaled = fraction
            for _ in 0..<(9 - (chars.count - 21)) { scaled *= 10 }
            millis = scaled / 1_000_000
        }
        let days = CivilTime.daysSinceEpoch(year: Int(y), month: Int(m), day: Int(d))
        return ((days * 86_400 + h * 3600 + mi * 60 + s) * 1000) + millis
    }
}
