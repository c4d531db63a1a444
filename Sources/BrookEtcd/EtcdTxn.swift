/// One condition of a transaction: compare a key's value or one of its revisions with a constant.
/// A missing key has version, create and mod revision 0, so `version == 0` means "absent".
public struct EtcdCompare: Sendable, Equatable {
    /// What is compared (etcd's `Compare.CompareTarget` with the operand).
    public enum Target: Sendable, Equatable {
        case value([UInt8])
        case version(Int64)
        case createRevision(Int64)
        case modRevision(Int64)
    }

    /// How the key's side relates to the operand (etcd's `Compare.CompareResult`).
    public enum Result: String, Sendable, Equatable {
        case equal = "EQUAL"
        case notEqual = "NOT_EQUAL"
        case greater = "GREATER"
        case less = "LESS"
    }

    public var key: [UInt8]
    public var result: Result
    public var target: Target

    public init(key: String, _ result: Result, _ target: Target) {
        self.key = Array(key.utf8)
        self.result = result
        self.target = target
    }

    public static func value(_ key: String, _ result: Result, _ value: String) -> EtcdCompare {
        EtcdCompare(key: key, result, .value(Array(value.utf8)))
    }
    public static func version(_ key: String, _ result: Result, _ version: Int64) -> EtcdCompare {
        EtcdCompare(key: key, result, .version(version))
    }
    public static func createRevision(_ key: String, _ result: Result, _ revision: Int64) -> EtcdCompare {
        EtcdCompare(key: key, result, .createRevision(revision))
    }
    public static func modRevision(_ key: String, _ result: Result, _ revision: Int64) -> EtcdCompare {
        EtcdCompare(key: key, result, .modRevision(revision))
    }
}

/// One operation inside a transaction branch.
public enum EtcdOperation: Sendable, Equatable {
    /// Put `value` at `key`, attached to `lease` when non-zero.
    case put(key: [UInt8], value: [UInt8], lease: Int64)
    /// Read `key`, or `[key, rangeEnd)` when `rangeEnd` is given.
    case get(key: [UInt8], rangeEnd: [UInt8]?)
    /// Delete `key`, or `[key, rangeEnd)` when `rangeEnd` is given.
    case delete(key: [UInt8], rangeEnd: [UInt8]?)

    public static func put(_ key: String, _ value: [UInt8], lease: Int64 = 0) -> EtcdOperation {
        .put(key: Array(key.utf8), value: value, lease: lease)
    }
    public static func put(_ key: String, _ value: String, lease: Int64 = 0) -> EtcdOperation {
        .put(key: Array(key.utf8), value: Array(value.utf8), lease: lease)
    }
    public static func get(_ key: String) -> EtcdOperation { .get(key: Array(key.utf8), rangeEnd: nil) }
    public static func getPrefix(_ prefix: String) -> EtcdOperation {
        .get(key: Array(prefix.utf8), rangeEnd: EtcdKeyRange.prefixEnd(Array(prefix.utf8)))
    }
    public static func delete(_ key: String) -> EtcdOperation { .delete(key: Array(key.utf8), rangeEnd: nil) }
    public static func deletePrefix(_ prefix: String) -> EtcdOperation {
        .delete(key: Array(prefix.utf8), rangeEnd: EtcdKeyRange.prefixEnd(Array(prefix.utf8)))
    }
}

/// The answer of one operation inside a transaction, in the order the operations were given.
public enum EtcdOperationResult: Sendable, Equatable {
    case put(EtcdPutResult)
    case get(EtcdRangeResult)
    case delete(EtcdDeleteResult)
}

/// A transaction's outcome: whether every compare held (so `success` ran) and each operation's answer.
public struct EtcdTxnResult: Sendable, Equatable {
    public var header: EtcdResponseHeader
    public var succeeded: Bool
    public var results: [EtcdOperationResult]
}
