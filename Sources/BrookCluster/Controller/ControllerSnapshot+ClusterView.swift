import BrookStorage

extension ControllerSnapshot {
    /// The routing view brokers answer Metadata from: live brokers, and per partition its leader,
    /// leader epoch, replicas, ISR and the replicas whose broker is not live. A partition without a
    /// record yet (its write in flight) has no leader.
    public func clusterView(controllerId: Int32) -> ClusterView {
        let endpoints = liveBrokers.values.map { BrokerEndpoint(nodeId: $0.id, host: $0.host, port: $0.port, rack: $0.rack) }
        var routing: [String: [PartitionRouting]] = [:]
        for (name, topic) in topics {
            routing[name] = topic.assignments.enumerated().map { index, assignment in
                let offline = assignment.replicas.filter { liveBrokers[$0] == nil }
                guard let state = partitions[TopicPartition(topic: name, partition: Int32(index))] else {
                    return PartitionRouting(leader: PartitionLeadershipState.noLeader, leaderEpoch: -1,
                                            replicas: assignment.replicas, isr: [], offlineReplicas: offline)
                }
                return PartitionRouting(leader: state.leader, leaderEpoch: state.leaderEpoch, replicas: assignment.replicas,
                                        isr: state.isr, offlineReplicas: offline)
            }
        }
        return ClusterView(brokers: endpoints, controllerId: controllerId, partitions: routing)
    }
}
