import NIOCore

/// The decompressed records section of one batch, held a window at a time: bytes are pulled from
/// the codec's streaming decoder as the reader needs them (at least one whole record), and bytes
/// already read are dropped, so memory follows the largest record rather than the section. At most
/// `limit` bytes are ever decompressed in total.
struct SectionWindow {
    /// Unread decompressed bytes (readable bytes of the buffer).
    private(set) var buffer: ByteBuffer
    private let decoder: (any StreamingDecoder)?
    private var produced: Int
    private var finished: Bool
    let limit: Int
    /// Bytes asked of the decoder per step, unless a record needs more.
    static let stepSize = 64 * 1024

    /// A window over `section`, already whole in memory.
    init(whole section: ByteBuffer) {
        buffer = section
        decoder = nil
        produced = section.readableBytes
        finished = true
        limit = section.readableBytes
    }

    /// A window that pulls from `decoder`, never past `limit` bytes in total.
    init(decoder: any StreamingDecoder, limit: Int) {
        buffer = ByteBuffer()
        self.decoder = decoder
        produced = 0
        finished = false
        self.limit = max(0, limit)
    }

    /// Drops the first `count` unread bytes.
    mutating func consume(_ count: Int) {
        buffer.moveReaderIndex(forwardBy: count)
    }

    /// Makes at least `count` bytes readable, or all that is left when the section is shorter.
    mutating func ensure(_ count: Int) throws(CompressionError) {
        while buffer.readableBytes < count && !finished {
            try pull(count - buffer.readableBytes)
        }
    }

    /// Whether every byte of the section has been pulled.
    var isComplete: Bool { finished }

    private mutating func pull(_ missing: Int) throws(CompressionError) {
        guard let decoder else { finished = true; return }
        // Keep only the unread bytes: earlier records handed out keep their own (shared) storage.
        if buffer.readerIndex > 0 { buffer.discardReadBytes() }
        let room = limit - produced
        if room == 0 {
            // At the cap: any further byte means the section is larger than allowed.
            var probe: UInt8 = 0
            let (written, state) = try withUnsafeMutableBytes(of: &probe) { p throws(CompressionError) in try decoder.step(p) }
            if written > 0 { throw .outputTooLarge(limit: limit) }
            try settle(state)
            return
        }
        let want = min(room, max(Self.stepSize, missing))
        buffer.reserveCapacity(minimumWritableBytes: want)
        var outcome: Result<DecompressStep, CompressionError> = .success(.stalled)
        var written = 0
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: 0) { window in
            let usable = UnsafeMutableRawBufferPointer(rebasing: window[0..<min(window.count, want)])
            do throws(CompressionError) {
                let (n, state) = try decoder.step(usable)
                written = n
                outcome = .success(state)
                return n
            } catch {
                outcome = .failure(error)
                return 0
            }
        }
        produced += written
        try settle(outcome.get())
    }

    private mutating func settle(_ state: DecompressStep) throws(CompressionError) {
        switch state {
        case .finished: finished = true
        case .progressing: break
        case .stalled: throw .truncated
        }
    }
}
