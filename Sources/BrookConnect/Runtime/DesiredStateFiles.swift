import Foundation

/// Reads what a `path` glob names from disk for a desired-state pass: every regular file under the
/// glob's root whose path relative to the root matches, with its bytes (the I/O edge of
/// `DesiredStateInput`). Hidden files and directories (`.name`) are skipped, as editors leave them.
enum DesiredStateFiles {
    /// Files bigger than this are refused rather than read into memory whole.
    static let maximumFileBytes = 1 << 30

    static func read(_ glob: PathGlob, relativeTo base: String? = nil) throws -> [(path: String, bytes: [UInt8])] {
        let root = glob.root.hasPrefix("/") || base == nil ? glob.root : base! + "/" + glob.root
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory) else { return [] }
        if !isDirectory.boolValue {
            // A pattern without wildcards names one file: its key is its name.
            let name = (root as NSString).lastPathComponent
            return [(name, try bytes(of: root))]
        }
        var out: [(path: String, bytes: [UInt8])] = []
        let rootURL = URL(fileURLWithPath: root).standardizedFileURL
        guard let walker = FileManager.default.enumerator(at: rootURL, includingPropertiesForKeys: [.isRegularFileKey],
                                                          options: [.skipsHiddenFiles]) else { return [] }
        let prefix = rootURL.path.hasSuffix("/") ? rootURL.path : rootURL.path + "/"
        for case let url as URL in walker {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true else { continue }
            let full = url.standardizedFileURL.path
            guard full.hasPrefix(prefix) else { continue }
            let relative = String(full.dropFirst(prefix.count))
            if glob.matches(relative) { out.append((relative, try bytes(of: full))) }
        }
        return out.sorted { $0.path < $1.path }
    }

    private static func bytes(of path: String) throws -> [UInt8] {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        if let size = attributes[.size] as? Int, size > maximumFileBytes {
            throw DesiredStateError.invalidConfig(key: "path", reason: "\(path) is larger than \(maximumFileBytes) bytes")
        }
        return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }
}
