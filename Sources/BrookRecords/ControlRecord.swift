import NIOCore

/// Type of a transaction control record (the `type` field of its key; Kafka's ControlRecordType).
public enum ControlRecordType: Int16, Sendable, CaseIterable {
    case abort = 0
    case commit = 1
}

/// A transaction marker: the single record of a control batch.
///
/// Key: version int16 (0), type int16. Value (EndTransactionMarker): version int16 (0),
/// coordinatorEpoch int32. Layouts from Kafka's ControlRecordType / EndTransactionMarker.
public struct ControlRecord: Sendable, Hashable {
    public var type: ControlRecordType
    public var coordinatorEpoch: Int32

    public init(type: ControlRecordType, coordinatorEpoch: Int32) {
        self.type = type
        self.coordinatorEpoch = coordinatorEpoch
    }

    /// The record's key bytes.
    public var key: ByteBuffer {
        var b = ByteBuffer()
        b.writeInteger(Int16(0))
        b.writeInteger(type.rawValue)
        return b
    }

    /// The record's value bytes.
    public var value: ByteBuffer {
        var b = ByteBuffer()
        b.writeInteger(Int16(0))
        b.writeInteger(coordinatorEpoch)
        return b
    }

    /// Parses a control record; nil when the key is not a version-0 abort/commit marker or the
    /// value is too short.
    public init?(key: ByteBuffer?, value: ByteBuffer?) {
        guard let key, key.readableBytes >= 4,
            key.getInteger(at: key.readerIndex, as: Int16.self) == 0,
            let raw = key.getInteger(at: key.readerIndex + 2, as: Int16.self),
            let type = ControlRecordType(rawValue: raw),
            let value, value.readableBytes >= 6,
            let epoch = value.getInteger(at: value.readerIndex + 2, as: Int32.self)
        else { return nil }
        self.type = type
        self.coordinatorEpoch = epoch
    }
}
