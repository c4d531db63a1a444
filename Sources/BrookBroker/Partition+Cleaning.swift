import BrookStorage

extension Partition {
    /// Plans a compaction pass with what only the partition knows: its aborted transactions and the
    /// last batch of each producer it still tracks (kept so that producer's state survives). Call on `eventLoop`.
    func cleaningJob(firstDirtyOffset: Int64, cleaner: CleanerConfig, now: Int64,
                     deleteHorizonDue: Bool) throws -> CleaningJob? {
        let tails = producers.producers.mapValues {
            ProducerTail(lastDataOffset: $0.batches.last?.lastOffset, producerEpoch: $0.producerEpoch)
        }
        return try log.cleaningJob(firstDirtyOffset: firstDirtyOffset, cleaner: cleaner, now: now,
                                   abortedTxns: abortedTxns, producerTails: tails, deleteHorizonDue: deleteHorizonDue)
    }

    /// Swaps a finished pass in and re-reads the aborted transactions (the pass may have dropped
    /// entries whose data and marker are gone). Call on `eventLoop`.
    func installCleaned(_ result: CleaningResult) throws -> Int {
        let count = try log.installCleaned(result, now: clock())
        abortedTxns = try log.loadAbortedTxns()
        return count
    }
}
