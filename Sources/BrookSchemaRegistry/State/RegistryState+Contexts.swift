/// Schema contexts. Brook serves only Confluent's default context `.`: subjects qualified with
/// another context (`:.ctx:subject`) are refused when written (`validate(subject:)`), because
/// contexts give each context its own id space, lookups and reference resolution — a feature of
/// its own, not a naming convention.
extension RegistryState {
    /// Confluent's prefix of a context-qualified subject (`QualifiedSubject.CONTEXT_PREFIX`).
    static let contextPrefix = ":."

    /// `GET /contexts`: the default context, always listed, as Confluent lists it.
    public var contexts: [String] { ["."] }

    /// `DELETE /contexts/{context}`: Confluent deletes a context only when it holds no subject,
    /// soft-deleted ones included (42211 otherwise), and answers 204 for a context that holds
    /// nothing, known or not. Brook keeps no context records, so nothing is written; a replayed
    /// topic from Confluent may still hold `:.ctx:` subjects, and those count.
    public func checkContextDeletable(_ context: String) throws(RegistryError) {
        let name = Self.contextName(context)
        let occupied: Bool
        if name == "." {
            occupied = subjects.keys.contains { !$0.hasPrefix(Self.contextPrefix) }
        } else {
            occupied = subjects.keys.contains { $0.hasPrefix(":\(name):") }
        }
        if occupied {
            throw RegistryError(httpStatus: 422, errorCode: 42211, message: "The specified context '\(context)' is not empty.")
        }
    }

    /// A context as written in a path (`.ctx`, `ctx`, `:.ctx:`) reduced to Confluent's `.ctx`.
    static func contextName(_ text: String) -> String {
        var name = Substring(text)
        if name.hasPrefix(":") { name = name.dropFirst() }
        if name.hasSuffix(":") { name = name.dropLast() }
        return name.hasPrefix(".") ? String(name) : "." + name
    }
}
