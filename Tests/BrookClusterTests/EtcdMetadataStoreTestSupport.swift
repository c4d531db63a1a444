@testable import BrookCluster
import BrookEtcd
import BrookTestSupport
import Foundation
import Logging
import NIOCore
import NIOPosix
import XCTest

/// A private etcd for one test, plus a way to open stores and clients on it under one fresh root.
/// Everything it opened is shut down and etcd stopped (by pid) whatever the test body does.
final class EtcdStoreFixture: @unchecked Sendable {
    let etcd: EtcdProcess
    let layout = EtcdKeyLayout(root: "/brook-test-\(UUID().uuidString)/")
    private let lock = NSLock()
    private var clients: [EtcdClient] = []
    private var stores: [EtcdMetadataStore] = []

    init() throws {
        etcd = try EtcdProcess()
    }

    func client() -> EtcdClient {
        let client = EtcdClient(
            endpoints: try! EtcdEndpoints.parse(etcd.endpoint), eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
            configuration: .init(requestTimeout: .seconds(3), connectTimeout: .milliseconds(500)),
            logger: Logger(label: "brook.etcd.test"))
        lock.withLock { clients.append(client) }
        return client
    }

    /// A store with its own client (as a separate broker would have).
    func store(configuration: EtcdMetadataStore.Configuration = .init()) async throws -> EtcdMetadataStore {
        let store = try await EtcdMetadataStore.start(client: client(), layout: layout, configuration: configuration,
                                                      logger: Logger(label: "brook.etcdstore.test"))
        lock.withLock { stores.append(store) }
        return store
    }

    func clusterState() -> EtcdClusterState { EtcdClusterState(client: client(), layout: layout) }

    func close() async {
        let (stores, clients) = lock.withLock { (self.stores, self.clients) }
        for store in stores { store.shutdown() }
        for client in clients { await client.shutdown() }
        etcd.stop()
    }
}

func withEtcdStore<T>(_ body: (EtcdStoreFixture) async throws -> T) async throws -> T {
    let fixture = try EtcdStoreFixture()
    do {
        let result = try await body(fixture)
        await fixture.close()
        return result
    } catch {
        await fixture.close()
        throw error
    }
}

/// Asserts that `body` throws and hands the error over.
func assertEtcdStoreThrows(_ body: () async throws -> Void, file: StaticString = #filePath, line: UInt = #line,
                       _ check: (Error) -> Void) async {
    do {
        try await body()
        XCTFail("expected an error", file: file, line: line)
    } catch {
        check(error)
    }
}

// XCTest's assertions take autoclosures, which cannot await; these take values, so a check can
// read `expectEqual(try await store.loadTopics(), ...)`.

func expectEqual<T: Equatable>(_ actual: T, _ expected: T, _ message: String = "", file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(actual, expected, message, file: file, line: line)
}

func expectNil<T>(_ value: T?, _ message: String = "", file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertNil(value, message, file: file, line: line)
}

func expectUnwrap<T>(_ value: T?, file: StaticString = #filePath, line: UInt = #line) throws -> T {
    try XCTUnwrap(value, file: file, line: line)
}
