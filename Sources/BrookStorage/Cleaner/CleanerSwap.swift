/// The crash-safe swap of cleaned segments into a partition folder.
///
/// Cleaned files are written and fsynced in `.cleaner-staging/`; renaming that folder to
/// `.cleaner-swap/` is the commit point; its files are then renamed over the originals one by one
/// and the folder removed. At start-up a leftover staging folder is discarded and a leftover swap
/// folder is finished.
enum CleanerSwap {
    /// Start-up recovery for one partition folder. Returns whether anything was left over.
    @discardableResult
    static func recover(directory: String) throws -> Bool {
        let staging = directory + "/" + CleaningJob.stagingName
        let swap = directory + "/" + CleaningJob.swapName
        var found = false
        if FileSystem.isDirectory(staging) {
            try DataDirectory.removeDeletedFolder(staging)
            found = true
        }
        if FileSystem.isDirectory(swap) {
            try finish(swap: swap, into: directory)
            found = true
        }
        return found
    }

    /// Moves every cleaned file over its original and deletes the originals of segments marked
    /// `<base>.empty` (nothing in them survived). Removes the folder. Safe to repeat after a crash.
    static func finish(swap: String, into directory: String, syncDirectory: Bool = true) throws {
        for name in try FileSystem.list(swap) {
            if name.hasSuffix(emptyMarkerSuffix) {
                let stem = String(name.dropLast(emptyMarkerSuffix.count))
                for suffix in [".index", ".timeindex", ".txnindex", ".log"] { try FileSystem.remove(directory + "/" + stem + suffix) }
                try FileSystem.remove(swap + "/" + name)
            } else {
                try FileSystem.rename(swap + "/" + name, to: directory + "/" + name)
            }
        }
        try DataDirectory.removeDeletedFolder(swap)
        if syncDirectory { try FileSystem.sync(path: directory, directory: true) }
    }

    static let emptyMarkerSuffix = ".empty"
}
