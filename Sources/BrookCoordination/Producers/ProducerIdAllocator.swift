/// Hands out producer ids in blocks: a block's end is persisted before any id in it is used, so a
/// restart resumes after the last persisted end and ids never repeat (sans-IO; the caller persists).
public struct ProducerIdAllocator: Sendable, Hashable {
    /// Ids reserved per persisted block.
    public let blockSize: Int64
    /// The next id to hand out.
    public private(set) var nextId: Int64
    /// End (exclusive) of the block that is persisted.
    public private(set) var blockEnd: Int64

    /// What the caller does next.
    public enum Allocation: Sendable, Hashable {
        /// Use this id.
        case id(Int64)
        /// Persist this block end, call `blockPersisted(end:)`, then allocate again.
        case persistBlock(end: Int64)
        /// No ids are left.
        case exhausted
    }

    /// Starts after `persistedEnd`, the end read back from storage (0 on a fresh node).
    public init(persistedEnd: Int64, blockSize: Int64 = 1000) {
        precondition(blockSize > 0 && persistedEnd >= 0)
        self.blockSize = blockSize
        self.nextId = persistedEnd
        self.blockEnd = persistedEnd
    }

    public mutating func allocate() -> Allocation {
        if nextId < blockEnd {
            defer { nextId += 1 }
            return .id(nextId)
        }
        guard blockEnd <= Int64.max - blockSize else { return .exhausted }
        return .persistBlock(end: blockEnd + blockSize)
    }

    /// The block up to `end` is durable; its ids may now be used.
    public mutating func blockPersisted(end: Int64) {
        precondition(end > blockEnd)
        blockEnd = end
    }
}
