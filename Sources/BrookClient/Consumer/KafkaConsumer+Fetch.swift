import BrookProtocol
import NIOCore

extension KafkaConsumer {
    /// One leader's share of a fetch round.
    private struct LeaderFetch: Sendable {
        var node: Int32
        var request: FetchRequest
        var positions: [TopicPartition: Int64]
    }

    /// Fetches `partitions` from their leaders in parallel (one long poll each) and returns the records
    /// in partition order. Positions move past what is returned, unless a seek happened meanwhile.
    func fetch(_ partitions: [TopicPartition], maxWait: Duration) async throws -> [ConsumerRecord] {
        let metadata = try await cluster.metadata(for: Array(Set(partitions.map(\.topic))).sorted())
        var byLeader: [Int32: [TopicPartition]] = [:]
        var leaderless: [TopicPartition] = []
        for partition in partitions {
            if let leader = metadata.leader(for: partition) {
                byLeader[leader, default: []].append(partition)
            } else {
                leaderless.append(partition)
            }
        }
        if !leaderless.isEmpty {
            _ = try? await cluster.refreshMetadata(topics: Array(Set(leaderless.map(\.topic))))
        }
        let fetches = byLeader.sorted { $0.key < $1.key }.map { node, list in
            makeFetch(node: node, partitions: list, maxWait: maxWait)
        }
        let cluster = self.cluster
        let responses = await withTaskGroup(of: (LeaderFetch, Result<FetchResponse, Error>).self) { group in
            for fetch in fetches {
                group.addTask {
                    do {
                        let connection = try await cluster.connection(to: fetch.node)
                        let response = try await connection.send(fetch.request, extraTimeout: .milliseconds(Int64(fetch.request.maxWaitMs)))
                        return (fetch, .success(response))
                    } catch {
                        return (fetch, .failure(error))
                    }
                }
            }
            var results: [(LeaderFetch, Result<FetchResponse, Error>)] = []
            for await result in group { results.append(result) }
            return results
        }
        try Task.checkCancellation()
        var records: [ConsumerRecord] = []
        var failures = 0
        for (fetch, result) in responses.sorted(by: { $0.0.node < $1.0.node }) {
            switch result {
            case .success(let response):
                records += try absorb(response, fetched: fetch.positions)
            case .failure(let error):
                failures += 1
                logger.debug("fetch failed", metadata: ["brook.node": "\(fetch.node)", "error": "\(error)"])
                if let clientError = error as? KafkaClientError, !clientError.isRetriable { throw clientError }
                await cluster.dropConnection(to: fetch.node)
                // The leader may be gone for good (killed, its partitions moved): ask who leads now,
                // or every poll would go on knocking at the dead broker until the metadata ages out.
                _ = try? await cluster.refreshMetadata(topics: Array(Set(fetch.positions.keys.map(\.topic))).sorted())
            }
        }
        if records.isEmpty, failures > 0 || !leaderless.isEmpty {
            try await Task.sleep(for: config.client.retryBackoff)
        }
        return records
    }

    private func makeFetch(node: Int32, partitions: [TopicPartition], maxWait: Duration) -> LeaderFetch {
        var positions: [TopicPartition: Int64] = [:]
        var topics: [FetchRequest.FetchTopic] = []
        for (topic, list) in Dictionary(grouping: partitions, by: \.topic).sorted(by: { $0.key < $1.key }) {
            topics.append(FetchRequest.FetchTopic(topic: topic, partitions: list.sorted().map { partition in
                let offset = subscription.positions[partition]!
                positions[partition] = offset
                return FetchRequest.FetchPartition(
                    partition: partition.partition, currentLeaderEpoch: -1, fetchOffset: offset, logStartOffset: -1,
                    partitionMaxBytes: Int32(clamping: config.maxPartitionFetchBytes))
            }))
        }
        let request = FetchRequest(
            replicaId: -1, maxWaitMs: maxWait.millisInt32, minBytes: Int32(clamping: config.fetchMinBytes),
            maxBytes: Int32(clamping: config.fetchMaxBytes), isolationLevel: config.isolationLevel.rawValue,
            sessionId: 0, sessionEpoch: -1, topics: topics)
        return LeaderFetch(node: node, request: request, positions: positions)
    }

    /// Applies one leader's response: watermarks, records, and per-partition errors.
    private func absorb(_ response: FetchResponse, fetched: [TopicPartition: Int64]) throws -> [ConsumerRecord] {
        if response.errorCode != 0 {
            let code = ErrorCode(rawValue: response.errorCode) ?? .unknownServerError
            guard code.isRetriable else { throw KafkaClientError.server(code, message: nil, context: "fetch") }
            return []
        }
        var records: [ConsumerRecord] = []
        var staleTopics: Set<String> = []
        for topic in response.responses {
            for data in topic.partitions {
                let partition = TopicPartition(topic.topic, data.partitionIndex)
                // Ignore answers for partitions sought, reassigned or paused since the request left.
                guard let requested = fetched[partition], subscription.positions[partition] == requested,
                      !subscription.paused.contains(partition) else { continue }
                let code = ErrorCode(rawValue: data.errorCode) ?? .unknownServerError
                switch code {
                case .none:
                    subscription.highWatermarks[partition] = data.highWatermark
                    subscription.lastStableOffsets[partition] = data.lastStableOffset
                    if data.logStartOffset >= 0 { subscription.logStartOffsets[partition] = data.logStartOffset }
                    let decoded = try FetchedPartition(
                        partition: partition, records: data.records, position: requested,
                        abortedTransactions: data.abortedTransactions, isolation: config.isolationLevel)
                    records += decoded.records
                    subscription.positions[partition] = decoded.nextPosition
                case .offsetOutOfRange:
                    try resetAfterOutOfRange(partition, offset: requested)
                default:
                    guard code.isRetriable else {
                        throw KafkaClientError.server(code, message: nil, context: "fetch \(partition)")
                    }
                    if code.invalidatesMetadata { staleTopics.insert(partition.topic) }
                }
            }
        }
        if !staleTopics.isEmpty {
            let cluster = self.cluster
            let topics = Array(staleTopics)
            Task { _ = try? await cluster.refreshMetadata(topics: topics) }
        }
        return records
    }

    private func resetAfterOutOfRange(_ partition: TopicPartition, offset: Int64) throws {
        switch config.autoOffsetReset {
        case .earliest:
            subscription.positions[partition] = nil
            subscription.pendingLookups[partition] = .earliest
        case .latest:
            subscription.positions[partition] = nil
            subscription.pendingLookups[partition] = .latest
        case .none:
            throw KafkaClientError.server(.offsetOutOfRange, message: "offset \(offset) and auto.offset.reset=none", context: "fetch \(partition)")
        }
        logger.info("offset out of range, resetting", metadata: [
            LogKeys.topic: "\(partition.topic)", LogKeys.partition: "\(partition.partition)", "offset": "\(offset)",
            "reset": "\(config.autoOffsetReset.rawValue)",
        ])
    }
}
