import BrookCluster
import BrookProtocol
import BrookStorage
import NIOCore

/// AlterPartitionReassignments (45), version 0 (KIP-455): moves partitions' replicas to other
/// brokers, or cancels a move (null replicas). The controller decides; another broker forwards the
/// request to it and answers NOT_CONTROLLER only when it cannot reach it (clients then retry against
/// Metadata's controller). A single node answers as a one-broker cluster: only its own id is a valid
/// replica.
enum AlterPartitionReassignmentsHandler {
    static let handler = ApiHandler.make(AlterPartitionReassignmentsRequest.self, versions: 0...0) { request, context in
        if let forwarded = ControllerForwarding.forward(request, as: AlterPartitionReassignmentsResponse.self,
                                                        context: context, unreachable: { notController(request) }) {
            return forwarded
        }
        return context.eventLoop.makeFutureWithTask { await respond(to: request, broker: context.broker) }
    }

    /// NOT_CONTROLLER for the request and every partition it names.
    private static func notController(_ request: AlterPartitionReassignmentsRequest) -> AlterPartitionReassignmentsResponse {
        let failure = ReassignmentErrors.requestError(ClusterMemberError.notController(controller: -1))
        var response = AlterPartitionReassignmentsResponse(throttleTimeMs: 0, errorCode: failure.code.rawValue,
                                                           errorMessage: failure.message, responses: [])
        response.responses = request.topics.map { topic in
            .init(name: topic.name, partitions: topic.partitions.map {
                .init(partitionIndex: $0.partitionIndex, errorCode: failure.code.rawValue, errorMessage: failure.message)
            })
        }
        return response
    }

    private static func respond(to request: AlterPartitionReassignmentsRequest, broker: Broker) async -> (any KafkaMessage)? {
        let requests = request.topics.flatMap { topic in
            topic.partitions.map {
                ReassignmentRequest(partition: TopicPartition(topic: topic.name, partition: $0.partitionIndex), target: $0.replicas)
            }
        }
        let outcomes: [Result<Void, AdminError>]
        var response = AlterPartitionReassignmentsResponse(throttleTimeMs: 0, errorCode: 0, errorMessage: nil, responses: [])
        if let reassignments = broker.reassignments {
            do {
                outcomes = try await reassignments.alterPartitionReassignments(requests).map {
                    $0.mapError(ReassignmentErrors.adminError)
                }
            } catch {
                let failure = ReassignmentErrors.requestError(error)
                response.errorCode = failure.code.rawValue
                response.errorMessage = failure.message
                outcomes = requests.map { _ in .failure(failure) }
            }
        } else {
            outcomes = requests.map { singleNode($0, broker: broker) }
        }
        var index = 0
        for topic in request.topics {
            var result = AlterPartitionReassignmentsResponse.ReassignableTopicResponse(name: topic.name, partitions: [])
            for partition in topic.partitions {
                var answer = AlterPartitionReassignmentsResponse.ReassignablePartitionResponse(
                    partitionIndex: partition.partitionIndex, errorCode: 0, errorMessage: nil)
                if case .failure(let error) = outcomes[index] {
                    answer.errorCode = error.code.rawValue
                    answer.errorMessage = error.message
                }
                result.partitions.append(answer)
                index += 1
            }
            response.responses.append(result)
        }
        return response
    }

    /// A one-broker cluster: the partition must exist, a target may name only this broker (which
    /// already holds every replica, so nothing moves), and nothing is ever in flight to cancel.
    private static func singleNode(_ request: ReassignmentRequest, broker: Broker) -> Result<Void, AdminError> {
        guard broker.topics.topic(named: request.partition.topic)?.hasPartition(request.partition.partition) == true else {
            return .failure(ReassignmentErrors.adminError(.unknownTopicOrPartition))
        }
        guard let target = request.target else { return .failure(ReassignmentErrors.adminError(.noReassignmentInProgress)) }
        if let error = ReplicaAssignmentValidation.check(target, liveBrokers: [broker.config.nodeId], replicationFactor: nil) {
            return .failure(ReassignmentErrors.adminError(error))
        }
        return .success(())
    }
}
