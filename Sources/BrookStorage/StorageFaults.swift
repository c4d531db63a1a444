import NIOConcurrencyHelpers

/// Fault injection for tests: makes the next matching writes or fsyncs of the file layer fail with
/// a chosen errno, as a failing disk would. Disarmed (the normal case) it costs one uncontended lock
/// per call; nothing in the broker arms it.
enum StorageFaults {
    enum Operation: Sendable {
        case write
        case fsync
    }

    private struct Fault {
        var operation: Operation
        var pathContains: String
        var errno: Int32
        var remaining: Int
    }

    private static let faults = NIOLockedValueBox<[Fault]>([])

    /// The next `count` `operation`s on a file whose path contains `pathContains` fail with `errno`.
    static func inject(_ operation: Operation, errno: Int32, pathContains: String, count: Int = 1) {
        faults.withLockedValue { $0.append(Fault(operation: operation, pathContains: pathContains, errno: errno,
                                                 remaining: count)) }
    }

    /// Removes every fault not yet triggered whose path filter contains `pathContains`.
    static func clear(pathContains: String) {
        faults.withLockedValue { $0.removeAll { $0.pathContains.contains(pathContains) } }
    }

    /// Throws the injected error when a fault matches (consuming one use of it).
    static func check(_ operation: Operation, path: String) throws {
        let code = faults.withLockedValue { faults -> Int32? in
            guard let i = faults.firstIndex(where: { $0.operation == operation && path.contains($0.pathContains) })
            else { return nil }
            let code = faults[i].errno
            faults[i].remaining -= 1
            if faults[i].remaining <= 0 { faults.remove(at: i) }
            return code
        }
        if let code {
            throw StorageError.io("\(operation == .write ? "pwrite" : "fsync") \(path) (injected)", errno: code)
        }
    }
}
