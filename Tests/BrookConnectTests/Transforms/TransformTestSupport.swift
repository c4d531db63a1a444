@testable import BrookConnect
import XCTest

/// Builds a transform from its Kafka class name and properties, as a connector config would.
func makeTransform(_ className: String, _ properties: [String: String]) throws -> any ConnectTransformation {
    guard let factory = TransformPlugins.transformation(named: className) else {
        throw ConnectConfigError(key: "type", message: "unknown \(className)")
    }
    return try factory(ConnectConfigReader(properties))
}

/// The Kafka message of a thrown Connect error (data or config), for exact comparisons.
func connectMessage(_ body: () throws -> Any?) -> String? {
    do {
        _ = try body()
        return nil
    } catch let error as ConnectDataError {
        return error.message
    } catch let error as ConnectConfigError {
        return error.message
    } catch {
        return "\(error)"
    }
}

extension ConnectStruct {
    /// A struct of `schema` with the given field values (test shorthand; fails the test on a bad value).
    static func make(_ schema: ConnectSchema, _ values: [(String, ConnectValue)]) throws -> ConnectStruct {
        var s = try ConnectStruct(schema: schema)
        for (name, value) in values { try s.put(name, value) }
        return s
    }
}
