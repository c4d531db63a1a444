import BrookStorage
import Logging
import NIOCore

extension Partition {
    /// The producer state as of the log end (the newest snapshot plus the batches after it) and the
    /// aborted transactions (`.txnindex` files, rebuilt for the tail after an unclean shutdown). A log
    /// that cannot be read back starts with no producers (duplicates of older batches are then not detected).
    static func loadTransactionState(log: PartitionLog, logger: Logger) -> (ProducerStateManager, [AbortedTxn]) {
        do {
            return try log.loadTransactionState()
        } catch {
            logger.error("could not rebuild producer state; starting empty",
                         metadata: ["brook.partition": "\(log.topicPartition)", "error": "\(error)"])
            let aborted: [AbortedTxn]
            do {
                aborted = try log.loadAbortedTxns()
            } catch {
                logger.error("could not read the transaction indexes",
                             metadata: ["brook.partition": "\(log.topicPartition)", "error": "\(error)"])
                aborted = []
            }
            return (ProducerStateManager(mapEndOffset: log.logEndOffset), aborted)
        }
    }

    /// Writes the current producer state as a `.snapshot` on the blocking pool (at each segment roll).
    func snapshotProducers() {
        eventLoop.preconditionInEventLoop()
        let state = producers
        let directory = log.directory
        let logger = self.logger
        let partition = topicPartition
        threadPool.runIfActive(eventLoop: eventLoop) {
            try PartitionLog.writeProducerSnapshot(state, directory: directory)
        }.whenFailure { error in
            logger.warning("could not write the producer snapshot",
                           metadata: ["brook.partition": "\(partition)", "error": "\(error)"])
        }
    }

    /// Forgets producers idle for `expirationMs` (`producer.id.expiration.ms`).
    @discardableResult
    func expireProducers(expirationMs: Int64) -> EventLoopFuture<Void> {
        eventLoop.submit {
            self.producers.removeExpired(now: self.clock(), expirationMs: expirationMs)
        }
    }

    /// The producers this partition knows, for DescribeProducers and tests.
    func producerEntries() -> EventLoopFuture<[ProducerStateEntry]> {
        eventLoop.submit { Array(self.producers.producers.values) }
    }
}
