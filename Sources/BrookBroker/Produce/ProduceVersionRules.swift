import BrookProtocol
import NIOCore

/// What a Produce request version allows in a partition's `records`, before anything is validated
/// (Kafka's `ProduceRequest.validateRecords`): v3+ carries only magic 2 batches, and zstd needs v7+
/// (KIP-110). Versions 0–2 may carry magic 0/1 message sets, which are up-converted, or magic 2
/// batches (Kafka 3.x never checked the magic below v3).
enum ProduceVersionRules {
    /// First version that may carry zstd batches.
    static let firstZstdVersion: Int16 = 7

    /// Magic of the first entry: byte 16 in both a RecordBatch v2 and a legacy message
    /// (offset 8, size 4, crc 4), nil when there are not that many bytes.
    static func firstMagic(_ records: ByteBuffer) -> Int8? {
        records.getInteger(at: records.readerIndex + RecordBatchMagic.position, as: Int8.self)
    }

    /// Whether `records` is a legacy (magic 0 or 1) message set, to be up-converted.
    static func isLegacy(_ records: ByteBuffer) -> Bool {
        guard let magic = firstMagic(records) else { return false }
        return magic == 0 || magic == 1
    }

    /// Kafka's refusal of `records` at request `version`, nil when the version allows them.
    static func refusal(_ records: ByteBuffer, version: Int16) -> ProduceRefusal? {
        if version >= 3, let magic = firstMagic(records), magic != RecordBatchMagic.current {
            return ProduceRefusal(.invalidRecord, "Produce requests with version \(version) are only allowed to " +
                                  "contain record batches with magic version 2")
        }
        if version < firstZstdVersion, !isLegacy(records), containsZstdBatch(records) {
            return ProduceRefusal(.unsupportedCompressionType, "Produce requests with version \(version) are not " +
                                  "allowed to use ZStandard compression")
        }
        return nil
    }

    /// Whether a v2 batch of `records` has compression bits 4, looking only at headers; a walk that
    /// meets a malformed length stops there (validation reports it).
    static func containsZstdBatch(_ records: ByteBuffer) -> Bool {
        var position = records.readerIndex
        while let length = records.getInteger(at: position + 8, as: Int32.self), length > 0,
              let attributes = records.getInteger(at: position + 21, as: Int16.self) {
            if attributes & 0x07 == 4 { return true }
            let (next, overflow) = position.addingReportingOverflow(12 + Int(length))
            guard !overflow, next < records.writerIndex else { return false }
            position = next
        }
        return false
    }
}

/// Where the magic byte sits in a produce entry and what the current format's is.
enum RecordBatchMagic {
    static let position = 16
    static let current: Int8 = 2
}
