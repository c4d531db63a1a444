import BrookEtcd
import Foundation

/// Why a controller's write was refused although the caller's versions may be right.
public enum EtcdClusterStateError: Error, Sendable, Equatable {
    /// `controller_epoch` is no longer the writer's epoch: another controller was elected since, and
    /// this one must stop acting as controller.
    case fenced(epoch: Int64, current: Int64)
    /// Another live registration holds this broker id (a second broker with the same `--node-id`, or
    /// the previous life of this one whose lease has not expired yet).
    case brokerIdInUse(Int32, incarnation: Int64)
}

/// One partition-state write of a controller batch: `state` replaces the key if it is still at
/// `expectedVersion` (`.absent` to create it).
public struct EtcdPartitionStateWrite: Sendable, Hashable {
    public var topic: String
    public var index: Int32
    public var state: PartitionLeadershipState
    public var expectedVersion: MetadataVersion

    public init(topic: String, index: Int32, state: PartitionLeadershipState, expectedVersion: MetadataVersion) {
        self.topic = topic
        self.index = index
        self.state = state
        self.expectedVersion = expectedVersion
    }
}

/// Typed reads and compare-and-swap writes of the cluster's live state in etcd (cluster-design.md):
/// broker registrations, the controller and its epoch, and partition states. Not part of
/// `MetadataStore` yet; the controller and replica runtimes use it directly.
///
/// Fencing: a controller claims `controller_epoch` + 1 in the same transaction that creates
/// `/controller` under its lease, and every controller write compares `controller_epoch` with its
/// epoch, so once another controller is elected the deposed one's writes fail (a lease alone is not
/// a lock: a paused process may still believe it holds one).
public struct EtcdClusterState: Sendable {
    public let client: EtcdClient
    public let layout: EtcdKeyLayout

    public init(client: EtcdClient, layout: EtcdKeyLayout = EtcdKeyLayout()) {
        self.client = client
        self.layout = layout
    }

    // MARK: Brokers

    /// Puts the registration under `lease` if no other holds the id; re-registering the same
    /// incarnation (a retry) succeeds. Returns the key's version.
    @discardableResult
    public func registerBroker(_ registration: BrokerRegistration, lease: Int64) async throws -> MetadataVersion {
        let key = layout.broker(registration.id)
        var registration = registration
        registration.lease = lease
        let value = try EtcdMetadataCodec.encode(registration)
        for _ in 0..<10 {
            let result = try await etcdCall("registration of broker \(registration.id)") {
                try await client.txn(compare: [.version(key, .equal, 0)], success: [.put(key, value, lease: lease)],
                                     failure: [.get(key)])
            }
            if result.succeeded { return MetadataVersion(revision: result.header.revision) }
            guard let kv = EtcdMetadataStore.readBack(result) else { continue }   // expired meanwhile: again
            let holder = try EtcdMetadataCodec.decode(BrokerRegistration.self, from: kv, what: "broker registration")
            guard holder.incarnation == registration.incarnation else {
                throw EtcdClusterStateError.brokerIdInUse(registration.id, incarnation: holder.incarnation)
            }
            let swapped = try await etcdCall("registration of broker \(registration.id)") {
                try await client.compareAndSwap(key, expectedModRevision: kv.modRevision, value: value, lease: lease)
            }
            if swapped.succeeded { return MetadataVersion(revision: swapped.header.revision) }
        }
        throw MetadataStoreError.storage("registration of broker \(registration.id) kept racing with other writes")
    }

    /// Every registered (live) broker, by id.
    public func brokers() async throws -> [Versioned<BrokerRegistration>] {
        let read = try await etcdCall("read of brokers") { try await client.getPrefix(layout.brokersPrefix) }
        var brokers: [Versioned<BrokerRegistration>] = []
        for kv in read.kvs where layout.entry(for: kv.keyString) != nil {
            let registration = try EtcdMetadataCodec.decode(BrokerRegistration.self, from: kv, what: "broker registration")
            brokers.append(Versioned(registration, version: MetadataVersion(revision: kv.modRevision)))
        }
        return brokers.sorted { $0.value.id < $1.value.id }
    }

    /// Removes this broker's registration if it is still the one at `expectedVersion` (clean shutdown).
    public func deregisterBroker(_ id: Int32, expectedVersion: MetadataVersion) async throws {
        let key = layout.broker(id)
        _ = try await etcdCall("deregistration of broker \(id)") {
            try await client.txn(compare: [.modRevision(key, .equal, expectedVersion.revision)], success: [.delete(key)])
        }
    }

    // MARK: Controller

    /// The elected controller, nil when there is none.
    public func controller() async throws -> Versioned<EtcdControllerClaim>? {
        let read = try await etcdCall("read of the controller") { try await client.get(layout.controller) }
        guard let kv = read.first else { return nil }
        return Versioned(try EtcdMetadataCodec.decode(EtcdControllerClaim.self, from: kv, what: "controller claim"),
                         version: MetadataVersion(revision: kv.modRevision))
    }

    /// The current controller epoch (0 at `.absent` before any controller was elected).
    public func controllerEpoch() async throws -> Versioned<Int64> {
        let read = try await etcdCall("read of the controller epoch") { try await client.get(layout.controllerEpoch) }
        guard let kv = read.first else { return Versioned(0, version: .absent) }
        return Versioned(try EtcdMetadataCodec.decimal(from: kv), version: MetadataVersion(revision: kv.modRevision))
    }

    /// Tries to become controller: in one transaction, creates `/controller` under `lease` if absent
    /// and increments `controller_epoch`. Returns the claim, or nil when another broker is controller.
    public func claimController(brokerId: Int32, lease: Int64) async throws -> EtcdControllerClaim? {
        for _ in 0..<10 {
            let epoch = try await controllerEpoch()
            let claim = EtcdControllerClaim(brokerId: brokerId, epoch: epoch.value + 1)
            let result = try await etcdCall("controller election") {
                try await client.txn(
                    compare: [.version(layout.controller, .equal, 0),
                              .modRevision(layout.controllerEpoch, .equal, epoch.version.revision)],
                    success: [.put(layout.controller, try EtcdMetadataCodec.encode(claim), lease: lease),
                              .put(layout.controllerEpoch, String(claim.epoch))],
                    failure: [.get(layout.controller)])
            }
            if result.succeeded { return claim }
            if EtcdMetadataStore.readBack(result) != nil { return nil }
            // No controller, but the epoch moved (a controller came and went): read it again.
        }
        throw MetadataStoreError.storage("controller election kept racing with other writes")
    }

    /// Steps down: deletes `/controller` if it still holds `claim` (the epoch stays, so the next
    /// controller's is higher).
    public func resignController(_ claim: EtcdControllerClaim) async throws {
        let value = try EtcdMetadataCodec.encode(claim)
        _ = try await etcdCall("controller resignation") {
            try await client.txn(compare: [EtcdCompare(key: layout.controller, .equal, .value(value))],
                                 success: [.delete(layout.controller)])
        }
    }

    // MARK: Partition states

    public func partitionState(topic: String, index: Int32) async throws -> Versioned<PartitionLeadershipState>? {
        let read = try await etcdCall("read of \(topic)-\(index)") { try await client.get(layout.partition(topic, index)) }
        return try read.first.map(Self.partitionState(from:))
    }

    /// Every stored partition state of `topic`, by partition index.
    public func partitionStates(of topic: String) async throws -> [Int32: Versioned<PartitionLeadershipState>] {
        let read = try await etcdCall("read of \(topic)'s partitions") { try await client.getPrefix(layout.partitions(of: topic)) }
        var states: [Int32: Versioned<PartitionLeadershipState>] = [:]
        for kv in read.kvs {
            guard case .partition(_, let index)? = layout.entry(for: kv.keyString) else { continue }
            states[index] = try Self.partitionState(from: kv)
        }
        return states
    }

    /// Controller writes, all or nothing: every key must be at its expected version and
    /// `controller_epoch` still `controllerEpoch`. Returns the new version (one revision for all).
    /// Throws `EtcdClusterStateError.fenced` when another controller took over, else
    /// `MetadataStoreError.versionConflict` naming the first partition that changed.
    @discardableResult
    public func writePartitionStates(_ writes: [EtcdPartitionStateWrite], controllerEpoch: Int64) async throws -> MetadataVersion {
        var compares = [EtcdCompare.value(layout.controllerEpoch, .equal, String(controllerEpoch))]
        var puts: [EtcdOperation] = []
        var reads: [EtcdOperation] = [.get(layout.controllerEpoch)]
        for write in writes {
            let key = layout.partition(write.topic, write.index)
            compares.append(.modRevision(key, .equal, write.expectedVersion.revision))
            puts.append(.put(key, try EtcdMetadataCodec.encode(write.state)))
            reads.append(.get(key))
        }
        let result = try await etcdCall("controller write of \(writes.count) partition states") {
            try await client.txn(compare: compares, success: puts, failure: reads)
        }
        if result.succeeded { return MetadataVersion(revision: result.header.revision) }
        let current = try EtcdMetadataStore.readBack(result).map(EtcdMetadataCodec.decimal(from:)) ?? 0
        if current != controllerEpoch { throw EtcdClusterStateError.fenced(epoch: controllerEpoch, current: current) }
        throw Self.conflict(writes, result)
    }

    /// One controller write; see `writePartitionStates`.
    @discardableResult
    public func writePartitionState(_ state: PartitionLeadershipState, topic: String, index: Int32,
                                    expectedVersion: MetadataVersion, controllerEpoch: Int64) async throws -> MetadataVersion {
        try await writePartitionStates([EtcdPartitionStateWrite(topic: topic, index: index, state: state,
                                                                expectedVersion: expectedVersion)],
                                       controllerEpoch: controllerEpoch)
    }

    /// The leader's own ISR change (Kafka's AlterPartition as a compare-and-swap): succeeds only if
    /// the key is still at `expectedVersion`, i.e. nobody (no controller, no other leader) changed the
    /// state the leader read, so its leader epoch still holds. The new state must keep the leader and
    /// leader epoch of the state read at that version and increment the partition epoch.
    /// Throws `versionConflict` when the state moved on, `topicNotFound` when it is gone.
    @discardableResult
    public func alterPartitionAsLeader(_ state: PartitionLeadershipState, topic: String, index: Int32,
                                       expectedVersion: MetadataVersion) async throws -> MetadataVersion {
        let write = EtcdPartitionStateWrite(topic: topic, index: index, state: state, expectedVersion: expectedVersion)
        let key = layout.partition(topic, index)
        let result = try await etcdCall("ISR change of \(topic)-\(index)") {
            try await client.txn(compare: [.modRevision(key, .equal, expectedVersion.revision), .version(key, .greater, 0)],
                                 success: [.put(key, try EtcdMetadataCodec.encode(state))], failure: [.get(key)])
        }
        if result.succeeded { return MetadataVersion(revision: result.header.revision) }
        // No state stored: the topic was deleted (or never had this partition).
        guard EtcdMetadataStore.readBack(result) != nil else { throw MetadataStoreError.topicNotFound(topic) }
        throw Self.conflict([write], result, firstRead: 0)
    }

    private static func partitionState(from kv: EtcdKeyValue) throws -> Versioned<PartitionLeadershipState> {
        Versioned(try EtcdMetadataCodec.decode(PartitionLeadershipState.self, from: kv, what: "partition state"),
                  version: MetadataVersion(revision: kv.modRevision))
    }

    /// The first write whose key is no longer at its expected version, from the failure branch's
    /// reads (the partition keys start at `firstRead`).
    private static func conflict(_ writes: [EtcdPartitionStateWrite], _ result: EtcdTxnResult, firstRead: Int = 1) -> MetadataStoreError {
        for (offset, write) in writes.enumerated() {
            let actual = EtcdMetadataStore.readBack(result, index: firstRead + offset)
                .map { MetadataVersion(revision: $0.modRevision) } ?? .absent
            if actual != write.expectedVersion {
                return .versionConflict(key: "\(write.topic)-\(write.index)", expected: write.expectedVersion, actual: actual)
            }
        }
        return .storage("partition state write refused although every version matched (raced with a newer write)")
    }
}
