import BrookSchemas

/// What the runtime read for one pass, handed to the sans-IO core: CSV files or plain files as
/// (path relative to the glob's root, bytes), or the SQL query's rows. A file that was deleted is
/// simply absent; put its path in the pass's scope so its keys are deleted.
public enum DesiredStateInput: Sendable {
    case csvFiles([(path: String, bytes: [UInt8])])
    case files([(path: String, bytes: [UInt8])])
    case sqlRows([[(String, JSONValue)]])
}

extension DesiredStateConfig {
    /// Declares `input` and reconciles it against `tracked`. Files are declared in path order so
    /// the plan is the same whatever order the directory listing had. `keyColumns` for SQL falls
    /// back to `primaryKey` (which the runtime reads from the database).
    public func plan(_ input: DesiredStateInput, tracked: TrackedState, scope: ReconcilePass.Scope = .everything,
                     primaryKey: [String] = []) throws(DesiredStateError) -> ReconcilePlan {
        var pass = ReconcilePass(tracked: tracked, scope: scope, deletion: deletion)
        switch input {
        case let .csvFiles(files):
            let csv = CSVDeclarations(keyColumns: keyColumns, separator: csvSeparator)
            for file in files.sorted(by: { $0.path < $1.path }) {
                try csv.declare(source: file.path, bytes: file.bytes, into: &pass)
            }
        case let .files(files):
            let declarations = FileDeclarations(valueFormat: valueFormat)
            for file in files.sorted(by: { $0.path < $1.path }) {
                try pass.declare(try declarations.record(relativePath: file.path, bytes: file.bytes))
            }
        case let .sqlRows(rows):
            let sql = try SQLDeclarations(keyColumns: keyColumns.isEmpty ? primaryKey : keyColumns)
            for (index, row) in rows.enumerated() {
                try pass.declare(try sql.record(row: row, rowNumber: index + 1))
            }
        }
        return pass.finish()
    }

    /// Checks the target topic's `cleanup.policy`: reconciliation relies on compaction keeping the
    /// latest record per key (and dropping tombstones), so a topic that only deletes by age would
    /// eventually lose keys the source believes are there.
    public func checkTargetTopic(cleanupPolicy: String) throws(DesiredStateError) {
        let policies = cleanupPolicy.split(separator: ",").map { $0.filter { $0 != " " } }
        guard policies.contains("compact") else {
            throw .invalidConfig(key: "topic", reason: "topic \"\(topic)\" has cleanup.policy=\(cleanupPolicy); the desired-state source needs a compacted topic (cleanup.policy=compact), or records it believes are present would expire")
        }
    }
}
