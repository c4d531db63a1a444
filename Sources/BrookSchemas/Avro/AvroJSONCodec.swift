extension AvroSchema {
    /// The datum in Avro's JSON encoding (spec "JSON Encoding"): a union value other than null is
    /// `{"<branch type name>": value}`, bytes and fixed are strings of code points 0-255, enums their
    /// symbol. Non-finite floats, which JSON lacks, are the strings "NaN", "Infinity", "-Infinity".
    public func json(for value: AvroValue) throws(AvroDataError) -> JSONValue {
        try AvroJSONCodec(types: types).json(value, as: root, depth: 0)
    }

    /// The datum that Avro JSON encoding `json` stands for. A union takes `null` or a one-member
    /// object naming the branch by full name (or by short name when that is unambiguous).
    public func value(fromJSON json: JSONValue) throws(AvroDataError) -> AvroValue {
        try AvroJSONCodec(types: types).value(json, as: root, isDefault: false, depth: 0)
    }
}

struct AvroJSONCodec {
    let types: [AvroType]

    private static let maximumDepth = 256

    func json(_ value: AvroValue, as index: Int, depth: Int) throws(AvroDataError) -> JSONValue {
        guard depth < Self.maximumDepth else { throw AvroDataError("datum nested too deeply") }
        switch (types[index].kind, value) {
        case (.primitive(.null), .null): return .null
        case let (.primitive(.boolean), .boolean(b)): return .bool(b)
        case let (.primitive(.int), .int(i)): return .number(String(i))
        case let (.primitive(.long), .long(l)): return .number(String(l))
        case let (.primitive(.float), .float(f)): return f.isFinite ? .number("\(f)") : .string(Self.nonFinite(Double(f)))
        case let (.primitive(.double), .double(d)): return d.isFinite ? .number("\(d)") : .string(Self.nonFinite(d))
        case let (.primitive(.bytes), .bytes(b)), let (.fixed, .fixed(b)): return .string(Self.codePoints(b))
        case let (.primitive(.string), .string(s)): return .string(s)
        case let (.enumeration(e), .enumeration(i)):
            guard e.symbols.indices.contains(i) else { throw AvroDataError("enum index \(i) out of range for \(e.name.fullName)") }
            return .string(e.symbols[i])
        case let (.union(branches), .union(branch, inner)):
            guard branches.indices.contains(branch) else { throw AvroDataError("union branch \(branch) out of range") }
            let branchType = types[branches[branch]]
            if case .primitive(.null) = branchType.kind { return .null }
            return .object([(branchType.unionBranchKey, try json(inner, as: branches[branch], depth: depth + 1))])
        case let (.record(r), .record(values)):
            guard values.count == r.fields.count else { throw AvroDataError("record \(r.name.fullName) needs \(r.fields.count) values") }
            var members: [(String, JSONValue)] = []
            for (field, v) in zip(r.fields, values) {
                members.append((field.name, try json(v, as: field.type, depth: depth + 1)))
            }
            return .object(members)
        case let (.array(items), .array(values)):
            var elements: [JSONValue] = []
            for v in values {
                elements.append(try json(v, as: items, depth: depth + 1))
            }
            return .array(elements)
        case let (.map(valueType), .map(entries)):
            var members: [(String, JSONValue)] = []
            for entry in entries {
                members.append((entry.key, try json(entry.value, as: valueType, depth: depth + 1)))
            }
            return .object(members)
        default:
            throw AvroDataError("value \(value) does not fit type \(types[index].unionBranchKey)")
        }
    }

    /// `isDefault`: the JSON is a field default, where a union's value is that of its first branch
    /// with no wrapping object.
    func value(_ json: JSONValue, as index: Int, isDefault: Bool, depth: Int) throws(AvroDataError) -> AvroValue {
        guard depth < Self.maximumDepth else { throw AvroDataError("JSON nested too deeply") }
        let type = types[index]
        func mismatch() -> AvroDataError {
            AvroDataError("\(json.compactText) is not a valid \(type.unionBranchKey)")
        }
        switch type.kind {
        case let .primitive(primitive):
            switch primitive {
            case .null:
                guard json == .null else { throw mismatch() }
                return .null
            case .boolean:
                guard let b = json.boolValue else { throw mismatch() }
                return .boolean(b)
            case .int:
                guard let v = json.int64Value, let i = Int32(exactly: v) else { throw mismatch() }
                return .int(i)
            case .long:
                guard let v = json.int64Value else { throw mismatch() }
                return .long(v)
            case .float:
                guard let d = Self.double(json) else { throw mismatch() }
                return .float(Float(d))
            case .double:
                guard let d = Self.double(json) else { throw mismatch() }
                return .double(d)
            case .bytes:
                guard let s = json.stringValue, let b = Self.bytes(s) else { throw mismatch() }
                return .bytes(b)
            case .string:
                guard let s = json.stringValue else { throw mismatch() }
                return .string(s)
            }
        case let .fixed(f):
            guard let s = json.stringValue, let b = Self.bytes(s), b.count == f.size else { throw mismatch() }
            return .fixed(b)
        case let .enumeration(e):
            guard let s = json.stringValue, let i = e.symbols.firstIndex(of: s) else { throw mismatch() }
            return .enumeration(i)
        case let .array(items):
            guard let elements = json.arrayValue else { throw mismatch() }
            var values: [AvroValue] = []
            for element in elements {
                values.append(try value(element, as: items, isDefault: isDefault, depth: depth + 1))
            }
            return .array(values)
        case let .map(valueType):
            guard let members = json.objectMembers else { throw mismatch() }
            var entries: [AvroMapEntry] = []
            for (key, member) in members {
                entries.append(AvroMapEntry(key: key, value: try value(member, as: valueType, isDefault: isDefault, depth: depth + 1)))
            }
            return .map(entries)
        case let .record(r):
            guard json.objectMembers != nil else { throw mismatch() }
            var values: [AvroValue] = []
            for field in r.fields {
                if let given = json[field.name] {
                    values.append(try value(given, as: field.type, isDefault: isDefault, depth: depth + 1))
                } else if let fallback = field.defaultValue {
                    values.append(try value(fallback, as: field.type, isDefault: true, depth: depth + 1))
                } else {
                    throw AvroDataError("record \(r.name.fullName) needs field \"\(field.name)\" (it has no default)")
                }
            }
            return .record(values)
        case let .union(branches):
            if isDefault {
                guard let first = branches.first else { throw mismatch() }
                return .union(branch: 0, value: try value(json, as: first, isDefault: true, depth: depth + 1))
            }
            if json == .null, let i = branches.firstIndex(where: { types[$0].kind == .primitive(.null) }) {
                return .union(branch: i, value: .null)
            }
            guard let members = json.objectMembers, members.count == 1 else {
                throw AvroDataError("\(json.compactText) is not a union value: give null or {\"<branch>\": value} "
                    + "with a branch of \(branches.map { types[$0].unionBranchKey })")
            }
            let key = members[0].0
            var matches = branches.indices.filter { types[branches[$0]].unionBranchKey == key }
            if matches.isEmpty {
                matches = branches.indices.filter { types[branches[$0]].name?.name == key }
            }
            guard matches.count == 1 else {
                throw AvroDataError("\(json.compactText): \"\(key)\" names no single branch of union \(branches.map { types[$0].unionBranchKey })")
            }
            let i = matches[0]
            return .union(branch: i, value: try value(members[0].1, as: branches[i], isDefault: false, depth: depth + 1))
        }
    }

    private static func nonFinite(_ d: Double) -> String {
        d.isNaN ? "NaN" : (d < 0 ? "-Infinity" : "Infinity")
    }

    private static func double(_ json: JSONValue) -> Double? {
        if let d = json.doubleValue { return d }
        switch json.stringValue {
        case "NaN": return .nan
        case "Infinity": return .infinity
        case "-Infinity": return -.infinity
        default: return nil
        }
    }

    /// Bytes as the string whose code points are the byte values.
    private static func codePoints(_ bytes: [UInt8]) -> String {
        var s = String.UnicodeScalarView()
        for byte in bytes {
            s.append(Unicode.Scalar(byte))
        }
        return String(s)
    }

    /// The bytes a string of code points 0-255 stands for; nil when a code point is larger.
    private static func bytes(_ s: String) -> [UInt8]? {
        var out: [UInt8] = []
        for scalar in s.unicodeScalars {
            guard scalar.value <= 0xFF else { return nil }
            out.append(UInt8(scalar.value))
        }
        return out
    }
}
