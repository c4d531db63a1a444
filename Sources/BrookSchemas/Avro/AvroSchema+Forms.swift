extension AvroSchema {
    /// Confluent's `normalize=true` form (its `AvroSchemaUtils.toNormalizedString`, re-read and
    /// written like `canonicalString`): custom attributes sorted by name after the logical-type ones
    /// (`logicalType`, `precision`, a non-zero `scale`), aliases sorted by full name without
    /// duplicates, empty docs of named types dropped. Field order, union order and symbols stay.
    public func normalized() -> String {
        let normalizedTypes = types.map(Self.normalize)
        return AvroJSONWriter.write(types: normalizedTypes, root: root, known: referencedNames)
    }

    private static func normalize(_ type: AvroType) -> AvroType {
        var type = type
        type.attributes = normalize(type.attributes, logicalType: type.logicalType)
        func aliases(_ names: [AvroName]) -> [AvroName] {
            var seen = Set<String>()
            return names.sorted().filter { seen.insert($0.fullName).inserted }
        }
        func doc(_ text: String?) -> String? { text?.isEmpty == true ? nil : text }
        switch type.kind {
        case var .record(record):
            record.doc = doc(record.doc)
            record.aliases = aliases(record.aliases)
            record.fields = record.fields.map { field in
                var field = field
                field.aliases = Array(Set(field.aliases)).sorted()
                field.attributes = normalize(field.attributes, logicalType: nil)
                return field
            }
            type.kind = .record(record)
        case var .enumeration(e):
            e.doc = doc(e.doc)
            e.aliases = aliases(e.aliases)
            type.kind = .enumeration(e)
        case var .fixed(f):
            f.doc = doc(f.doc)
            f.aliases = aliases(f.aliases)
            type.kind = .fixed(f)
        default:
            break
        }
        return type
    }

    private static func normalize(_ attributes: [AvroAttribute], logicalType: AvroLogicalType?) -> [AvroAttribute] {
        var leading: [String] = []
        if let logicalType {
            leading.append("logicalType")
            if case let .decimal(_, scale) = logicalType {
                leading.append("precision")
                if scale != 0 { leading.append("scale") }
            }
        }
        let first = leading.compactMap { key in attributes.first { $0.name == key } }
        let rest = attributes.filter { !leading.contains($0.name) }.sorted { $0.name < $1.name }
        return first + rest
    }

    /// The spec's Parsing Canonical Form: only the attributes that matter for reading data (type,
    /// name, fields, symbols, items, values, size) in that order, full names, primitives as plain
    /// strings, each named type written in full once; referenced types are expanded too.
    public var parsingCanonicalForm: String {
        var out = ""
        var written = Set<String>()
        writeParsingForm(root, to: &out, written: &written)
        return out
    }

    private func writeParsingForm(_ index: Int, to out: inout String, written: inout Set<String>) {
        let type = types[index]
        if let name = type.name {
            if !written.insert(name.fullName).inserted {
                JSONValue.writeString(name.fullName, to: &out)
                return
            }
            out += "{\"name\":"
            JSONValue.writeString(name.fullName, to: &out)
        }
        switch type.kind {
        case let .primitive(primitive):
            JSONValue.writeString(primitive.rawValue, to: &out)
        case let .array(items):
            out += "{\"type\":\"array\",\"items\":"
            writeParsingForm(items, to: &out, written: &written)
            out += "}"
        case let .map(values):
            out += "{\"type\":\"map\",\"values\":"
            writeParsingForm(values, to: &out, written: &written)
            out += "}"
        case let .union(branches):
            out += "["
            for (i, branch) in branches.enumerated() {
                if i > 0 { out += "," }
                writeParsingForm(branch, to: &out, written: &written)
            }
            out += "]"
        case let .record(record):
            // Protocol errors are records as far as data is concerned.
            out += ",\"type\":\"record\",\"fields\":["
            for (i, field) in record.fields.enumerated() {
                if i > 0 { out += "," }
                out += "{\"name\":"
                JSONValue.writeString(field.name, to: &out)
                out += ",\"type\":"
                writeParsingForm(field.type, to: &out, written: &written)
                out += "}"
            }
            out += "]}"
        case let .enumeration(e):
            out += ",\"type\":\"enum\",\"symbols\":["
            for (i, symbol) in e.symbols.enumerated() {
                if i > 0 { out += "," }
                JSONValue.writeString(symbol, to: &out)
            }
            out += "]}"
        case let .fixed(f):
            out += ",\"type\":\"fixed\",\"size\":\(f.size)}"
        }
    }

    /// The CRC-64-AVRO (Rabin) fingerprint of the Parsing Canonical Form, as the spec defines it;
    /// Java's `SchemaNormalization.parsingFingerprint64` returns the same bits as a signed long.
    public var parsingFingerprint64: Int64 {
        Int64(bitPattern: AvroRabinFingerprint.fingerprint(Array(parsingCanonicalForm.utf8)))
    }
}

/// CRC-64-AVRO, the Rabin fingerprint the Avro spec ("Schema Fingerprints") uses for schemas.
public enum AvroRabinFingerprint {
    /// The fingerprint of the empty input, and the polynomial the table is built from (spec).
    public static let empty: UInt64 = 0xC15D_213A_A4D7_A795

    private static let table: [UInt64] = (0..<256).map { byte in
        var fp = UInt64(byte)
        for _ in 0..<8 {
            fp = (fp >> 1) ^ (empty & (0 &- (fp & 1)))
        }
        return fp
    }

    public static func fingerprint(_ bytes: [UInt8]) -> UInt64 {
        var fp = empty
        for byte in bytes {
            fp = (fp >> 8) ^ table[Int((fp ^ UInt64(byte)) & 0xFF)]
        }
        return fp
    }
}
