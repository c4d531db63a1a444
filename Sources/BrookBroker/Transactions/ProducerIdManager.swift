import BrookCluster
import NIOConcurrencyHelpers

/// Allocates producer ids for InitProducerId from blocks reserved in the metadata store (a single
/// node: `producer-id-block` in the data directory; a cluster: a CAS on a shared counter). A block is
/// reserved before any of its ids is handed out, so ids never repeat. The store is called off the
/// lock: one reservation at a time, the callers that find the block empty wait for it.
final class ProducerIdManager: Sendable {
    private struct State {
        /// The rest of the current block: `next ..< end`.
        var next: Int64 = 0
        var end: Int64 = 0
        /// The reservation in progress, which callers finding the block empty wait for.
        var refill: Task<Void, any Error>?
    }

    private let store: any MetadataStore
    private let blockSize: Int64
    private let state = NIOLockedValueBox(State())

    init(store: any MetadataStore, blockSize: Int64 = 1000) {
        precondition(blockSize > 0)
        self.store = store
        self.blockSize = blockSize
    }

    /// A fresh producer id; throws if no block could be reserved or ids ran out.
    func next() async throws -> Int64 {
        while true {
            if let id = takeReserved() { return id }
            try await refill()
        }
    }

    /// Whether ids of the current block are left.
    var hasReserved: Bool { state.withLockedValue { $0.next < $0.end } }

    /// Reserves a new block unless ids are left; returns once some are (or the reservation failed).
    func ensureReserved() async throws {
        while !hasReserved { try await refill() }
    }

    /// An id of the current block, nil when it is used up (synchronous: for the transaction shards,
    /// which run on their loop; call `ensureReserved` first).
    func takeReserved() -> Int64? {
        state.withLockedValue { state in
            guard state.next < state.end else { return nil }
            defer { state.next += 1 }
            return state.next
        }
    }

    /// `takeReserved`, throwing when the block is used up (a concurrent request took the last id
    /// since `ensureReserved`; the client retries).
    func nextReserved() throws -> Int64 {
        guard let id = takeReserved() else { throw ProducerIdError.notReserved }
        return id
    }

    /// Waits for the reservation in progress, or starts one. The reservation installs its block
    /// before it completes, so a waiter that resumes always finds it.
    private func refill() async throws {
        let task = state.withLockedValue { state -> Task<Void, any Error>? in
            // A block installed since the caller found none: reserving another would waste it.
            if state.next < state.end { return nil }
            if let running = state.refill { return running }
            let store = self.store
            let size = blockSize
            let box = self.state
            let task = Task {
                let result: Result<ProducerIdBlock, any Error>
                do {
                    result = .success(try await store.allocateProducerIdBlock(size: size))
                } catch {
                    result = .failure(error)
                }
                box.withLockedValue { state in
                    state.refill = nil
                    if case .success(let block) = result, state.next >= state.end {
                        state.next = block.firstId
                        state.end = block.endId
                    }
                }
                do {
                    _ = try result.get()
                } catch MetadataStoreError.producerIdsExhausted {
                    throw ProducerIdError.exhausted
                }
            }
            state.refill = task
            return task
        }
        try await task?.value
    }
}

/// Producer ids cannot be handed out.
enum ProducerIdError: Error {
    case exhausted
    /// The reserved block ran out before the id was taken.
    case notReserved
}
