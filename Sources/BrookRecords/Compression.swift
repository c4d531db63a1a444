import NIOCore

/// Compression codecs of Kafka record batches: gzip, snappy (raw and xerial-framed), lz4 (frame
/// format) and zstd, through the system C libraries.
///
/// Decompression never produces more than `maxOutput` bytes and grows its output buffer in steps,
/// so a small malicious input cannot make it allocate much more than the cap; going past the cap
/// throws `CompressionError.outputTooLarge`. Bad input throws, never traps.
public enum Compression {
    /// Default zstd level (the library's default, 3).
    public static let defaultZstdLevel: Int32 = 3

    /// Compresses the readable bytes of `data` with `codec` (`.none` returns `data` unchanged).
    /// `level` is codec-specific; nil picks the library default. Snappy output is raw snappy.
    public static func compress(
        _ data: ByteBuffer, codec: CompressionCodec, level: Int32? = nil,
        allocator: ByteBufferAllocator = ByteBufferAllocator()
    ) throws(CompressionError) -> ByteBuffer {
        if codec == .none { return data }
        let result: Result<ByteBuffer, CompressionError> = data.withUnsafeReadableBytes { raw in
            withNonNilBase(raw) { input in
                Result { () throws(CompressionError) -> ByteBuffer in
                    switch codec {
                    case .none: return data
                    case .gzip: return try Gzip.compress(input, level: level, allocator: allocator)
                    case .snappy: return try Snappy.compress(input, allocator: allocator)
                    case .lz4: return try LZ4.compress(input, level: level, allocator: allocator)
                    case .zstd: return try Zstd.compress(input, level: level ?? defaultZstdLevel, allocator: allocator)
                    }
                }
            }
        }
        return try result.get()
    }

    /// Decompresses the readable bytes of `data` compressed with `codec`, producing at most
    /// `maxOutput` bytes. Snappy input may be raw or xerial-framed (detected by its magic);
    /// gzip, lz4 and zstd input may hold several concatenated members/frames.
    public static func decompress(
        _ data: ByteBuffer, codec: CompressionCodec, maxOutput: Int,
        allocator: ByteBufferAllocator = ByteBufferAllocator()
    ) throws(CompressionError) -> ByteBuffer {
        if codec == .none {
            guard data.readableBytes <= maxOutput else { throw .outputTooLarge(limit: maxOutput) }
            return data
        }
        guard data.readableBytes > 0 else { throw .truncated }
        let limit = max(0, maxOutput)
        if let decoder = try makeStreamingDecoder(codec, input: data) {
            var initial = data.readableBytes * 4
            if let declared = (decoder as? ZstdDecoder)?.declaredSize {
                if declared > UInt64(limit) { throw .outputTooLarge(limit: limit) }
                initial = Int(declared)
            }
            var output = CappedOutput(limit: limit, initialCapacity: initial, allocator: allocator)
            return try output.run { window throws(CompressionError) in try decoder.step(window) }
        }
        let result: Result<ByteBuffer, CompressionError> = data.withUnsafeReadableBytes { raw in
            withNonNilBase(raw) { input in
                Result { () throws(CompressionError) -> ByteBuffer in
                    try Snappy.decompress(input, maxOutput: limit, allocator: allocator)
                }
            }
        }
        return try result.get()
    }

    /// Calls `body` with `raw`, or with a valid zero-length buffer when `raw` has no base address,
    /// so C functions never see a null pointer.
    static func withNonNilBase<R>(_ raw: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        if raw.baseAddress != nil { return body(raw) }
        var dummy: UInt8 = 0
        return withUnsafeBytes(of: &dummy) { body(UnsafeRawBufferPointer(rebasing: $0[0..<0])) }
    }
}
