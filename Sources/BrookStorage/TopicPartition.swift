/// A topic name and partition number; its folder in the data directory is `<topic>-<partition>`.
public struct TopicPartition: Hashable, Sendable, CustomStringConvertible {
    public var topic: String
    public var partition: Int32

    public init(topic: String, partition: Int32) {
        self.topic = topic
        self.partition = partition
    }

    /// Parses a partition folder name such as `orders-3`; nil for anything else.
    public init?(directoryName: String) {
        guard let dash = directoryName.lastIndex(of: "-") else { return nil }
        let topic = directoryName[..<dash]
        let number = directoryName[directoryName.index(after: dash)...]
        guard !topic.isEmpty, !number.isEmpty, number.allSatisfy({ $0.isASCII && $0.isNumber }),
              let partition = Int32(number)
        else { return nil }
        self.topic = String(topic)
        self.partition = partition
    }

    /// The folder name: `<topic>-<partition>`.
    public var directoryName: String { "\(topic)-\(partition)" }

    public var description: String { directoryName }
}
