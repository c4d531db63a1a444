import BrookBroker
import NIOConcurrencyHelpers

/// The broker's `SchemaIdLookup` answered from the registry's latest state (kept current through
/// `SchemaRegistryService.observe`), so Produce validates schema ids from memory without waiting
/// on the registry's actor. Answers are cached per id until the state changes.
public final class RegistrySchemaIdLookup: SchemaIdLookup {
    private let current = NIOLockedValueBox<(state: RegistryState, cache: [Int32: Set<String>?])>((RegistryState(), [:]))

    public init() {}

    /// Follows `service`'s state from now on.
    public func follow(_ service: SchemaRegistryService) async {
        await service.observe { [current] state in
            current.withLockedValue { $0 = (state, [:]) }
        }
    }

    public func subjects(ofSchemaId id: Int32) -> Set<String>? {
        current.withLockedValue { current in
            if let cached = current.cache[id] { return cached }
            let subjects = (try? current.state.subjectNames(id: Int(id))).map(Set.init)
            current.cache[id] = .some(subjects)
            return subjects
        }
    }
}
