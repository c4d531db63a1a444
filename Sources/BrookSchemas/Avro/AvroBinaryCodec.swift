extension AvroSchema {
    /// Decodes one datum in Avro's binary encoding (the payload after Confluent's 5-byte prefix);
    /// every byte must be used. Hostile input fails with an error: lengths are checked against the
    /// bytes left, item counts against a budget, and nesting against a depth limit.
    public func decode(_ bytes: [UInt8]) throws(AvroDataError) -> AvroValue {
        var reader = AvroBinaryReader(types: types, bytes: bytes)
        let value = try reader.read(root, depth: 0)
        guard reader.offset == bytes.count else {
            throw AvroDataError("\(bytes.count - reader.offset) bytes left over after the datum")
        }
        return value
    }

    /// Encodes `value` in Avro's binary encoding; fails when it does not fit the schema.
    public func encode(_ value: AvroValue) throws(AvroDataError) -> [UInt8] {
        var out: [UInt8] = []
        try AvroBinaryWriter(types: types).write(value, as: root, to: &out)
        return out
    }
}

struct AvroBinaryReader {
    /// Recursive schemas can nest a datum one byte per level; this keeps the stack safe.
    static let maximumDepth = 256

    let types: [AvroType]
    let bytes: [UInt8]
    private(set) var offset = 0
    /// Values still allowed; zero-width items (nulls, empty records) cost nothing in bytes, so
    /// without it a short input could claim billions of them.
    private var budget: Int

    init(types: [AvroType], bytes: [UInt8]) {
        self.types = types
        self.bytes = bytes
        self.budget = bytes.count * 8 + 4096
    }

    mutating func read(_ index: Int, depth: Int) throws(AvroDataError) -> AvroValue {
        guard depth < Self.maximumDepth else { throw AvroDataError("datum nested deeper than \(Self.maximumDepth) levels") }
        budget -= 1
        guard budget >= 0 else { throw AvroDataError("datum has more values than its \(bytes.count) bytes can hold") }
        switch types[index].kind {
        case let .primitive(primitive):
            switch primitive {
            case .null: return .null
            case .boolean:
                let byte = try readByte()
                guard byte <= 1 else { throw AvroDataError("invalid boolean byte \(byte) at offset \(offset - 1)") }
                return .boolean(byte == 1)
            case .int:
                let v = try readLong()
                guard let i = Int32(exactly: v) else { throw AvroDataError("int out of range at offset \(offset)") }
                return .int(i)
            case .long: return .long(try readLong())
            case .float: return .float(Float(bitPattern: UInt32(truncatingIfNeeded: try readLittleEndian(4))))
            case .double: return .double(Double(bitPattern: try readLittleEndian(8)))
            case .bytes: return .bytes(try readSized())
            case .string:
                let raw = try readSized()
                guard let s = String(validating: raw, as: UTF8.self) else { throw AvroDataError("string is not valid UTF-8 at offset \(offset - raw.count)") }
                return .string(s)
            }
        case let .fixed(f):
            return .fixed(try readCount(f.size))
        case let .enumeration(e):
            let i = try readLong()
            guard i >= 0, i < e.symbols.count else { throw AvroDataError("enum index \(i) out of range for \(e.name.fullName)") }
            return .enumeration(Int(i))
        case let .union(branches):
            let i = try readLong()
            guard i >= 0, i < branches.count else { throw AvroDataError("union branch \(i) out of range (\(branches.count) branches)") }
            return .union(branch: Int(i), value: try read(branches[Int(i)], depth: depth + 1))
        case let .record(r):
            var values: [AvroValue] = []
            values.reserveCapacity(r.fields.count)
            for field in r.fields {
                values.append(try read(field.type, depth: depth + 1))
            }
            return .record(values)
        case let .array(items):
            var values: [AvroValue] = []
            try readBlocks { (reader: inout AvroBinaryReader) throws(AvroDataError) in
                values.append(try reader.read(items, depth: depth + 1))
            }
            return .array(values)
        case let .map(valueType):
            var entries: [AvroMapEntry] = []
            try readBlocks { (reader: inout AvroBinaryReader) throws(AvroDataError) in
                let raw = try reader.readSized()
                guard let key = String(validating: raw, as: UTF8.self) else { throw AvroDataError("map key is not valid UTF-8") }
                entries.append(AvroMapEntry(key: key, value: try reader.read(valueType, depth: depth + 1)))
            }
            return .map(entries)
        }
    }

    /// Arrays and maps: blocks of `count` items (a negative count is followed by the block's byte
    /// size), ended by a zero count.
    private mutating func readBlocks(_ item: (inout AvroBinaryReader) throws(AvroDataError) -> Void) throws(AvroDataError) {
        while true {
            var count = try readLong()
            if count == 0 { return }
            if count < 0 {
                guard count != Int64.min else { throw AvroDataError("invalid block count") }
                count = -count
                let size = try readLong()
                guard size >= 0, size <= bytes.count - offset else { throw AvroDataError("invalid block size \(size) at offset \(offset)") }
            }
            guard count <= budget else { throw AvroDataError("block of \(count) items is more than the datum can hold") }
            for _ in 0..<count {
                try item(&self)
            }
        }
    }

    private mutating func readByte() throws(AvroDataError) -> UInt8 {
        guard offset < bytes.count else { throw AvroDataError("datum ends early at offset \(offset)") }
        defer { offset += 1 }
        return bytes[offset]
    }

    /// A zigzag varint of at most 10 bytes (ints use the same encoding and are range-checked).
    mutating func readLong() throws(AvroDataError) -> Int64 {
        var raw: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = try readByte()
            guard shift < 64, shift < 63 || byte & 0x7E == 0 else { throw AvroDataError("varint too long at offset \(offset - 1)") }
            raw |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { break }
            shift += 7
        }
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    private mutating func readLittleEndian(_ count: Int) throws(AvroDataError) -> UInt64 {
        let raw = try readCount(count)
        var value: UInt64 = 0
        for (i, byte) in raw.enumerated() {
            value |= UInt64(byte) << (8 * UInt64(i))
        }
        return value
    }

    private mutating func readSized() throws(AvroDataError) -> [UInt8] {
        let length = try readLong()
        guard length >= 0 else { throw AvroDataError("negative length \(length) at offset \(offset)") }
        guard length <= bytes.count - offset else { throw AvroDataError("length \(length) runs past the end of the datum") }
        return try readCount(Int(length))
    }

    private mutating func readCount(_ count: Int) throws(AvroDataError) -> [UInt8] {
        guard count <= bytes.count - offset else { throw AvroDataError("datum ends early: \(count) bytes needed at offset \(offset)") }
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }
}

struct AvroBinaryWriter {
    let types: [AvroType]

    func write(_ value: AvroValue, as index: Int, to out: inout [UInt8]) throws(AvroDataError) {
        switch (types[index].kind, value) {
        case (.primitive(.null), .null): return
        case let (.primitive(.boolean), .boolean(b)): out.append(b ? 1 : 0)
        case let (.primitive(.int), .int(i)): Self.writeLong(Int64(i), to: &out)
        case let (.primitive(.long), .long(l)): Self.writeLong(l, to: &out)
        case let (.primitive(.float), .float(f)): Self.writeLittleEndian(UInt64(f.bitPattern), count: 4, to: &out)
        case let (.primitive(.double), .double(d)): Self.writeLittleEndian(d.bitPattern, count: 8, to: &out)
        case let (.primitive(.bytes), .bytes(b)):
            Self.writeLong(Int64(b.count), to: &out)
            out += b
        case let (.primitive(.string), .string(s)):
            Self.writeLong(Int64(s.utf8.count), to: &out)
            out += s.utf8
        case let (.fixed(f), .fixed(b)):
            guard b.count == f.size else { throw AvroDataError("fixed \(f.name.fullName) needs \(f.size) bytes, got \(b.count)") }
            out += b
        case let (.enumeration(e), .enumeration(i)):
            guard i >= 0, i < e.symbols.count else { throw AvroDataError("enum index \(i) out of range for \(e.name.fullName)") }
            Self.writeLong(Int64(i), to: &out)
        case let (.union(branches), .union(branch, inner)):
            guard branch >= 0, branch < branches.count else { throw AvroDataError("union branch \(branch) out of range") }
            Self.writeLong(Int64(branch), to: &out)
            try write(inner, as: branches[branch], to: &out)
        case let (.record(r), .record(values)):
            guard values.count == r.fields.count else {
                throw AvroDataError("record \(r.name.fullName) has \(r.fields.count) fields, got \(values.count) values")
            }
            for (field, v) in zip(r.fields, values) {
                try write(v, as: field.type, to: &out)
            }
        case let (.array(items), .array(values)):
            if !values.isEmpty {
                Self.writeLong(Int64(values.count), to: &out)
                for v in values {
                    try write(v, as: items, to: &out)
                }
            }
            out.append(0)
        case let (.map(valueType), .map(entries)):
            if !entries.isEmpty {
                Self.writeLong(Int64(entries.count), to: &out)
                for entry in entries {
                    Self.writeLong(Int64(entry.key.utf8.count), to: &out)
                    out += entry.key.utf8
                    try write(entry.value, as: valueType, to: &out)
                }
            }
            out.append(0)
        default:
            throw AvroDataError("value \(value) does not fit type \(types[index].unionBranchKey)")
        }
    }

    static func writeLong(_ value: Int64, to out: inout [UInt8]) {
        var raw = UInt64(bitPattern: (value << 1) ^ (value >> 63))
        while raw >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: raw) | 0x80)
            raw >>= 7
        }
        out.append(UInt8(raw))
    }

    private static func writeLittleEndian(_ value: UInt64, count: Int, to out: inout [UInt8]) {
        for i in 0..<count {
            out.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(i))))
        }
    }
}
