/// The desired-state topic's encoding (compacted, one record per tracked key plus a pass marker).
///
/// Keys are text so `kcat` shows them: `k:<record key>` for a tracked key, `pass` for the marker.
/// Values are binary and versioned (first byte 1):
/// - tracked key: `01 flags varint(len) source-utf8 varint(n) n×16-byte fingerprints`, flags bit 0
///   = pending, bit 1 = may be missing; about 20 bytes plus the source per key;
/// - marker: `01 completed(0|1) varint(pass number) varint(actions)`.
/// Varints are unsigned LEB128. A tombstone on `k:` forgets the key. Unknown key prefixes decode
/// as `.unknown`; an unknown version, unknown flag bits or a malformed value is an error (a newer or
/// damaged state must stop the connector, not trigger a silent re-emit or a missed delete).
public enum DesiredStateCodec {
    public static let keyPrefix: [UInt8] = Array("k:".utf8)
    public static let passKey: [UInt8] = Array("pass".utf8)
    public static let version: UInt8 = 1
    private static let pendingFlag: UInt8 = 1
    private static let mayBeMissingFlag: UInt8 = 2

    public static func record(for update: TrackingUpdate) -> DesiredStateRecord {
        let key = keyPrefix + Array(update.key.utf8)
        guard let state = update.state else { return DesiredStateRecord(key: key, value: nil) }
        var value: [UInt8] = [version, (update.pending ? pendingFlag : 0) | (state.mayBeMissing ? mayBeMissingFlag : 0)]
        let source = Array(state.source.utf8)
        writeVarint(UInt64(source.count), to: &value)
        value += source
        writeVarint(UInt64(state.possibleValues.count), to: &value)
        for fingerprint in state.possibleValues { value += fingerprint.bytes }
        return DesiredStateRecord(key: key, value: value)
    }

    public static func record(for marker: PassMarker) -> DesiredStateRecord {
        var value: [UInt8] = [version, marker.completed ? 1 : 0]
        writeVarint(marker.number, to: &value)
        writeVarint(marker.actions, to: &value)
        return DesiredStateRecord(key: passKey, value: value)
    }

    public static func decode(_ record: DesiredStateRecord) throws(DesiredStateError) -> DesiredStateEntry {
        if record.key == passKey {
            guard let value = record.value else { return .unknown }
            return .pass(try decodeMarker(value))
        }
        guard record.key.starts(with: keyPrefix) else { return .unknown }
        guard let key = String(validating: record.key.dropFirst(keyPrefix.count), as: UTF8.self) else {
            throw .corruptStateRecord(key: String(decoding: record.key, as: UTF8.self), reason: "the key is not UTF-8")
        }
        guard let value = record.value else { return .forgotten(key: key) }
        do throws(ByteReader.Failure) {
            var reader = ByteReader(value)
            try reader.expectVersion()
            let flags = try reader.byte()
            guard flags & ~(pendingFlag | mayBeMissingFlag) == 0 else { throw ByteReader.Failure("unknown flags \(flags)") }
            let sourceBytes = try reader.bytes(count: try reader.varint())
            guard let source = String(validating: sourceBytes, as: UTF8.self) else { throw ByteReader.Failure("the source is not UTF-8") }
            let count = try reader.varint()
            guard count <= UInt64(reader.remaining / 16) else { throw ByteReader.Failure("\(count) fingerprints do not fit") }
            var fingerprints: [ValueFingerprint] = []
            for _ in 0..<count { fingerprints.append(ValueFingerprint(digest: try reader.bytes(count: 16))) }
            try reader.expectEnd()
            let state = TrackedKey(possibleValues: fingerprints, mayBeMissing: flags & mayBeMissingFlag != 0, source: source)
            return .tracked(key: key, state: state, pending: flags & pendingFlag != 0)
        } catch {
            throw .corruptStateRecord(key: String(decoding: record.key, as: UTF8.self), reason: error.reason)
        }
    }

    private static func decodeMarker(_ value: [UInt8]) throws(DesiredStateError) -> PassMarker {
        do throws(ByteReader.Failure) {
            var reader = ByteReader(value)
            try reader.expectVersion()
            let completed = try reader.byte()
            guard completed <= 1 else { throw ByteReader.Failure("unknown pass phase \(completed)") }
            let marker = PassMarker(number: try reader.varint(), completed: completed == 1, actions: try reader.varint())
            try reader.expectEnd()
            return marker
        } catch {
            throw .corruptStateRecord(key: "pass", reason: error.reason)
        }
    }

    static func writeVarint(_ value: UInt64, to out: inout [UInt8]) {
        var rest = value
        while rest >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        out.append(UInt8(rest))
    }
}

/// Bounds-checked reading of a state value.
private struct ByteReader {
    struct Failure: Error {
        var reason: String
        init(_ reason: String) { self.reason = reason }
    }

    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var remaining: Int { bytes.count - offset }

    mutating func byte() throws(Failure) -> UInt8 {
        guard offset < bytes.count else { throw Failure("the value ends early") }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func bytes(count: UInt64) throws(Failure) -> ArraySlice<UInt8> {
        guard count <= UInt64(remaining) else { throw Failure("the value ends early") }
        defer { offset += Int(count) }
        return bytes[offset..<offset + Int(count)]
    }

    mutating func varint() throws(Failure) -> UInt64 {
        var result: UInt64 = 0
        for shift in stride(from: UInt64(0), to: 64, by: 7) {
            let b = try byte()
            if shift == 63 && b > 1 { throw Failure("a varint overflows 64 bits") }
            result |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { return result }
        }
        throw Failure("a varint overflows 64 bits")
    }

    mutating func expectVersion() throws(Failure) {
        let version = try byte()
        guard version == DesiredStateCodec.version else { throw Failure("unknown format version \(version)") }
    }

    func expectEnd() throws(Failure) {
        guard offset == bytes.count else { throw Failure("\(remaining) unexpected trailing bytes") }
    }
}
