import Foundation

/// Asynchronous removal of deleted partitions: the folder is first renamed to
/// `<topic>-<partition>.<uuid>-delete` (so a new partition of the same name can start at once and a
/// crash leaves nothing half-visible), then its files are removed in the background.
extension DataDirectory {
    static let deletedSuffix = "-delete"

    /// Renames the closed partition's folder out of the way; returns the new path.
    public func markForDeletion(_ tp: TopicPartition) throws -> String {
        let from = path + "/" + tp.directoryName
        let tag = UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let to = path + "/" + tp.directoryName + "." + tag + Self.deletedSuffix
        guard FileSystem.isDirectory(from) else { return to }
        try FileSystem.rename(from, to: to)
        try FileSystem.sync(path: path, directory: true)
        return to
    }

    /// Folders renamed for deletion and not yet removed (left over by a crash or pending).
    public func pendingDeletions() -> [String] {
        let names = (try? FileSystem.list(path)) ?? []
        return names.filter { $0.hasSuffix(Self.deletedSuffix) && FileSystem.isDirectory(path + "/" + $0) }
            .map { path + "/" + $0 }
    }

    /// Removes a folder renamed by `markForDeletion` and everything in it.
    public static func removeDeletedFolder(_ folder: String) throws {
        for name in try FileSystem.list(folder) {
            let child = folder + "/" + name
            if FileSystem.isDirectory(child) { try removeDeletedFolder(child) } else { try FileSystem.remove(child) }
        }
        if rmdir(folder) != 0 && errno != ENOENT { throw StorageError.io("rmdir \(folder)", errno: errno) }
    }
}
