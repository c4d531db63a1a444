import BrookProtocol
import BrookStorage
import NIOCore

/// One pass of a Fetch over its partitions: the response (records left nil) and, per partition
/// that has data, the file range to send in its place.
struct FetchResult: Sendable {
    /// A partition's records as a file range, placed by its position in `response.responses`.
    struct FilePart: Sendable {
        var topicIndex: Int
        var partitionIndex: Int
        var slice: LogSlice
    }

    var response: FetchResponse
    var files: [FilePart]
    /// True when `min_bytes` is met (or an error means the client should hear now).
    var satisfied: Bool
    /// A follower's fetch only: each partition's log end at the read (topic, then partition), which
    /// a parked follower fetch waits to see move (the high watermark waits for the follower).
    var replicaLogEnds: [String: [Int32: Int64]] = [:]

    /// Releases the segment files of a result that will not be sent.
    func closeFiles() {
        for file in files { file.slice.file.release() }
    }
}
