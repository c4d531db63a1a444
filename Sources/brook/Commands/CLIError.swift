import ArgumentParser
import BrookClient
import BrookProtocol
import BrookRegistryClient
import Foundation

/// Exit statuses of the client commands (documented in the README):
/// 0 ok, 1 the broker refused or an operation failed, 2 not found (topic, group, partition),
/// 3 no broker reachable, 4 timed out, 64 bad arguments.
enum CLIExit: Int32 {
    case ok = 0
    case failed = 1
    case notFound = 2
    case unreachable = 3
    case timedOut = 4
    case usage = 64
}

/// An error a command reports as one line and an exit status.
struct CLIError: Error, CustomStringConvertible {
    var description: String
    var exit: CLIExit

    static func usage(_ message: String) -> CLIError { CLIError(description: message, exit: .usage) }
    static func failed(_ message: String) -> CLIError { CLIError(description: message, exit: .failed) }
    static func notFound(_ message: String) -> CLIError { CLIError(description: message, exit: .notFound) }

    /// Maps any error to its line and status.
    init(_ error: Error) {
        if let error = error as? CLIError {
            self = error
            return
        }
        if let error = error as? KafkaClientError {
            self.init(description: error.description, exit: Self.exit(for: error))
            return
        }
        if let error = error as? SchemaRegistryClientError {
            switch error {
            case .server(let status, _, _): self.init(description: error.description, exit: status == 404 ? .notFound : .failed)
            case .transport: self.init(description: error.description, exit: .unreachable)
            case .invalidResponse: self.init(description: error.description, exit: .failed)
            }
            return
        }
        self.init(description: String(describing: error), exit: .failed)
    }

    init(description: String, exit: CLIExit) {
        self.description = description
        self.exit = exit
    }

    static func exit(for error: KafkaClientError) -> CLIExit {
        switch error {
        case .connectionFailed, .connectionClosed, .noBrokersAvailable:
            return .unreachable
        case .requestTimedOut, .timedOut:
            return .timedOut
        case .invalidArgument, .invalidConfiguration:
            return .usage
        case .server(let code, _, _):
            switch code {
            case .unknownTopicOrPartition, .groupIdNotFound, .unknownTopicId, .resourceNotFound: return .notFound
            case .requestTimedOut: return .timedOut
            default: return .failed
            }
        default:
            return .failed
        }
    }
}

/// Runs a command body, printing any error as `brook: error: ...` and exiting with its status.
func runClientCommand(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as ExitCode {
        throw error
    } catch is CancellationError {
        throw ExitCode(130)
    } catch {
        let failure = CLIError(error)
        FileHandle.standardError.write(Data("brook: error: \(failure.description)\n".utf8))
        throw ExitCode(failure.exit.rawValue)
    }
}

/// Writes a line to stderr.
func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
