/// Chooses partitions for records without a key: all of them go to one partition until that
/// partition's batch is full or sent, then the next batch goes to another (Kafka's sticky
/// partitioner, KIP-480), so keyless records still form large batches.
struct StickyPartitioner {
    private var current: [String: Int32] = [:]
    private var generator = SystemRandomNumberGenerator()

    /// The partition keyless records of `topic` currently stick to, if still valid for `partitionCount`.
    func current(for topic: String, partitionCount: Int) -> Int32? {
        guard let chosen = current[topic], chosen < partitionCount else { return nil }
        return chosen
    }

    /// Moves `topic` to another partition (one with a leader when any has) and returns it.
    mutating func rotate(_ topic: String, available: [Int32], partitionCount: Int) -> Int32 {
        let previous = current[topic]
        let candidates = available.isEmpty ? Array(0..<Int32(partitionCount)) : available
        var next = candidates[0]
        if candidates.count > 1 {
            repeat {
                next = candidates[Int.random(in: 0..<candidates.count, using: &generator)]
            } while next == previous
        }
        current[topic] = next
        return next
    }
}
