import NIOCore

/// A complete batch found by `BatchIterator` / `RecordBatchHeader.scanValidPrefix`.
public struct ScannedBatch: Sendable, Hashable {
    public var header: RecordBatchHeader
    /// Offset of the batch's first byte from the scanned buffer's reader index.
    public var position: Int
    /// Size of the batch in bytes (batchLength + 12).
    public var byteCount: Int { header.totalSize }
}

/// Iterates the complete, well-framed batches of a buffer (a segment file, a fetch response) in
/// order, stopping at the first incomplete, non-v2 or (when `verifyCRC`) CRC-invalid batch.
/// After iteration, `validBytes` is the length of the good prefix and `stopReason` says why it ended
/// (nil when the buffer ended exactly at a batch boundary).
public struct BatchIterator: Sequence, IteratorProtocol, Sendable {
    private let buffer: ByteBuffer
    private let verifyCRC: Bool
    /// Bytes of the buffer covered by the batches returned so far.
    public private(set) var validBytes: Int = 0
    /// Why iteration stopped early, if it did.
    public private(set) var stopReason: RecordValidationError?

    public init(_ buffer: ByteBuffer, verifyCRC: Bool = true) {
        self.buffer = buffer
        self.verifyCRC = verifyCRC
    }

    public mutating func next() -> ScannedBatch? {
        guard stopReason == nil, validBytes < buffer.readableBytes else { return nil }
        let offset = validBytes
        let verify = verifyCRC
        let result = buffer.withUnsafeReadableBytes { bytes in
            RecordBatchHeader.checkFrame(UnsafeRawBufferPointer(rebasing: bytes[offset...]), verifyCRC: verify)
        }
        switch result {
        case .success(let header):
            validBytes += header.totalSize
            return ScannedBatch(header: header, position: offset)
        case .failure(let error):
            stopReason = error
            return nil
        }
    }
}

extension RecordBatchHeader {
    /// Scans `buffer` for complete, CRC-valid v2 batches from its reader index and returns the
    /// length of the valid prefix with the batches in it. Storage recovery truncates at `validBytes`.
    public static func scanValidPrefix(_ buffer: ByteBuffer) -> (validBytes: Int, batches: [ScannedBatch]) {
        var iterator = BatchIterator(buffer)
        var batches: [ScannedBatch] = []
        while let batch = iterator.next() { batches.append(batch) }
        return (iterator.validBytes, batches)
    }
}
