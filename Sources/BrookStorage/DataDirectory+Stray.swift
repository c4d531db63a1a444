import Foundation

/// Partition folders that no topic owns. At start-up a `<topic>-<partition>` folder of a topic without
/// metadata, or beyond the partition count its metadata records (left by a create that crashed or
/// failed half-way), is never opened: as Kafka does with stray logs, it is renamed
/// `<topic>-<partition>.<uuid>-stray` and kept for an operator to inspect or remove.
extension DataDirectory {
    static let straySuffix = "-stray"

    /// Renames the folder of `tp` to `<folder>.<uuid>-stray`; returns the new path.
    public func moveAsideStray(_ tp: TopicPartition) throws -> String {
        let from = path + "/" + tp.directoryName
        let tag = UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let to = from + "." + tag + Self.straySuffix
        try FileSystem.rename(from, to: to)
        try FileSystem.sync(path: path, directory: true)
        return to
    }

    /// Whether `tp` has a folder.
    public func hasFolder(_ tp: TopicPartition) -> Bool {
        FileSystem.isDirectory(path + "/" + tp.directoryName)
    }

    /// Removes the folder of a partition created by a request that then failed (its log closed), so
    /// that the failed request leaves nothing behind.
    public func removeUnusedPartitionFolder(_ tp: TopicPartition) throws {
        forgetPartition(tp)
        let folder = path + "/" + tp.directoryName
        guard FileSystem.isDirectory(folder) else { return }
        try Self.removeDeletedFolder(folder)
    }
}
