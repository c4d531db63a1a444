@testable import BrookConnect
import BrookRegistryClient
import BrookSchemas

/// An in-memory registry that keeps each schema's type: ids from 1, one id per distinct (type, text),
/// versions per subject. Shared by the JSON Schema and Protobuf converter tests.
actor TypedFakeRegistry: SchemaRegistryLookups {
    private(set) var schemas: [(text: String, type: SchemaType)] = []
    private var subjects: [String: [Int32]] = [:]

    func register(subject: String, schema: String, type: SchemaType, references: [SchemaReference], normalize: Bool) async throws -> Int32 {
        let id: Int32
        if let index = schemas.firstIndex(where: { $0.text == schema && $0.type == type }) {
            id = Int32(index + 1)
        } else {
            schemas.append((schema, type))
            id = Int32(schemas.count)
        }
        if !(subjects[subject] ?? []).contains(id) { subjects[subject, default: []].append(id) }
        return id
    }

    func schema(id: Int32) async throws -> (schema: String, type: SchemaType, references: [SchemaReference]) {
        guard id >= 1, Int(id) <= schemas.count else { throw ConnectDataError("Schema \(id) not found") }
        return (schemas[Int(id) - 1].text, schemas[Int(id) - 1].type, [])
    }

    func version(subject: String, version: String, deleted: Bool) async throws -> SchemaRegistryClient.SubjectVersion {
        guard let ids = subjects[subject], let id = ids.last else { throw ConnectDataError("Subject \(subject) not found") }
        let entry = schemas[Int(id) - 1]
        return .init(subject: subject, id: id, version: ids.count, schemaType: entry.type, schema: entry.text, references: [])
    }

    /// Stores `text` as a new schema of `type` without a subject (what another producer registered).
    func add(_ text: String, type: SchemaType) -> Int32 {
        schemas.append((text, type))
        return Int32(schemas.count)
    }

    func subjectIDs(_ subject: String) -> [Int32] { subjects[subject] ?? [] }
}
