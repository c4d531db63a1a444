import CSnappy
import NIOCore

// Snappy. librdkafka sends raw snappy; the Java client wraps it in the xerial snappy-java stream
// format: an 8-byte magic (0x82 'S' 'N' 'A' 'P' 'P' 'Y' 0x00), int32 version, int32 compatible
// version, then chunks of [int32 big-endian compressed length, raw snappy block].
enum Snappy {
    static let xerialMagic: [UInt8] = [0x82, 0x53, 0x4E, 0x41, 0x50, 0x50, 0x59, 0x00]
    static let xerialHeaderSize = 16

    static func compress(
        _ input: UnsafeRawBufferPointer, allocator: ByteBufferAllocator
    ) throws(CompressionError) -> ByteBuffer {
        let bound = snappy_max_compressed_length(input.count)
        var out = allocator.buffer(capacity: bound)
        var status = SNAPPY_OK
        out.writeWithUnsafeMutableBytes(minimumWritableBytes: bound) { window in
            var length = window.count
            status = snappy_compress(
                input.baseAddress!.assumingMemoryBound(to: CChar.self), input.count,
                window.baseAddress!.assumingMemoryBound(to: CChar.self), &length)
            return status == SNAPPY_OK ? length : 0
        }
        guard status == SNAPPY_OK else { throw .libraryError("snappy: compress failed") }
        return out
    }

    static func isXerial(_ input: UnsafeRawBufferPointer) -> Bool {
        input.count >= xerialHeaderSize && xerialMagic.withUnsafeBytes { $0.elementsEqual(input[0..<8]) }
    }

    static func decompress(
        _ input: UnsafeRawBufferPointer, maxOutput: Int, allocator: ByteBufferAllocator
    ) throws(CompressionError) -> ByteBuffer {
        if isXerial(input) { return try decompressXerial(input, maxOutput: maxOutput, allocator: allocator) }
        var out = allocator.buffer(capacity: 0)
        try appendBlock(input, to: &out, maxOutput: maxOutput)
        return out
    }

    private static func decompressXerial(
        _ input: UnsafeRawBufferPointer, maxOutput: Int, allocator: ByteBufferAllocator
    ) throws(CompressionError) -> ByteBuffer {
        var out = allocator.buffer(capacity: 0)
        var position = xerialHeaderSize
        while position < input.count {
            guard input.count - position >= 4 else { throw .truncated }
            let length = Int(UInt32(bigEndian: input.loadUnaligned(fromByteOffset: position, as: UInt32.self)))
            position += 4
            guard length <= input.count - position else { throw .truncated }
            try appendBlock(UnsafeRawBufferPointer(rebasing: input[position..<(position + length)]), to: &out, maxOutput: maxOutput)
            position += length
        }
        return out
    }

    /// Decompresses one raw snappy block onto the end of `out`. The block's header declares its
    /// uncompressed length, which is checked against the cap before any allocation.
    private static func appendBlock(
        _ block: UnsafeRawBufferPointer, to out: inout ByteBuffer, maxOutput: Int
    ) throws(CompressionError) {
        guard let base = block.baseAddress?.assumingMemoryBound(to: CChar.self), block.count > 0 else {
            throw .truncated
        }
        var length = 0
        guard snappy_uncompressed_length(base, block.count, &length) == SNAPPY_OK else {
            throw .corrupt("snappy: bad length header")
        }
        guard length <= maxOutput - out.readableBytes else { throw .outputTooLarge(limit: maxOutput) }
        if length == 0 {
            guard snappy_validate_compressed_buffer(base, block.count) == SNAPPY_OK else { throw .corrupt("snappy: bad block") }
            return
        }
        var status = SNAPPY_OK
        out.writeWithUnsafeMutableBytes(minimumWritableBytes: length) { window in
            var written = window.count
            status = snappy_uncompress(base, block.count, window.baseAddress!.assumingMemoryBound(to: CChar.self), &written)
            return status == SNAPPY_OK ? written : 0
        }
        guard status == SNAPPY_OK else { throw .corrupt("snappy: bad block") }
    }
}
