/// When to hand a segment's freshly written bytes to the kernel's write-back, so dirty data stays
/// small and a group-commit fsync never waits behind a large backlog (on ext4 an fsync after heavy
/// writes waited 93–160 ms for page-cache write-back). Sans-IO: it only does arithmetic on file
/// positions; `Segment` turns a returned range into a `WriteBackRequest`.
struct WriteBackPolicy: Sendable, Hashable {
    /// Unkicked bytes that trigger the next kick; 0 disables kicking.
    let kickBytes: Int
    /// Start of the bytes not yet handed to write-back.
    private(set) var unkickedFrom: Int

    init(kickBytes: Int, fileSize: Int) {
        self.kickBytes = max(0, kickBytes)
        self.unkickedFrom = max(0, fileSize)
    }

    /// The file now ends at `end`: the range to start writing back, once at least `kickBytes`
    /// accumulated since the last kick; nil otherwise.
    mutating func written(upTo end: Int) -> Range<Int>? {
        if end < unkickedFrom { unkickedFrom = max(0, end) }
        guard kickBytes > 0, end - unkickedFrom >= kickBytes else { return nil }
        defer { unkickedFrom = end }
        return unkickedFrom..<end
    }

    /// The file was cut to `size`: bytes past it no longer exist.
    mutating func truncated(to size: Int) {
        unkickedFrom = min(unkickedFrom, max(0, size))
    }
}
