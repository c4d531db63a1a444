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
}
