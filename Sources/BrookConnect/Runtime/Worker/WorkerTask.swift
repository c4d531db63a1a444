import Logging

/// Runs one task of a connector inside a worker (Kafka's `WorkerTask` with its source and sink
/// loops): `run()` starts the task, reports RUNNING, and loops until the calling Swift task is
/// cancelled (a clean stop: a sink flushes and commits, a source waits for its outstanding
/// acknowledgements and writes their offsets) or the task fails (FAILED with a trace). It never
/// throws and never spins.
public final class WorkerTask: Sendable {
    public let id: ConnectTaskID
    private let connectorConfig: [String: String]
    private let taskConfig: [String: String]
    private let maker: ConnectorTasks.Maker
    private let environment: WorkerTaskEnvironment
    private let report: TaskStatusReporter

    public init(id: ConnectTaskID, connectorConfig: [String: String], taskConfig: [String: String],
                maker: ConnectorTasks.Maker, environment: WorkerTaskEnvironment, report: @escaping TaskStatusReporter) {
        self.id = id
        self.connectorConfig = connectorConfig
        self.taskConfig = taskConfig
        self.maker = maker
        self.environment = environment
        self.report = report
    }

    public func run() async {
        var logger = environment.logger
        logger[metadataKey: "connect.task"] = "\(id)"
        let loop: any TaskLoop
        do {
            switch maker {
            case .source(let make):
                loop = try SourceTaskLoop(id: id, connectorConfig: connectorConfig, taskConfig: taskConfig, task: make(), environment: environment)
            case .sink(let make):
                loop = try SinkTaskLoop(id: id, connectorConfig: connectorConfig, taskConfig: taskConfig, task: make(), environment: environment)
            }
        } catch {
            await fail(Self.failure(error), logger: logger)
            return
        }
        do {
            try await loop.start()
            if Task.isCancelled {
                await loop.stop(failed: false)
                return
            }
            await report(id, .running, nil)
            logger.info("\(id) task started")
            try await loop.run()
            await loop.stop(failed: false)
            logger.info("\(id) task stopped")
        } catch {
            if error is CancellationError || Task.isCancelled, !(error is ConnectTaskFailure) {
                await loop.stop(failed: false)
                return
            }
            let failure = Self.failure(error)
            await loop.stop(failed: true)
            await fail(failure, logger: logger)
        }
    }

    private func fail(_ failure: ConnectTaskFailure, logger: Logger) async {
        logger.error("\(id) Task threw an uncaught and unrecoverable exception. Task is being killed and will not recover until manually restarted",
                     metadata: ["error": "\(failure.trace)"])
        await report(id, .failed, failure.trace)
    }

    static func failure(_ error: any Error) -> ConnectTaskFailure {
        if let failure = error as? ConnectTaskFailure { return failure }
        if let config = error as? ConnectConfigError { return ConnectTaskFailure(config.message, cause: nil) }
        return ConnectTaskFailure("Task failed", cause: error)
    }
}

/// What `WorkerTask` drives: a source or sink loop.
protocol TaskLoop: Actor {
    func start() async throws
    func run() async throws
    func stop(failed: Bool) async
}

extension SourceTaskLoop: TaskLoop {}
extension SinkTaskLoop: TaskLoop {}
