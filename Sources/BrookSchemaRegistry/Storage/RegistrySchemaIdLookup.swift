import BrookBroker
import NIOConcurrencyHelpers

/// The broker's `SchemaIdLookup`, answered from an index of live subjects per schema id that follows
/// the registry's state (`SchemaRegistryService.observe`), so Produce validates schema ids from
/// memory without waiting on the registry's actor. Only the subjects a batch touched are looked at
/// again; the state itself is never kept (a kept copy would make every write copy it).
public final class RegistrySchemaIdLookup: SchemaIdLookup {
    private struct Index {
        var subjectsByID: [Int32: Set<String>] = [:]
        var idsBySubject: [String: Set<Int32>] = [:]
        /// Record names by id, filled when an id first becomes live (an id's schema never changes).
        var recordNames: [Int32: String] = [:]

        mutating func update(_ subject: String, liveIDs: Set<Int32>) {
            let old = idsBySubject[subject] ?? []
            for id in old.subtracting(liveIDs) {
                subjectsByID[id]?.remove(subject)
                if subjectsByID[id]?.isEmpty == true { subjectsByID[id] = nil }
            }
            for id in liveIDs.subtracting(old) { subjectsByID[id, default: []].insert(subject) }
            idsBySubject[subject] = liveIDs.isEmpty ? nil : liveIDs
        }
    }

    private let index = NIOLockedValueBox(Index())

    public init() {}

    /// Follows `service`'s state from now on.
    public func follow(_ service: SchemaRegistryService) async {
        await service.observe { [index] state, changed in
            let subjects = changed ?? Set(state.subjectNames(includeDeleted: true))
            let live = subjects.map { subject in
                (subject, Set(state.versions(of: subject, includeDeleted: false).compactMap { Int32(exactly: $0.id) }))
            }
            let known = index.withLockedValue { Set($0.recordNames.keys) }
            var names: [Int32: String] = [:]
            for id in live.reduce(into: Set<Int32>(), { $0.formUnion($1.1) }).subtracting(known) {
                if let parsed = state.parsedByID[Int(id)], let name = SchemaRecordName.of(parsed) { names[id] = name }
            }
            index.withLockedValue { index in
                for (subject, ids) in live { index.update(subject, liveIDs: ids) }
                index.recordNames.merge(names) { old, _ in old }
            }
        }
    }

    public func subjects(ofSchemaId id: Int32) -> Set<String>? {
        index.withLockedValue { $0.subjectsByID[id] }
    }

    public func recordName(ofSchemaId id: Int32) -> String? {
        index.withLockedValue { $0.recordNames[id] }
    }
}
