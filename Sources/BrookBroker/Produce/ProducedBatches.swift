import BrookProtocol
import BrookRecords
import NIOCore

/// One partition's produced records after validation: the bytes to append.
struct ProducedBatches: Sendable {
    /// The batches to store, recompressed when the topic's `compression.type` asks for it.
    var stored: [ByteBuffer]
    /// The header of the first transactional batch, whose producer must be in a transaction.
    var transactional: RecordBatchHeader?

    /// Validates a partition's `records` blob against `policy`: framing, size and CRC of each
    /// batch, no control batches, the per-record rules (named one by one on failure), and
    /// recompression. `partition` ("topic-index") is used in Kafka's messages.
    static func prepare(_ records: ByteBuffer, policy: ProducePolicy, partition: String,
                        now: Int64) -> Result<ProducedBatches, ProduceRefusal> {
        let batches: [ValidatedBatch]
        do throws(RecordValidationError) {
            batches = try BatchValidation.validate(records, maxBatchSize: policy.maxBatchBytes,
                                                   maxDecompressedSize: policy.maxDecompressedSize)
        } catch .tooLarge(let size) {
            return .failure(.tooLarge(size, partition: partition, limit: policy.maxBatchBytes))
        } catch {
            return .failure(refusal(error))
        }
        // Control batches (transaction markers) come only from the transaction coordinator.
        if batches.contains(where: { $0.header.isControl }) {
            return .failure(ProduceRefusal(.invalidRecord, "control batches cannot be produced by clients"))
        }
        do throws(RecordValidationError) {
            let problems = try ProducedRecordChecks.problems(in: batches, policy: policy, partition: partition, now: now)
            if let refused = ProduceRefusal(problems) { return .failure(refused) }
        } catch {
            return .failure(refusal(error))
        }
        var stored = batches.map(\.buffer)
        if let codec = policy.compression {
            do {
                stored = try batches.map {
                    try TopicCompression.recompress($0, to: codec, maxDecompressedSize: policy.maxDecompressedSize)
                }
            } catch let error as RecordValidationError {
                return .failure(refusal(error))
            } catch {
                return .failure(ProduceRefusal(.corruptMessage, "\(error)"))
            }
            if let size = stored.map(\.readableBytes).first(where: { $0 > policy.maxBatchBytes }) {
                return .failure(ProduceRefusal(.messageTooLarge,
                    "The record batch size in the append to \(partition) is \(size) bytes after compression.type " +
                    "recompression, which exceeds the maximum configured value of \(policy.maxBatchBytes) (max.message.bytes)."))
            }
        }
        return .success(ProducedBatches(stored: stored, transactional: batches.first { $0.header.isTransactional }?.header))
    }

    private static func refusal(_ error: RecordValidationError) -> ProduceRefusal {
        ProduceRefusal(ErrorCode(rawValue: error.kafkaErrorCode) ?? .corruptMessage, "\(error)")
    }
}
