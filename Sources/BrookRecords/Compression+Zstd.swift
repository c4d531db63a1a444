import CZstd
import NIOCore

// zstd: one-shot compression, streaming decompression (ZSTD_decompressStream) so output is capped.
enum Zstd {
    static func compress(
        _ input: UnsafeRawBufferPointer, level: Int32, allocator: ByteBufferAllocator
    ) throws(CompressionError) -> ByteBuffer {
        let bound = ZSTD_compressBound(input.count)
        guard ZSTD_isError(bound) == 0 else { throw .libraryError("zstd: input too large") }
        var out = allocator.buffer(capacity: bound)
        var code = 0
        out.writeWithUnsafeMutableBytes(minimumWritableBytes: bound) { window in
            code = ZSTD_compress(window.baseAddress, window.count, input.baseAddress, input.count, level)
            return ZSTD_isError(code) == 0 ? code : 0
        }
        guard ZSTD_isError(code) == 0 else { throw .libraryError("zstd: \(String(cString: ZSTD_getErrorName(code)))") }
        return out
    }

    static func decompress(
        _ input: UnsafeRawBufferPointer, maxOutput: Int, allocator: ByteBufferAllocator
    ) throws(CompressionError) -> ByteBuffer {
        guard let ctx = ZSTD_createDCtx() else { throw .libraryError("zstd: cannot create context") }
        defer { ZSTD_freeDCtx(ctx) }
        // The frame header may declare the content size; use it to size the buffer, within the cap.
        var initial = input.count * 4
        let declared = ZSTD_getFrameContentSize(input.baseAddress, input.count)
        if declared < ZSTD_CONTENTSIZE_ERROR {  // neither ERROR nor UNKNOWN (both are at the top of the range)
            if declared > UInt64(maxOutput) { throw .outputTooLarge(limit: maxOutput) }
            initial = Int(declared)
        }
        var inBuffer = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: 0)
        var output = CappedOutput(limit: maxOutput, initialCapacity: initial, allocator: allocator)
        return try output.run { window throws(CompressionError) in
            let inBefore = inBuffer.pos
            var outBuffer = ZSTD_outBuffer(dst: window.baseAddress, size: window.count, pos: 0)
            let hint = ZSTD_decompressStream(ctx, &outBuffer, &inBuffer)
            if ZSTD_isError(hint) != 0 { throw .corrupt("zstd: \(String(cString: ZSTD_getErrorName(hint)))") }
            let written = outBuffer.pos
            if hint == 0 && inBuffer.pos == inBuffer.size { return (written, .finished) }
            let progressed = written > 0 || inBuffer.pos != inBefore
            return (written, progressed ? .progressing : .stalled)
        }
    }
}
