import BrookCluster
import NIOConcurrencyHelpers

/// Allocates producer ids for InitProducerId from blocks reserved in the metadata store (a single
/// node: `producer-id-block` in the data directory). A block is reserved (one small fsynced write per
/// thousand ids) under the lock, before any of its ids is handed out, so ids never repeat.
final class ProducerIdManager: Sendable {
    private let store: any BlockingMetadataStore
    private let blockSize: Int64
    /// The rest of the current block: `next ..< end`.
    private let remaining = NIOLockedValueBox<(next: Int64, end: Int64)>((0, 0))

    init(store: any BlockingMetadataStore, blockSize: Int64 = 1000) {
        precondition(blockSize > 0)
        self.store = store
        self.blockSize = blockSize
    }

    /// A fresh producer id; throws if no block could be reserved or ids ran out.
    func next() throws -> Int64 {
        try remaining.withLockedValue { remaining in
            if remaining.next >= remaining.end {
                let block: ProducerIdBlock
                do {
                    block = try store.allocateProducerIdBlock(size: blockSize)
                } catch MetadataStoreError.producerIdsExhausted {
                    throw ProducerIdError.exhausted
                }
                remaining = (block.firstId, block.endId)
            }
            defer { remaining.next += 1 }
            return remaining.next
        }
    }
}

/// Producer ids cannot be handed out.
enum ProducerIdError: Error {
    case exhausted
}
