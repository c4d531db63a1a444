import BrookSchemas

/// A request the registry refuses, with the HTTP status and `error_code` Confluent answers with
/// (codes and messages from Confluent's `rest/exceptions/Errors.java`, PLATFORM-NOTES §1.2).
public struct RegistryError: Error, Sendable, Hashable, CustomStringConvertible {
    public var httpStatus: Int
    public var errorCode: Int
    public var message: String

    public init(httpStatus: Int, errorCode: Int, message: String) {
        self.httpStatus = httpStatus
        self.errorCode = errorCode
        self.message = message
    }

    public var description: String { "\(errorCode) \(message)" }

    // 404
    static func subjectNotFound(_ subject: String) -> Self { .init(httpStatus: 404, errorCode: 40401, message: "Subject '\(subject)' not found.") }
    static func versionNotFound(_ version: Int) -> Self { .init(httpStatus: 404, errorCode: 40402, message: "Version \(version) not found.") }
    static func schemaNotFound() -> Self { .init(httpStatus: 404, errorCode: 40403, message: "Schema not found") }
    static func schemaIDNotFound(_ id: Int) -> Self { .init(httpStatus: 404, errorCode: 40403, message: "Schema \(id) not found") }
    static func subjectSoftDeleted(_ subject: String) -> Self {
        .init(httpStatus: 404, errorCode: 40404, message: "Subject '\(subject)' was soft deleted.Set permanent=true to delete permanently")
    }
    static func subjectNotSoftDeleted(_ subject: String) -> Self {
        .init(httpStatus: 404, errorCode: 40405, message: "Subject '\(subject)' was not deleted first before being permanently deleted")
    }
    static func versionSoftDeleted(_ subject: String, _ version: Int) -> Self {
        .init(httpStatus: 404, errorCode: 40406,
              message: "Subject '\(subject)' Version \(version) was soft deleted.Set permanent=true to delete permanently")
    }
    static func versionNotSoftDeleted(_ subject: String, _ version: Int) -> Self {
        .init(httpStatus: 404, errorCode: 40407,
              message: "Subject '\(subject)' Version \(version) was not deleted first before being permanently deleted")
    }
    static func subjectCompatibilityNotConfigured(_ subject: String) -> Self {
        .init(httpStatus: 404, errorCode: 40408, message: "Subject '\(subject)' does not have subject-level compatibility configured")
    }
    static func subjectModeNotConfigured(_ subject: String) -> Self {
        .init(httpStatus: 404, errorCode: 40409, message: "Subject '\(subject)' does not have subject-level mode configured")
    }

    // 409
    static func incompatibleSchema(_ subject: String, _ details: [String]) -> Self {
        .init(httpStatus: 409, errorCode: 40901,
              message: "Schema being registered is incompatible with an earlier schema for subject \"\(subject)\", details: [\(details.joined(separator: ", "))]")
    }

    // 422
    static func invalidSchema(_ message: String) -> Self { .init(httpStatus: 422, errorCode: 42201, message: message) }
    static func invalidVersion(_ text: String) -> Self {
        .init(httpStatus: 422, errorCode: 42202,
              message: "The specified version '\(text)' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\"")
    }
    static func invalidCompatibilityLevel(_ text: String) -> Self {
        .init(httpStatus: 422, errorCode: 42203,
              message: "Invalid compatibility level. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive")
    }
    static func invalidMode(_ text: String) -> Self {
        .init(httpStatus: 422, errorCode: 42204,
              message: "Invalid mode. Valid values are READWRITE, READONLY, READONLY_OVERRIDE and IMPORT")
    }
    static func operationNotPermitted(_ message: String) -> Self { .init(httpStatus: 422, errorCode: 42205, message: message) }
    static func readOnly(_ subject: String) -> Self { operationNotPermitted("Subject \(subject) in context . is in read-only mode") }
    static func notImportMode(_ subject: String) -> Self { operationNotPermitted("Subject \(subject) in context . is not in import mode") }
    static func notReadWriteMode(_ subject: String) -> Self { operationNotPermitted("Subject \(subject) in context . is not in read-write mode") }
    static func referenceExists(_ subject: String, _ version: Int) -> Self {
        .init(httpStatus: 422, errorCode: 42206,
              message: "One or more references exist to the schema {magic=1,keytype=SCHEMA,subject=\(subject),version=\(version)}.")
    }
    static func idMismatch(_ message: String) -> Self { .init(httpStatus: 422, errorCode: 42207, message: message) }
    static func invalidSubject(_ subject: String) -> Self {
        // Confluent's wording, typo included: clients may match on it.
        .init(httpStatus: 422, errorCode: 42208, message: "The specified subject '\(subject)' is not a valid.")
    }

    // 500
    static func storeError(_ detail: String) -> Self { .init(httpStatus: 500, errorCode: 50001, message: "Error in the schema registry store: \(detail)") }
    static func storeTimeout(_ detail: String) -> Self { .init(httpStatus: 500, errorCode: 50002, message: "Timed out storing a record: \(detail)") }

    // Request bodies (Confluent's REST layer: 400 for unreadable JSON, 422 for unknown members).
    static func malformedBody(_ detail: String) -> Self { .init(httpStatus: 400, errorCode: 400, message: detail) }
    static func unrecognizedField(_ name: String) -> Self { .init(httpStatus: 422, errorCode: 422, message: "Unrecognized field: \(name)") }
}
