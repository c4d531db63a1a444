import NIOCore

/// Walks the records section of a v2 batch (after the 61-byte header, decompressed).
enum RecordSectionReader {
    /// Smallest possible record: length, attributes, timestampDelta, offsetDelta, key, value,
    /// headerCount, one byte each.
    static let minimumRecordSize = 7

    /// Checks the framing of `count` records without materialising them: each record's varints,
    /// lengths, that its body is consumed exactly, that offsetDelta == index, and that nothing
    /// trails the last record. Returns nil when valid, else the reason.
    static func checkFraming(_ bytes: UnsafeRawBufferPointer, count: Int) -> String? {
        var c = RawCursor(bytes)
        var index: Int32 = 0
        while Int(index) < count {
            guard let length = c.readVarint() else { return "record \(index): bad length varint" }
            guard length >= 0, Int(length) <= c.remaining else {
                return "record \(index): length \(length) exceeds the \(c.remaining) bytes left"
            }
            let end = c.position + Int(length)
            var r = RawCursor(UnsafeRawBufferPointer(rebasing: bytes[..<end]), position: c.position)
            if let reason = checkBody(&r, index: index) { return reason }
            guard r.position == end else { return "record \(index): \(end - r.position) unread bytes in body" }
            c.position = end
            index += 1
        }
        guard c.remaining == 0 else { return "\(c.remaining) bytes after the last record" }
        return nil
    }

    private static func checkBody(_ r: inout RawCursor, index: Int32) -> String? {
        guard r.readUInt8() != nil else { return "record \(index): missing attributes" }
        guard r.readVarlong() != nil else { return "record \(index): bad timestampDelta" }
        guard let offsetDelta = r.readVarint() else { return "record \(index): bad offsetDelta" }
        guard offsetDelta == index else { return "record \(index): offsetDelta \(offsetDelta)" }
        guard skipNullable(&r) else { return "record \(index): bad key" }
        guard skipNullable(&r) else { return "record \(index): bad value" }
        guard let headerCount = r.readVarint(), headerCount >= 0 else { return "record \(index): bad header count" }
        var h: Int32 = 0
        while h < headerCount {
            guard let keyLength = r.readVarint(), keyLength >= 0, r.skip(Int(keyLength)) else {
                return "record \(index): bad header key"
            }
            guard skipNullable(&r) else { return "record \(index): bad header value" }
            h += 1
        }
        return nil
    }

    @inline(__always)
    private static func skipNullable(_ r: inout RawCursor) -> Bool {
        guard let length = r.readVarint(), length >= -1 else { return false }
        return length == -1 || r.skip(Int(length))
    }

    /// Decodes `count` records from `section` (its readable bytes). Keys, values and header values
    /// are slices of `section` (no copy).
    static func decode(_ section: ByteBuffer, count: Int) -> Result<[Record], RecordValidationError> {
        var records: [Record] = []
        records.reserveCapacity(min(count, section.readableBytes / minimumRecordSize))
        var position = 0
        for i in 0..<count {
            switch readRecord(section, at: &position, index: i) {
            case .success(let record): records.append(record)
            case .failure(let error): return .failure(error)
            }
        }
        let trailing = section.readableBytes - position
        guard trailing == 0 else { return .failure(.invalidRecord("\(trailing) bytes after the last record")) }
        return .success(records)
    }

    /// Decodes the record number `index` that starts `position` bytes into the readable bytes of
    /// `section`, and moves `position` past it.
    static func readRecord(_ section: ByteBuffer, at position: inout Int, index i: Int) -> Result<Record, RecordValidationError> {
        let base = section.readerIndex
        let start = position
        return section.withUnsafeReadableBytes { bytes in
            var c = RawCursor(bytes, position: start)
            func fail(_ what: String) -> Result<Record, RecordValidationError> {
                .failure(.invalidRecord("record \(i): \(what)"))
            }
            func nullable(_ r: inout RawCursor) -> ByteBuffer?? {
                guard let length = r.readVarint(), length >= -1 else { return .none }
                if length == -1 { return .some(nil) }
                let start = r.position
                guard r.skip(Int(length)) else { return .none }
                return .some(section.getSlice(at: base + start, length: Int(length)))
            }
            guard let length = c.readVarint(), length >= 0, Int(length) <= c.remaining else {
                return fail("bad length")
            }
            let end = c.position + Int(length)
            var r = RawCursor(UnsafeRawBufferPointer(rebasing: bytes[..<end]), position: c.position)
            guard let attributes = r.readUInt8() else { return fail("missing attributes") }
            guard let timestampDelta = r.readVarlong() else { return fail("bad timestampDelta") }
            guard let offsetDelta = r.readVarint() else { return fail("bad offsetDelta") }
            guard let key = nullable(&r) else { return fail("bad key") }
            guard let value = nullable(&r) else { return fail("bad value") }
            guard let headerCount = r.readVarint(), headerCount >= 0, Int(headerCount) <= r.remaining / 2 else {
                return fail("bad header count")
            }
            var headers: [RecordHeader] = []
            headers.reserveCapacity(Int(headerCount))
            for _ in 0..<Int(headerCount) {
                guard let keyLength = r.readVarint(), keyLength >= 0 else { return fail("bad header key") }
                let keyStart = r.position
                guard r.skip(Int(keyLength)) else { return fail("bad header key") }
                let name = String(
                    decoding: UnsafeRawBufferPointer(rebasing: bytes[keyStart..<r.position]), as: UTF8.self)
                guard let headerValue = nullable(&r) else { return fail("bad header value") }
                headers.append(RecordHeader(key: name, value: headerValue))
            }
            guard r.position == end else { return fail("\(end - r.position) unread bytes in body") }
            position = end
            return .success(
                Record(
                    offsetDelta: offsetDelta, timestampDelta: timestampDelta, key: key, value: value,
                    headers: headers, attributes: Int8(bitPattern: attributes)))
        }
    }
}
