import BrookEtcd
import BrookTestSupport
import Logging
import NIOCore
import NIOPosix
import XCTest

/// A private etcd plus a client for it, stopped (by pid) and shut down whatever the test body does.
func withEtcd<T>(_ body: (EtcdProcess, EtcdClient) async throws -> T) async throws -> T {
    let etcd = try EtcdProcess()
    let client = makeClient([etcd.endpoint])
    do {
        let result = try await body(etcd, client)
        await client.shutdown()
        etcd.stop()
        return result
    } catch {
        await client.shutdown()
        etcd.stop()
        throw error
    }
}

func makeClient(_ endpoints: [String], requestTimeout: TimeAmount = .seconds(3)) -> EtcdClient {
    let parsed = try! EtcdEndpoints.parse(endpoints.joined(separator: ","))
    return EtcdClient(
        endpoints: parsed, eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
        configuration: .init(requestTimeout: requestTimeout, connectTimeout: .milliseconds(500)),
        logger: Logger(label: "brook.etcd.test"))
}

/// A key no other test uses.
func uniqueKey(_ name: String = #function) -> String {
    "/brook-test/\(name.prefix { $0 != "(" })/\(UInt32.random(in: 0...UInt32.max))"
}
