import ServiceLifecycle

/// The member as a long-lived service. Put it in the broker's `ServiceGroup` after the broker's
/// own services, so that on graceful shutdown it runs first: the controlled shutdown moves
/// leadership away while the broker still serves (followers catch up from it, clients follow the
/// new leaders), and only then the listener and logs stop.
extension ClusterMember: Service {
    /// Joins the cluster (unless `start()` was called already) and takes part until graceful
    /// shutdown, then shuts down in a controlled way; on cancellation it just stops (the lease
    /// expires and the controller moves leadership as for a crash).
    public func run() async throws {
        if store == nil { try await start() }
        try? await gracefulShutdown()
        if Task.isCancelled {
            await stop()
        } else {
            await shutdown()
        }
    }
}
