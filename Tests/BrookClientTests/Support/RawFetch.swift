import BrookClient
import BrookProtocol
import BrookRecords
import NIOCore

/// One record read back straight from a Fetch response, for checking what producers wrote
/// independently of the consumer.
struct FetchedRecord: Equatable {
    var offset: Int64
    var key: String?
    var value: String?
    var headers: [String: String]
    var codec: CompressionCodec
}

/// Reads every record of `partition` from offset 0 with plain Fetch requests.
func rawFetchAll(_ cluster: KafkaCluster, _ partition: TopicPartition) async throws -> [FetchedRecord] {
    var out: [FetchedRecord] = []
    var offset: Int64 = 0
    while true {
        let connection = try await cluster.leaderConnection(for: partition)
        let request = FetchRequest(maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 24, isolationLevel: 0, topics: [
            .init(topic: partition.topic, partitions: [.init(partition: partition.partition, fetchOffset: offset, partitionMaxBytes: 1 << 24)])
        ])
        let response = try await connection.send(request)
        let data = response.responses[0].partitions[0]
        guard data.errorCode == 0 else { throw KafkaClientError.server(ErrorCode(rawValue: data.errorCode)!, message: nil, context: "fetch") }
        guard let records = data.records, records.readableBytes > 0 else { return out }
        for batch in try RecordBatch.decodeAll(records, maxDecompressedSize: 1 << 26) {
            for record in batch.records {
                let absolute = batch.offset(of: record)
                guard absolute >= offset else { continue }
                var headers: [String: String] = [:]
                for header in record.headers { headers[header.key] = header.value.map { String(buffer: $0) } }
                out.append(FetchedRecord(
                    offset: absolute, key: record.key.map { String(buffer: $0) }, value: record.value.map { String(buffer: $0) },
                    headers: headers, codec: batch.header.compression))
            }
            offset = batch.header.lastOffset + 1
        }
        if offset >= data.highWatermark { return out }
    }
}
