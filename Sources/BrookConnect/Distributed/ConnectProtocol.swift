import NIOCore

/// The group protocol Connect workers speak through the group coordinator (Kafka's
/// `ConnectProtocol`, version 0, protocol name `default`, protocol type `connect`): each worker's
/// join metadata says where its REST API is and how far it has read `connect-configs`; the leader's
/// assignment gives every worker its connectors and tasks. Strings are int16-length-prefixed and
/// arrays int32-counted, as Kafka's `Struct` serialisation writes them.
public enum ConnectProtocol {
    public static let protocolType = "connect"
    public static let protocolName = "default"
    static let version: Int16 = 0
    /// In an assignment, the task number that stands for the connector itself (`CONNECTOR_TASK`).
    static let connectorTask: Int32 = -1

    /// A worker's join metadata (`ConnectProtocol.WorkerState`).
    public struct WorkerState: Sendable, Equatable {
        public var url: String
        public var configOffset: Int64

        public init(url: String, configOffset: Int64) {
            self.url = url
            self.configOffset = configOffset
        }

        public func encode() -> ByteBuffer {
            var buffer = ByteBuffer()
            buffer.writeInteger(ConnectProtocol.version)
            ConnectProtocol.writeString(url, to: &buffer)
            buffer.writeInteger(configOffset)
            return buffer
        }

        public init(decoding bytes: ByteBuffer) throws(ConnectProtocolError) {
            var buffer = bytes
            let version = try ConnectProtocol.readVersion(&buffer)
            guard version >= 0 else { throw .malformed("worker metadata version \(version)") }
            url = try ConnectProtocol.readString(&buffer)
            guard let offset: Int64 = buffer.readInteger() else { throw .malformed("worker metadata ends before its config offset") }
            configOffset = offset
        }
    }

    /// The leader's answer to one worker (`ConnectProtocol.Assignment`).
    public struct Assignment: Sendable, Equatable {
        /// 0, or 1 (`CONFIG_MISMATCH`): the leader could not read the configs the workers had.
        public var error: Int16
        public var leader: String
        public var leaderURL: String
        public var configOffset: Int64
        public var connectors: [String]
        public var tasks: [ConnectTaskID]

        public init(error: Int16 = 0, leader: String, leaderURL: String, configOffset: Int64, connectors: [String], tasks: [ConnectTaskID]) {
            self.error = error
            self.leader = leader
            self.leaderURL = leaderURL
            self.configOffset = configOffset
            self.connectors = connectors
            self.tasks = tasks
        }

        public func encode() -> ByteBuffer {
            var buffer = ByteBuffer()
            buffer.writeInteger(ConnectProtocol.version)
            buffer.writeInteger(error)
            ConnectProtocol.writeString(leader, to: &buffer)
            ConnectProtocol.writeString(leaderURL, to: &buffer)
            buffer.writeInteger(configOffset)
            // Grouped per connector; the connector itself is task -1, listed first.
            var byConnector: [String: [Int32]] = [:]
            for connector in connectors { byConnector[connector, default: []].append(ConnectProtocol.connectorTask) }
            for task in tasks { byConnector[task.connector, default: []].append(task.task) }
            buffer.writeInteger(Int32(byConnector.count))
            for connector in byConnector.keys.sorted() {
                ConnectProtocol.writeString(connector, to: &buffer)
                let numbers = byConnector[connector]!.sorted()
                buffer.writeInteger(Int32(numbers.count))
                for number in numbers { buffer.writeInteger(number) }
            }
            return buffer
        }

        public init(decoding bytes: ByteBuffer) throws(ConnectProtocolError) {
            var buffer = bytes
            let version = try ConnectProtocol.readVersion(&buffer)
            guard version >= 0 else { throw .malformed("assignment version \(version)") }
            guard let error: Int16 = buffer.readInteger() else { throw .malformed("assignment ends before its error code") }
            self.error = error
            leader = try ConnectProtocol.readString(&buffer)
            leaderURL = try ConnectProtocol.readString(&buffer)
            guard let offset: Int64 = buffer.readInteger() else { throw .malformed("assignment ends before its config offset") }
            configOffset = offset
            connectors = []
            tasks = []
            let count = try ConnectProtocol.readCount(&buffer, elementSize: 6)
            for _ in 0..<count {
                let connector = try ConnectProtocol.readString(&buffer)
                let numbers = try ConnectProtocol.readCount(&buffer, elementSize: 4)
                for _ in 0..<numbers {
                    guard let number: Int32 = buffer.readInteger() else { throw .malformed("assignment ends inside \(connector)'s tasks") }
                    if number == ConnectProtocol.connectorTask {
                        connectors.append(connector)
                    } else if number >= 0 {
                        tasks.append(ConnectTaskID(connector: connector, task: number))
                    } else {
                        throw .malformed("task number \(number) of \(connector)")
                    }
                }
            }
        }
    }

    static func writeString(_ text: String, to buffer: inout ByteBuffer) {
        let bytes = Array(text.utf8.prefix(Int(Int16.max)))
        buffer.writeInteger(Int16(bytes.count))
        buffer.writeBytes(bytes)
    }

    static func readVersion(_ buffer: inout ByteBuffer) throws(ConnectProtocolError) -> Int16 {
        guard let version: Int16 = buffer.readInteger() else { throw .malformed("empty connect protocol metadata") }
        return version
    }

    static func readString(_ buffer: inout ByteBuffer) throws(ConnectProtocolError) -> String {
        guard let length: Int16 = buffer.readInteger(), length >= 0 else { throw .malformed("missing or negative string length") }
        guard let bytes = buffer.readBytes(length: Int(length)) else { throw .malformed("string of \(length) bytes is cut short") }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// An array count that the remaining bytes can hold (so a hostile count allocates nothing).
    static func readCount(_ buffer: inout ByteBuffer, elementSize: Int) throws(ConnectProtocolError) -> Int {
        guard let count: Int32 = buffer.readInteger(), count >= 0 else { throw .malformed("missing or negative array count") }
        guard Int(count) * elementSize <= buffer.readableBytes else { throw .malformed("array of \(count) elements is cut short") }
        return Int(count)
    }
}

/// Join metadata or an assignment that cannot be read.
public enum ConnectProtocolError: Error, Sendable, Equatable, CustomStringConvertible {
    case malformed(String)

    public var description: String {
        switch self {
        case .malformed(let why): "malformed connect group protocol data: \(why)"
        }
    }
}
