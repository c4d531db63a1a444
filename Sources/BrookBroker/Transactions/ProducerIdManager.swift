import BrookCoordination
import BrookStorage
import NIOConcurrencyHelpers

/// Allocates producer ids for InitProducerId, persisting each block in the data directory.
/// A block write (one small fsynced file per thousand ids) happens under the lock.
final class ProducerIdManager: Sendable {
    private let file: ProducerIdBlockFile
    private let allocator: NIOLockedValueBox<ProducerIdAllocator>

    init(dataDir: String, blockSize: Int64 = 1000) throws {
        file = ProducerIdBlockFile(dataDir: dataDir)
        allocator = NIOLockedValueBox(ProducerIdAllocator(persistedEnd: try file.read(), blockSize: blockSize))
    }

    /// A fresh producer id; throws if the block could not be persisted or ids ran out.
    func next() throws -> Int64 {
        try allocator.withLockedValue { allocator in
            while true {
                switch allocator.allocate() {
                case .id(let id): return id
                case .persistBlock(let end):
                    try file.write(end)
                    allocator.blockPersisted(end: end)
                case .exhausted: throw ProducerIdError.exhausted
                }
            }
        }
    }
}

/// Producer ids cannot be handed out.
enum ProducerIdError: Error {
    case exhausted
}
