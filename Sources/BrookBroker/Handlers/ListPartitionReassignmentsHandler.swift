import BrookCluster
import BrookProtocol
import BrookStorage
import NIOCore

/// ListPartitionReassignments (46), version 0 (KIP-455): the reassignments in flight, all or those
/// of the named partitions, from the controller (another broker forwards the request to it;
/// NOT_CONTROLLER when it cannot reach it). A single node never has one.
enum ListPartitionReassignmentsHandler {
    static let handler = ApiHandler.make(ListPartitionReassignmentsRequest.self, versions: 0...0) { request, context in
        let forwarded = ControllerForwarding.forward(request, as: ListPartitionReassignmentsResponse.self, context: context) {
            let failure = ReassignmentErrors.requestError(ClusterMemberError.notController(controller: -1))
            return ListPartitionReassignmentsResponse(throttleTimeMs: 0, errorCode: failure.code.rawValue,
                                                      errorMessage: failure.message, topics: [])
        }
        if let forwarded { return forwarded }
        return context.eventLoop.makeFutureWithTask { await respond(to: request, broker: context.broker) }
    }

    private static func respond(to request: ListPartitionReassignmentsRequest, broker: Broker) async -> (any KafkaMessage)? {
        var response = ListPartitionReassignmentsResponse(throttleTimeMs: 0, errorCode: 0, errorMessage: nil, topics: [])
        guard let reassignments = broker.reassignments else { return response }
        let partitions = request.topics.map { topics in
            topics.flatMap { topic in topic.partitionIndexes.map { TopicPartition(topic: topic.name, partition: $0) } }
        }
        let ongoing: [OngoingReassignment]
        do {
            ongoing = try await reassignments.partitionReassignments(partitions)
        } catch {
            let failure = ReassignmentErrors.requestError(error)
            response.errorCode = failure.code.rawValue
            response.errorMessage = failure.message
            return response
        }
        for reassignment in ongoing {
            let partition = ListPartitionReassignmentsResponse.OngoingPartitionReassignment(
                partitionIndex: reassignment.partition.partition, replicas: reassignment.replicas,
                addingReplicas: reassignment.adding, removingReplicas: reassignment.removing)
            if let last = response.topics.indices.last, response.topics[last].name == reassignment.partition.topic {
                response.topics[last].partitions.append(partition)
            } else {
                response.topics.append(.init(name: reassignment.partition.topic, partitions: [partition]))
            }
        }
        return response
    }
}
