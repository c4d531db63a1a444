import NIOCore

// In-place edits of a stored or received batch. baseOffset and partitionLeaderEpoch sit before
// the CRC's span (it starts at attributes), so changing them needs no CRC update; attributes and
// maxTimestamp are inside it, so stamping LogAppendTime recomputes the CRC.
extension RecordBatchHeader {
    /// Writes `baseOffset` into the batch starting at `index` of `buffer`.
    public static func setBaseOffset(_ baseOffset: Int64, in buffer: inout ByteBuffer, at index: Int) {
        buffer.setInteger(baseOffset, at: index + baseOffsetPosition)
    }

    /// Writes `epoch` as the partitionLeaderEpoch of the batch starting at `index` of `buffer`.
    public static func setPartitionLeaderEpoch(_ epoch: Int32, in buffer: inout ByteBuffer, at index: Int) {
        buffer.setInteger(epoch, at: index + partitionLeaderEpochPosition)
    }

    /// Marks the batch at `index` as LogAppendTime with `time` and recomputes its CRC.
    ///
    /// Kafka's in-place path (DefaultRecordBatch.setMaxTimestamp, used by LogValidator when it does
    /// not rebuild the batch) sets the timestamp-type bit and maxTimestamp only; readers take
    /// maxTimestamp as every record's timestamp for LogAppendTime. Pass
    /// `updateBaseTimestamp: true` to also overwrite baseTimestamp (what a rebuilt batch has).
    /// Returns false, changing nothing, when `buffer` does not hold a whole batch at `index`.
    @discardableResult
    public static func stampLogAppendTime(
        _ time: Int64, in buffer: inout ByteBuffer, at index: Int, updateBaseTimestamp: Bool = false
    ) -> Bool {
        guard index >= 0, let length = buffer.getInteger(at: index + batchLengthPosition, as: Int32.self),
            length >= minimumBatchLength, index + logOverhead + Int(length) <= buffer.writerIndex,
            let attributes = buffer.getInteger(at: index + attributesPosition, as: Int16.self)
        else { return false }
        buffer.setInteger(attributes | 0x08, at: index + attributesPosition)
        buffer.setInteger(time, at: index + maxTimestampPosition)
        if updateBaseTimestamp { buffer.setInteger(time, at: index + baseTimestampPosition) }
        updateCRC(in: &buffer, at: index)
        return true
    }

    /// Recomputes and writes the CRC of the whole batch at `index` (batchLength must be correct).
    public static func updateCRC(in buffer: inout ByteBuffer, at index: Int) {
        guard index >= 0, let length = buffer.getInteger(at: index + batchLengthPosition, as: Int32.self),
            length >= minimumBatchLength, index + logOverhead + Int(length) <= buffer.writerIndex
        else { return }
        let total = logOverhead + Int(length)
        // withVeryUnsafeBytes spans the buffer from index 0, so `index` may precede the reader index.
        let crc = buffer.withVeryUnsafeBytes { all in
            computeCRC(UnsafeRawBufferPointer(rebasing: all[index..<(index + total)]), size: total)
        }
        buffer.setInteger(crc, at: index + crcPosition)
    }

    /// Position of baseTimestamp within the header.
    public static let baseTimestampPosition = 27
}
