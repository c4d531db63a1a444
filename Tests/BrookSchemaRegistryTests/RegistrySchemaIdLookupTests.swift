@testable import BrookSchemaRegistry
import BrookSchemas
import XCTest

/// The broker's schema id index follows registrations, soft deletes and records replayed at start.
final class RegistrySchemaIdLookupTests: XCTestCase {
    private func register(_ service: SchemaRegistryService, _ subject: String, _ fields: [String]) async throws -> Int {
        let text = JSONValue.object([("fields", .array(fields.map(JSONValue.string)))]).compactText
        return try await service.write { state throws(RegistryError) in
            try state.register(subject: subject, request: RegisterRequest(schema: text), normalize: false)
        }.id
    }

    func testTheIndexFollowsRegistrationsAndDeletes() async throws {
        let log = InMemoryRegistryLog()
        let first = SchemaRegistryService(log: log, parse: TestSchema.parse)
        let a = try await register(first, "orders-value", ["x"])
        // A lookup that starts later sees what was registered before (the initial full pass).
        let service = SchemaRegistryService(log: log, parse: TestSchema.parse)
        _ = try await service.currentState()
        let lookup = RegistrySchemaIdLookup()
        await lookup.follow(service)
        XCTAssertEqual(lookup.subjects(ofSchemaId: Int32(a)), ["orders-value"])

        let shared = try await register(service, "payments-value", ["x"])
        XCTAssertEqual(shared, a, "the same schema under another subject shares the id")
        XCTAssertEqual(lookup.subjects(ofSchemaId: Int32(a)), ["orders-value", "payments-value"])
        let b = try await register(service, "orders-value", ["x", "y"])
        XCTAssertEqual(lookup.subjects(ofSchemaId: Int32(b)), ["orders-value"])
        XCTAssertNil(lookup.subjects(ofSchemaId: 999))

        _ = try await service.write { state throws(RegistryError) in
            try state.deleteSubject(subject: "orders-value", permanent: false)
        }
        XCTAssertEqual(lookup.subjects(ofSchemaId: Int32(a)), ["payments-value"], "soft-deleted versions no longer count")
        XCTAssertNil(lookup.subjects(ofSchemaId: Int32(b)))
    }
}
