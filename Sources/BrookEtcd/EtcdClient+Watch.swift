import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1

extension EtcdClient {
    /// Watches `key` (or every key under it when `prefix`) from `fromRevision` (0: from now on).
    /// Returns once etcd has confirmed the watch, so every later change is delivered, in revision
    /// order. The stream never ends quietly: it throws `compacted` when `fromRevision` is no longer
    /// in etcd's history (re-read, then watch from the read's revision + 1), `connectionClosed` when
    /// etcd goes away, `watchCanceled`/`server` when etcd ends it. Ending the iteration (or
    /// cancelling its task) closes the watch's own connection.
    public func watch(_ key: String, prefix: Bool = false, fromRevision: Int64 = 0,
                      prevKV: Bool = false) async throws -> AsyncThrowingStream<EtcdWatchEvent, Error> {
        let keyBytes = Array(key.utf8)
        let request = WatchCreateRequest(create_request: .init(
            key: WireBytes(keyBytes), range_end: prefix ? WireBytes(EtcdKeyRange.prefixEnd(keyBytes)) : nil,
            start_revision: fromRevision == 0 ? nil : WireInt64(fromRevision), prev_kv: prevKV ? true : nil))
        let body = try Array(JSONEncoder().encode(request))

        let connection = try await pool.connectNew()
        let (stream, continuation) = AsyncThrowingStream<EtcdWatchEvent, Error>.makeStream()
        let created = connection.channel.eventLoop.makePromise(of: Void.self)
        let run = EtcdWatchRun(continuation: continuation, created: created, connection: connection)
        continuation.onTermination = { _ in connection.close() }
        connection.send(path: "/v3/watch", body: body, sink: run.sink, timeout: configuration.requestTimeout,
                        timeoutCoversBody: false)
        try await withTaskCancellationHandler {
            try await created.futureResult.get()
        } onCancel: {
            connection.close()
        }
        return stream
    }
}

/// One watch's response handling: decodes the streamed body and turns it into events or the
/// error that ends the stream.
private final class EtcdWatchRun: Sendable {
    private struct State {
        var decoder = EtcdWatchStreamDecoder()
        var status: HTTPResponseStatus?
        var errorBody = Data()
        var done = false
    }

    private let continuation: AsyncThrowingStream<EtcdWatchEvent, Error>.Continuation
    private let created: EventLoopPromise<Void>
    private let connection: EtcdConnection
    private let state = NIOLockedValueBox(State())

    init(continuation: AsyncThrowingStream<EtcdWatchEvent, Error>.Continuation, created: EventLoopPromise<Void>,
         connection: EtcdConnection) {
        self.continuation = continuation
        self.created = created
        self.connection = connection
    }

    var sink: EtcdResponseSink {
        EtcdResponseSink(
            onHead: { head in self.state.withLockedValue { $0.status = head.status } },
            onBody: { buffer in self.body(buffer) },
            onEnd: { self.end() },
            onError: { self.finish($0) })
    }

    private func body(_ buffer: ByteBuffer) {
        let result = state.withLockedValue { state -> Result<[EtcdWatchMessage], EtcdError>? in
            guard !state.done else { return nil }
            if state.status != .ok {
                if state.errorBody.count < 4096 { state.errorBody.append(contentsOf: buffer.readableBytesView) }
                return nil
            }
            do throws(EtcdError) {
                return .success(try state.decoder.feed(buffer.readableBytesView))
            } catch {
                return .failure(error)
            }
        }
        switch result {
        case nil: return
        case .failure(let error): finish(error)
        case .success(let messages):
            for message in messages {
                switch message {
                case .created:
                    created.succeed()
                case .events(_, let events):
                    for event in events { continuation.yield(event) }
                case .progress:
                    break
                case .canceled(let reason, let compactRevision):
                    finish(compactRevision > 0 ? .compacted(compactRevision: compactRevision) : .watchCanceled(reason: reason))
                    return
                case .error(let code, let message):
                    finish(.server(status: 200, code: code, message: message))
                    return
                }
            }
        }
    }

    private func end() {
        let (status, errorBody) = state.withLockedValue { ($0.status, $0.errorBody) }
        if let status, status != .ok {
            finish(EtcdClient.serverError(status: Int(status.code), body: errorBody))
        } else {
            finish(.connectionClosed(endpoint: "\(connection.endpoint)"))
        }
    }

    /// Ends the watch once: fails the setup wait if still pending, ends the stream, closes the connection.
    private func finish(_ error: EtcdError) {
        let first = state.withLockedValue { state -> Bool in
            defer { state.done = true }
            return !state.done
        }
        guard first else { return }
        created.fail(error)
        continuation.finish(throwing: error)
        connection.close()
    }
}
