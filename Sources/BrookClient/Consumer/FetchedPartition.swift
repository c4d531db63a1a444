import BrookProtocol
import BrookRecords
import NIOCore

/// Turns one partition's records from a Fetch response into consumer records, from `position` on:
/// skips batches before it, control batches, and (read_committed) batches of aborted transactions;
/// a trailing partial batch is left for the next fetch. Pure: tests feed it built batches.
struct FetchedPartition {
    /// Records in offset order.
    var records: [ConsumerRecord] = []
    /// The next offset to fetch: after the last batch consumed, or `position` when none was.
    var nextPosition: Int64

    /// Decodes `data` for `partition`, starting at `position`.
    init(partition: TopicPartition, records data: ByteBuffer?, position: Int64,
         abortedTransactions: [FetchResponse.AbortedTransaction]?, isolation: IsolationLevel,
         maxDecompressedSize: Int = 256 << 20) throws {
        nextPosition = position
        guard let data, data.readableBytes > 0 else { return }
        var aborted = (abortedTransactions ?? []).sorted { $0.firstOffset < $1.firstOffset }[...]
        var abortedProducers: Set<Int64> = []
        // Frames only here; `RecordBatch.decode` checks each consumed batch's CRC.
        var iterator = BatchIterator(data, verifyCRC: false)
        while let scanned = iterator.next() {
            let header = scanned.header
            if header.lastOffset < nextPosition { continue }
            if isolation == .readCommitted {
                while let first = aborted.first, first.firstOffset <= header.lastOffset {
                    abortedProducers.insert(first.producerId)
                    aborted = aborted.dropFirst()
                }
            }
            if header.isControl {
                if isolation == .readCommitted, let batch = try? RecordBatch.decode(
                    data.getSlice(at: data.readerIndex + scanned.position, length: scanned.byteCount)!, maxDecompressedSize: 1 << 16),
                    batch.controlRecord?.type == .abort {
                    abortedProducers.remove(header.producerId)
                }
                nextPosition = header.lastOffset + 1
                continue
            }
            if isolation == .readCommitted, header.isTransactional, abortedProducers.contains(header.producerId) {
                nextPosition = header.lastOffset + 1
                continue
            }
            let slice = data.getSlice(at: data.readerIndex + scanned.position, length: scanned.byteCount)!
            let batch: RecordBatch
            do {
                batch = try RecordBatch.decode(slice, maxDecompressedSize: maxDecompressedSize)
            } catch {
                throw KafkaClientError.protocolViolation("corrupt batch at offset \(header.baseOffset) of \(partition): \(error)")
            }
            let logAppend = header.timestampType == .logAppendTime
            for record in batch.records {
                let offset = batch.offset(of: record)
                guard offset >= nextPosition else { continue }
                records.append(ConsumerRecord(
                    topic: partition.topic, partition: partition.partition, offset: offset,
                    timestamp: logAppend ? header.maxTimestamp : batch.timestamp(of: record),
                    timestampType: header.timestampType, key: record.key, value: record.value,
                    headers: record.headers, leaderEpoch: header.partitionLeaderEpoch))
            }
            nextPosition = header.lastOffset + 1
        }
        if let reason = iterator.stopReason {
            // A partial batch at the end is normal (the fetch hit its size limit); anything else is not.
            if case .truncated = reason { return }
            throw KafkaClientError.protocolViolation("unreadable batch in \(partition) after offset \(nextPosition): \(reason)")
        }
    }
}
