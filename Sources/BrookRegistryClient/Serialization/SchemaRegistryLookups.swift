import BrookSchemas

/// The registry calls serializers need; `SchemaRegistryClient` answers them over REST. A seam so
/// serializers can be exercised without a server.
public protocol SchemaRegistryLookups: Sendable {
    /// Registers (or finds) `schema` under `subject`; its global id.
    func register(subject: String, schema: String, type: SchemaType, references: [SchemaReference],
                  normalize: Bool) async throws -> Int32
    /// The schema with global id `id`.
    func schema(id: Int32) async throws -> (schema: String, type: SchemaType, references: [SchemaReference])
    /// A version of `subject`: a number, `latest` or `-1`.
    func version(subject: String, version: String, deleted: Bool) async throws -> SchemaRegistryClient.SubjectVersion
}

extension SchemaRegistryClient: SchemaRegistryLookups {}

/// Fetches what a schema's references point to, transitively, so it can be parsed on its own.
public enum SchemaReferenceResolver {
    /// Nesting and count limits: a registry answer must not make a client recurse or fetch for ever.
    static let maximumDepth = 32
    static let maximumReferences = 1000

    /// The referenced schemas, dependencies before the schemas that use them, each once.
    public static func resolve(_ references: [SchemaReference],
                               using registry: any SchemaRegistryLookups) async throws -> [ResolvedReference] {
        var resolved: [ResolvedReference] = []
        var seen = Set<String>()
        try await visit(references, depth: 0, registry: registry, resolved: &resolved, seen: &seen)
        return resolved
    }

    private static func visit(_ references: [SchemaReference], depth: Int, registry: any SchemaRegistryLookups,
                              resolved: inout [ResolvedReference], seen: inout Set<String>) async throws {
        guard depth < maximumDepth else {
            throw SchemaPayloadError("schema references nest deeper than \(maximumDepth) levels")
        }
        for reference in references {
            let key = "\(reference.subject)\u{0}\(reference.version)"
            guard seen.insert(key).inserted else { continue }
            guard seen.count <= maximumReferences else {
                throw SchemaPayloadError("a schema refers to more than \(maximumReferences) schemas")
            }
            let target = try await registry.version(subject: reference.subject, version: String(reference.version), deleted: true)
            try await visit(target.references, depth: depth + 1, registry: registry, resolved: &resolved, seen: &seen)
            resolved.append(ResolvedReference(reference: reference, schema: target.schema))
        }
    }

    /// `schema` parsed together with its fetched references.
    public static func parse(_ schema: String, type: SchemaType, references: [SchemaReference],
                             using registry: any SchemaRegistryLookups) async throws -> any ParsedSchema {
        let resolved = try await resolve(references, using: registry)
        return try SchemaFormats.parse(schema, type: type, references: resolved)
    }
}
