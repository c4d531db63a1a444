/// The versions of one subject (soft-deleted ones included), kept sorted by version number so the
/// latest is at hand without sorting: registration appends, lookups binary-search.
struct SubjectVersions: Sendable {
    private(set) var values: [SchemaRecordValue] = []

    var isEmpty: Bool { values.isEmpty }

    subscript(version: Int) -> SchemaRecordValue? {
        guard let index = index(of: version) else { return nil }
        return values[index]
    }

    /// The latest version, or the latest live one.
    func latest(includeDeleted: Bool) -> SchemaRecordValue? {
        includeDeleted ? values.last : values.last { !$0.deleted }
    }

    mutating func set(_ value: SchemaRecordValue) {
        if let index = index(of: value.version) {
            values[index] = value
        } else if let last = values.last, last.version > value.version {
            values.insert(value, at: insertionPoint(of: value.version))
        } else {
            values.append(value)
        }
    }

    @discardableResult
    mutating func remove(version: Int) -> SchemaRecordValue? {
        guard let index = index(of: version) else { return nil }
        return values.remove(at: index)
    }

    /// Marks every version up to `version` soft-deleted (a DELETE_SUBJECT record).
    mutating func markDeleted(through version: Int) {
        for index in values.indices where values[index].version <= version {
            values[index].deleted = true
        }
    }

    private func insertionPoint(of version: Int) -> Int {
        var low = 0, high = values.count
        while low < high {
            let mid = (low + high) / 2
            if values[mid].version < version { low = mid + 1 } else { high = mid }
        }
        return low
    }

    private func index(of version: Int) -> Int? {
        let point = insertionPoint(of: version)
        return point < values.count && values[point].version == version ? point : nil
    }
}
