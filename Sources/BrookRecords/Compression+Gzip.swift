import CZlib
import NIOCore

// gzip through zlib: deflate with windowBits 15+16 (gzip wrapper), inflate with 15+32 (gzip or
// zlib header, detected). Constants from zlib.h.
enum Gzip {
    static func compress(
        _ input: UnsafeRawBufferPointer, level: Int32?, allocator: ByteBufferAllocator
    ) throws(CompressionError) -> ByteBuffer {
        guard input.count <= Int(UInt32.max) else { throw .libraryError("gzip input too large") }
        var stream = z_stream()
        let initResult = deflateInit2_(
            &stream, level ?? Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, zlibVersion(),
            Int32(MemoryLayout<z_stream>.size))
        guard initResult == Z_OK else { throw .libraryError("deflateInit2 failed: \(initResult)") }
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, UInt(input.count)))
        var out = allocator.buffer(capacity: bound)
        var status: Int32 = Z_OK
        out.writeWithUnsafeMutableBytes(minimumWritableBytes: bound) { window in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress!.assumingMemoryBound(to: Bytef.self))
            stream.avail_in = uInt(input.count)
            stream.next_out = window.baseAddress!.assumingMemoryBound(to: Bytef.self)
            stream.avail_out = uInt(min(window.count, Int(UInt32.max)))
            status = deflate(&stream, Z_FINISH)
            return Int(stream.total_out)
        }
        guard status == Z_STREAM_END else { throw .libraryError("deflate failed: \(status)") }
        return out
    }
}
