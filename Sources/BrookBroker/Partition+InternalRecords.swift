import BrookRecords
import NIOCore

extension Partition {
    /// Appends keyed records written by the broker itself (coordinator state in `__consumer_offsets`
    /// or `__transaction_state`) as one uncompressed batch, completing once acks=all holds (Kafka's
    /// coordinators append with acks=-1): fsynced here and, in a cluster, on every ISR member (the
    /// durable ISR offset passed it). A failure is logged with `writer` naming who wrote, and returned.
    func appendInternalRecords(_ records: [(key: ByteBuffer, value: ByteBuffer?)], timestamp: Int64,
                               writer: String) -> EventLoopFuture<Void> {
        var builder = RecordBatchBuilder()
        for record in records {
            builder.append(key: record.key, value: record.value, timestamp: timestamp)
        }
        let batch: ByteBuffer
        do {
            batch = try builder.build()
        } catch {
            return eventLoop.makeFailedFuture(error)
        }
        let future = append([batch], durable: true, logAppendTime: false).map { _ in }
        future.whenFailure { error in
            self.logger.error("\(writer) write failed",
                              metadata: ["brook.partition": "\(self.topicPartition)", "error": "\(error)"])
        }
        return future
    }
}
