import CLZ4
import CZlib
import CZstd
import NIOCore

/// A codec's streaming decompressor over one compressed input: each `step` writes what it can into
/// the window it is given and says whether the stream has ended. Owns the library context, so
/// output can be pulled a window at a time (`SectionWindow`) or to the end (`CappedOutput`).
/// Snappy has no streaming form and is decompressed whole.
protocol StreamingDecoder: AnyObject {
    func step(_ window: UnsafeMutableRawBufferPointer) throws(CompressionError) -> (Int, DecompressStep)
}

/// A decoder for `codec` (gzip, lz4 or zstd) over the readable bytes of `input`; nil for the others.
func makeStreamingDecoder(_ codec: CompressionCodec, input: ByteBuffer) throws(CompressionError) -> (any StreamingDecoder)? {
    switch codec {
    case .gzip: return try GzipDecoder(input)
    case .lz4: return try LZ4Decoder(input)
    case .zstd: return try ZstdDecoder(input)
    case .none, .snappy: return nil
    }
}

/// Runs `body` on the readable bytes of `input` from `offset` on (never a null base address).
private func withInput<R>(_ input: ByteBuffer, from offset: Int,
                          _ body: (UnsafeRawBufferPointer) -> R) -> R {
    input.withUnsafeReadableBytes { raw in
        Compression.withNonNilBase(UnsafeRawBufferPointer(rebasing: raw[min(offset, raw.count)...]), body)
    }
}

final class ZstdDecoder: StreamingDecoder {
    private let input: ByteBuffer
    private var position = 0
    private let context: OpaquePointer

    init(_ input: ByteBuffer) throws(CompressionError) {
        guard let context = ZSTD_createDCtx() else { throw .libraryError("zstd: cannot create context") }
        self.input = input
        self.context = context
    }

    deinit { ZSTD_freeDCtx(context) }

    /// The content size the first frame declares, if it does.
    var declaredSize: UInt64? {
        let declared = withInput(input, from: 0) { ZSTD_getFrameContentSize($0.baseAddress, $0.count) }
        return declared < ZSTD_CONTENTSIZE_ERROR ? declared : nil  // ERROR and UNKNOWN are at the top of the range
    }

    func step(_ window: UnsafeMutableRawBufferPointer) throws(CompressionError) -> (Int, DecompressStep) {
        let (hint, consumed, written) = withInput(input, from: position) { rest in
            var inBuffer = ZSTD_inBuffer(src: rest.baseAddress, size: rest.count, pos: 0)
            var outBuffer = ZSTD_outBuffer(dst: window.baseAddress, size: window.count, pos: 0)
            let hint = ZSTD_decompressStream(context, &outBuffer, &inBuffer)
            return (hint, inBuffer.pos, outBuffer.pos)
        }
        if ZSTD_isError(hint) != 0 { throw .corrupt("zstd: \(String(cString: ZSTD_getErrorName(hint)))") }
        position += consumed
        if hint == 0 && position == input.readableBytes { return (written, .finished) }
        return (written, written > 0 || consumed > 0 ? .progressing : .stalled)
    }
}

final class LZ4Decoder: StreamingDecoder {
    private let input: ByteBuffer
    private var position = 0
    private let context: OpaquePointer

    init(_ input: ByteBuffer) throws(CompressionError) {
        var context: OpaquePointer?
        let created = LZ4F_createDecompressionContext(&context, UInt32(LZ4F_VERSION))
        guard LZ4F_isError(created) == 0, let context else { throw .libraryError("lz4: cannot create context") }
        self.input = input
        self.context = context
    }

    deinit { LZ4F_freeDecompressionContext(context) }

    func step(_ window: UnsafeMutableRawBufferPointer) throws(CompressionError) -> (Int, DecompressStep) {
        let (hint, consumed, written) = withInput(input, from: position) { rest in
            var srcSize = rest.count
            var dstSize = window.count
            let hint = LZ4F_decompress(context, window.baseAddress, &dstSize, rest.baseAddress, &srcSize, nil)
            return (hint, srcSize, dstSize)
        }
        if LZ4F_isError(hint) != 0 { throw .corrupt("lz4: \(String(cString: LZ4F_getErrorName(hint)))") }
        position += consumed
        if hint == 0 && position == input.readableBytes { return (written, .finished) }
        return (written, written > 0 || consumed > 0 ? .progressing : .stalled)
    }
}

/// gzip (or zlib) through inflate with windowBits 15+32 (header detected); concatenated gzip
/// members are read one after another, as GZIPInputStream does.
final class GzipDecoder: StreamingDecoder {
    private let input: ByteBuffer
    private var position = 0
    /// zlib keeps a pointer back to its z_stream, so the struct must not move between calls.
    private let stream: UnsafeMutablePointer<z_stream>

    init(_ input: ByteBuffer) throws(CompressionError) {
        guard input.readableBytes <= Int(UInt32.max) else { throw .libraryError("gzip input too large") }
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let initResult = inflateInit2_(stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard initResult == Z_OK else {
            stream.deallocate()
            throw .libraryError("inflateInit2 failed: \(initResult)")
        }
        self.input = input
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
    }

    func step(_ window: UnsafeMutableRawBufferPointer) throws(CompressionError) -> (Int, DecompressStep) {
        let stream = self.stream
        let (status, consumed, written, remaining) = withInput(input, from: position) { rest in
            stream.pointee.next_in = UnsafeMutablePointer(mutating: rest.baseAddress!.assumingMemoryBound(to: Bytef.self))
            stream.pointee.avail_in = uInt(rest.count)
            stream.pointee.next_out = window.baseAddress?.assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_out = uInt(min(window.count, Int(UInt32.max)))
            let capacity = stream.pointee.avail_out
            let status = inflate(stream, Z_NO_FLUSH)
            let consumed = rest.count - Int(stream.pointee.avail_in)
            return (status, consumed, Int(capacity - stream.pointee.avail_out), Int(stream.pointee.avail_in))
        }
        position += consumed
        let progressed = written > 0 || consumed > 0
        switch status {
        case Z_STREAM_END:
            if remaining == 0 { return (written, .finished) }
            // Another gzip member follows.
            guard inflateReset(stream) == Z_OK else { throw .libraryError("inflateReset failed") }
            return (written, .progressing)
        case Z_OK:
            return (written, progressed ? .progressing : .stalled)
        case Z_BUF_ERROR:
            if remaining == 0 { return (written, progressed ? .progressing : .stalled) }
            throw .corrupt("gzip: no progress")
        case Z_MEM_ERROR:
            throw .libraryError("gzip: out of memory")
        default:
            throw .corrupt("gzip: inflate error \(status)")
        }
    }
}
