import CZstd
import NIOCore

// zstd: one-shot compression; decompression is streaming (`ZstdDecoder`), so output is capped.
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
}
