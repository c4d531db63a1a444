import CLZ4
import NIOCore

// LZ4 frame format (lz4frame.h), which Kafka uses for magic 2 batches. Compression matches what
// the Java client writes: 64 KB independent blocks, no content size, no checksums.
enum LZ4 {
    static func compress(
        _ input: UnsafeRawBufferPointer, level: Int32?, allocator: ByteBufferAllocator
    ) throws(CompressionError) -> ByteBuffer {
        var prefs = LZ4F_preferences_t()
        prefs.frameInfo.blockSizeID = LZ4F_max64KB
        prefs.frameInfo.blockMode = LZ4F_blockIndependent
        prefs.compressionLevel = level ?? 0
        let bound = LZ4F_compressFrameBound(input.count, &prefs)
        var out = allocator.buffer(capacity: bound)
        var code = 0
        out.writeWithUnsafeMutableBytes(minimumWritableBytes: bound) { window in
            code = LZ4F_compressFrame(window.baseAddress, window.count, input.baseAddress, input.count, &prefs)
            return LZ4F_isError(code) == 0 ? code : 0
        }
        guard LZ4F_isError(code) == 0 else { throw .libraryError("lz4: \(String(cString: LZ4F_getErrorName(code)))") }
        return out
    }

    static func decompress(
        _ input: UnsafeRawBufferPointer, maxOutput: Int, allocator: ByteBufferAllocator
    ) throws(CompressionError) -> ByteBuffer {
        var ctx: OpaquePointer?
        let created = LZ4F_createDecompressionContext(&ctx, UInt32(LZ4F_VERSION))
        guard LZ4F_isError(created) == 0, let ctx else { throw .libraryError("lz4: cannot create context") }
        defer { LZ4F_freeDecompressionContext(ctx) }
        var position = 0
        var output = CappedOutput(limit: maxOutput, initialCapacity: input.count * 4, allocator: allocator)
        return try output.run { window throws(CompressionError) in
            var srcSize = input.count - position
            var dstSize = window.count
            let hint = LZ4F_decompress(ctx, window.baseAddress, &dstSize, input.baseAddress! + position, &srcSize, nil)
            if LZ4F_isError(hint) != 0 { throw .corrupt("lz4: \(String(cString: LZ4F_getErrorName(hint)))") }
            position += srcSize
            if hint == 0 && position == input.count { return (dstSize, .finished) }
            return (dstSize, dstSize > 0 || srcSize > 0 ? .progressing : .stalled)
        }
    }
}
