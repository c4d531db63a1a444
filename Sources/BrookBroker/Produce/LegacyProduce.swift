import BrookProtocol
import BrookRecords
import NIOCore

/// Produce v0–2 with a magic 0/1 message set: up-converted to one RecordBatch v2 (stored with the
/// topic's `compression.type`, `producer` keeping the wrapper's codec), which then passes the
/// checks of any v2 produce (size, keys of compacted topics, timestamp bounds), as Kafka 3.x's
/// LogValidator converts for a v2 log. Magic 0 records get NO_TIMESTAMP (-1); a LogAppendTime
/// topic stamps the batch when it is appended.
enum LegacyProduce {
    static func prepare(_ records: ByteBuffer, policy: ProducePolicy, partition: String,
                        now: Int64) -> Result<ProducedBatches, ProduceRefusal> {
        let converted: LegacyUpconversion
        do throws(LegacyMessageSetError) {
            converted = try LegacyMessageSetReader.upconvert(records, codec: policy.compression,
                                                             maxMessageSize: policy.maxBatchBytes,
                                                             maxDecompressedSize: policy.maxDecompressedSize)
        } catch .tooLarge(let size) {
            return .failure(ProduceRefusal(.messageTooLarge,
                "The record batch size in the append to \(partition) is \(size) bytes which exceeds the maximum " +
                "configured value of \(policy.maxBatchBytes) (max.message.bytes)."))
        } catch {
            return .failure(ProduceRefusal(ErrorCode(rawValue: error.kafkaErrorCode) ?? .corruptMessage, "\(error)"))
        }
        // LogValidator refuses a producer's LogAppendTime claim unless the record is checked as a
        // CreateTime one (a CreateTime topic and a timestamp other than -1).
        if converted.claimsLogAppendTime && (policy.logAppendTime || converted.claimsLogAppendTimeWithoutTimestamp) {
            return .failure(ProduceRefusal(.invalidTimestamp,
                "Invalid timestamp type in message. Producer should not set timestamp type to LogAppendTime."))
        }
        return ProducedBatches.prepare(converted.batch, policy: policy, partition: partition, now: now)
    }
}
