import BrookBroker
import XCTest

final class BrokerConfigTests: XCTestCase {
    func testDefaultsAreKafkas() {
        let c = BrokerConfig()
        XCTAssertEqual(c.listenHost, "127.0.0.1")
        XCTAssertEqual(c.listenPort, 9092)
        XCTAssertEqual(c.dataDir, "./brook-data")
        XCTAssertTrue(c.autoCreateTopics)
        XCTAssertEqual(c.numPartitions, 1)
        XCTAssertEqual(c.messageMaxBytes, 1_048_588)
        XCTAssertEqual(c.socketRequestMaxBytes, 104_857_600)
        XCTAssertEqual(c.segmentBytes, 1_073_741_824)
    }

    func testPropertiesParsing() {
        let text = """
        # comment
        ! also a comment
        num.partitions=3
        log.dirs = /tmp/a,/tmp/b
        listeners: PLAINTEXT://0.0.0.0:19092
        long.value=a\\
          b
        """
        let props = BrokerConfig.parseProperties(text)
        XCTAssertEqual(props.map(\.key), ["num.partitions", "log.dirs", "listeners", "long.value"])
        XCTAssertEqual(props[1].value, "/tmp/a,/tmp/b")
        XCTAssertEqual(props[3].value, "ab")
    }

    func testApplyKnownAndUnknownKeys() throws {
        var c = BrokerConfig()
        let warnings = try c.apply([
            ("num.partitions", "4"), ("listeners", "PLAINTEXT://[::1]:9093"), ("advertised.listeners", "PLAINTEXT://kafka:29092"),
            ("log.dirs", "/data/x,/data/y"), ("log.roll.hours", "2"), ("auto.create.topics.enable", "false"),
            ("frobnicate.level", "11"),
        ])
        XCTAssertEqual(c.numPartitions, 4)
        XCTAssertEqual(c.listenHost, "::1")
        XCTAssertEqual(c.listenPort, 9093)
        XCTAssertEqual(c.advertised.host, "kafka")
        XCTAssertEqual(c.advertised.port, 29092)
        XCTAssertEqual(c.dataDir, "/data/x")
        XCTAssertEqual(c.segmentMs, 7_200_000)
        XCTAssertFalse(c.autoCreateTopics)
        XCTAssertEqual(warnings, ["unknown configuration 'frobnicate.level' ignored"])
    }

    func testReplicaFetchSettingsAreKafkasAndConfigurable() throws {
        XCTAssertEqual(BrokerConfig().replicaFetch, ReplicaFetcherSettings())
        XCTAssertEqual(ReplicaFetcherSettings().maxBytesPerPartition, 1_048_576)
        XCTAssertEqual(ReplicaFetcherSettings().maxWaitMs, 500)
        var c = BrokerConfig()
        let warnings = try c.apply([("replica.fetch.max.bytes", "2097152"), ("replica.fetch.response.max.bytes", "4194304"),
                                    ("replica.fetch.wait.max.ms", "100"), ("replica.fetch.min.bytes", "10"),
                                    ("replica.fetch.backoff.ms", "250"), ("replica.socket.timeout.ms", "5000")])
        XCTAssertEqual(warnings, [])
        XCTAssertEqual(c.replicaFetch.maxBytesPerPartition, 2_097_152)
        XCTAssertEqual(c.replicaFetch.responseMaxBytes, 4_194_304)
        XCTAssertEqual(c.replicaFetch.maxWaitMs, 100)
        XCTAssertEqual(c.replicaFetch.minBytes, 10)
        XCTAssertEqual(c.replicaFetch.backoffMs, 250)
        XCTAssertEqual(c.replicaFetch.requestTimeoutMs, 5000)
        XCTAssertThrowsError(try c.apply([("replica.fetch.min.bytes", "0")]))
    }

    func testLeaderRebalanceSettingsAreKafkasAndConfigurable() throws {
        let defaults = BrokerConfig()
        XCTAssertTrue(defaults.autoLeaderRebalanceEnable)
        XCTAssertEqual(defaults.leaderImbalanceCheckIntervalSeconds, 300)
        XCTAssertEqual(defaults.leaderImbalancePerBrokerPercentage, 10)
        var c = BrokerConfig()
        let warnings = try c.apply([("auto.leader.rebalance.enable", "false"), ("leader.imbalance.check.interval.seconds", "2"),
                                    ("leader.imbalance.per.broker.percentage", "25")])
        XCTAssertEqual(warnings, [])
        XCTAssertFalse(c.autoLeaderRebalanceEnable)
        XCTAssertEqual(c.leaderImbalanceCheckIntervalSeconds, 2)
        XCTAssertEqual(c.leaderImbalancePerBrokerPercentage, 25)
        XCTAssertThrowsError(try c.apply([("leader.imbalance.check.interval.seconds", "0")]))
        XCTAssertThrowsError(try c.apply([("leader.imbalance.per.broker.percentage", "101")]))
    }

    func testConnectionFailureDetectionIsOnByDefaultAndCanBeTurnedOff() throws {
        XCTAssertTrue(BrokerConfig().connectionFailureDetectionEnable)
        var c = BrokerConfig()
        XCTAssertEqual(try c.apply([("broker.connection.failure.detection.enable", "false")]), [])
        XCTAssertFalse(c.connectionFailureDetectionEnable)
        XCTAssertThrowsError(try c.apply([("broker.connection.failure.detection.enable", "maybe")]))
    }

    func testBadValuesAreErrors() {
        var c = BrokerConfig()
        XCTAssertThrowsError(try c.apply([("num.partitions", "0")]))
        XCTAssertThrowsError(try c.apply([("num.partitions", "many")]))
        XCTAssertThrowsError(try c.apply([("auto.create.topics.enable", "yes")]))
        XCTAssertThrowsError(try c.apply([("listeners", "nowhere")]))
        XCTAssertThrowsError(try c.apply([("log.message.timestamp.type", "Whenever")]))
    }

    func testAdvertisedDefaultsToListenAddress() {
        var c = BrokerConfig()
        c.listenHost = "0.0.0.0"
        c.listenPort = 1234
        XCTAssertEqual(c.advertised.host, "127.0.0.1")
        XCTAssertEqual(c.advertised.port, 1234)
    }

    func testHostPortParsing() {
        XCTAssertEqual(BrokerConfig.parseHostPort("localhost:9092")?.0, "localhost")
        XCTAssertEqual(BrokerConfig.parseHostPort(":9092")?.0, "0.0.0.0")
        XCTAssertNil(BrokerConfig.parseHostPort("localhost"))
        XCTAssertNil(BrokerConfig.parseHostPort("localhost:99999"))
    }
}
