import NIOCore

/// Outcome of one call into a streaming decompressor.
enum DecompressStep {
    /// All input consumed and the last stream/frame ended.
    case finished
    /// Input was consumed or output produced; call again.
    case progressing
    /// Neither happened: the input ends mid-stream.
    case stalled
}

/// Drives a streaming decompressor into a ByteBuffer that never grows past `limit` bytes.
///
/// The buffer starts small and grows about twofold per step, capped by what the limit still
/// allows. Once the limit is reached, the decompressor gets a 1-byte probe window: any byte it
/// writes there means the real output is larger than the limit.
struct CappedOutput {
    private(set) var buffer: ByteBuffer
    let limit: Int

    init(limit: Int, initialCapacity: Int, allocator: ByteBufferAllocator) {
        self.limit = limit
        self.buffer = allocator.buffer(capacity: max(0, min(limit, max(initialCapacity, 256))))
    }

    /// Runs `step` (given an output window; it returns bytes written and its state) until the
    /// stream is finished.
    mutating func run(
        _ step: (UnsafeMutableRawBufferPointer) throws(CompressionError) -> (Int, DecompressStep)
    ) throws(CompressionError) -> ByteBuffer {
        while true {
            let state: DecompressStep
            if buffer.readableBytes >= limit {
                var probe: UInt8 = 0
                let (written, s) = try withUnsafeMutableBytes(of: &probe) { p throws(CompressionError) in try step(p) }
                if written > 0 { throw .outputTooLarge(limit: limit) }
                state = s
            } else {
                state = try writeStep(step)
            }
            switch state {
            case .finished: return buffer
            case .progressing: continue
            case .stalled: throw .truncated
            }
        }
    }

    private mutating func writeStep(
        _ step: (UnsafeMutableRawBufferPointer) throws(CompressionError) -> (Int, DecompressStep)
    ) throws(CompressionError) -> DecompressStep {
        let room = limit - buffer.readableBytes
        let want = min(room, max(64 * 1024, buffer.readableBytes))
        if buffer.writableBytes < want { buffer.reserveCapacity(minimumWritableBytes: want) }
        var outcome: Result<DecompressStep, CompressionError> = .success(.stalled)
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: 0) { window in
            let usable = UnsafeMutableRawBufferPointer(rebasing: window[0..<min(window.count, room)])
            do throws(CompressionError) {
                let (written, state) = try step(usable)
                outcome = .success(state)
                return written
            } catch {
                outcome = .failure(error)
                return 0
            }
        }
        return try outcome.get()
    }
}
