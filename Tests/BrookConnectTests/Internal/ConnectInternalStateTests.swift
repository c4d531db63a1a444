import BrookConnect
import BrookSchemas
import XCTest

final class ConnectInternalStateTests: XCTestCase {
    private let props = [ConnectProperty("connector.class", "FileStreamSource")]

    private func replay(_ records: [ConnectConfigRecord]) -> ConnectConfigState {
        var state = ConnectConfigState()
        // Through the bytes, as a worker reads the topic.
        for record in records {
            guard let decoded = ConnectConfigRecord.decode(key: record.key, value: record.value).record else { continue }
            state.apply(decoded)
        }
        return state
    }

    func testTaskConfigsApplyOnlyWhenTheirCommitArrives() {
        var state = replay([.connectorConfig(connector: "c", properties: props),
                            .taskConfig(connector: "c", task: 0, properties: [ConnectProperty("t", "0")]),
                            .taskConfig(connector: "c", task: 1, properties: [ConnectProperty("t", "1")])])
        XCTAssertEqual(state.targetStates["c"], .started)
        XCTAssertEqual(state.tasks(of: "c"), [])
        XCTAssertNil(state.taskConfigs[ConnectTaskID(connector: "c", task: 0)])
        state.apply(.tasksCommit(connector: "c", tasks: 2))
        XCTAssertEqual(state.tasks(of: "c").map(\.description), ["c-0", "c-1"])
        XCTAssertEqual(state.taskConfigs[ConnectTaskID(connector: "c", task: 1)], [ConnectProperty("t", "1")])
    }

    /// Compaction removed task 0's config: the commit cannot be applied and the connector is
    /// inconsistent until its tasks are written again; extra older task configs are fine.
    func testACommitMissingATaskConfigMakesTheConnectorInconsistent() {
        var state = replay([.connectorConfig(connector: "c", properties: props),
                            .taskConfig(connector: "c", task: 1, properties: []),
                            .tasksCommit(connector: "c", tasks: 2)])
        XCTAssertEqual(state.inconsistent, ["c"])
        XCTAssertEqual(state.tasks(of: "c"), [])
        state.apply(.taskConfig(connector: "c", task: 0, properties: []))
        state.apply(.taskConfig(connector: "c", task: 2, properties: []))
        state.apply(.tasksCommit(connector: "c", tasks: 1))
        XCTAssertEqual(state.inconsistent, [])
        XCTAssertEqual(state.tasks(of: "c").count, 1)
    }

    func testDeletingAConnectorDropsItsConfigTasksAndTargetState() {
        let state = replay([.connectorConfig(connector: "c", properties: props), .targetState(connector: "c", .paused),
                            .taskConfig(connector: "c", task: 0, properties: []), .tasksCommit(connector: "c", tasks: 1),
                            .connectorConfig(connector: "c", properties: nil), .targetState(connector: "c", nil)])
        XCTAssertNil(state.connectorConfigs["c"])
        XCTAssertNil(state.targetStates["c"])
        XCTAssertEqual(state.tasks(of: "c"), [])
        XCTAssertTrue(state.taskConfigs.isEmpty)
    }

    func testTargetStatesAndEventsReplay() {
        var state = replay([.targetState(connector: "c", .stopped), .connectorConfig(connector: "c", properties: props)])
        XCTAssertEqual(state.targetStates["c"], .stopped)
        XCTAssertEqual(state.apply(.restartRequest(connector: "c", includeTasks: true, onlyFailed: true))?.connector, "c")
        state.apply(.loggerLevel(namespace: "root", level: "INFO"))
        XCTAssertEqual(state.loggerLevels, ["root": "INFO"])
        // A target-state tombstone for a connector that still exists falls back to STARTED.
        state.apply(.targetState(connector: "c", nil))
        XCTAssertEqual(state.targetStates["c"], .started)
    }

    func testALateUnassignedTaskStatusDoesNotHideARunningOne() {
        var table = ConnectStatusTable()
        let id = ConnectTaskID(connector: "c", task: 0)
        table.apply(.task(connector: "c", task: 0, ConnectStatus(state: .running, workerId: "w1", generation: 4)))
        table.apply(.task(connector: "c", task: 0, ConnectStatus(state: .unassigned, workerId: "w2", generation: 4)))
        XCTAssertEqual(table.tasks[id]?.state, .running)
        table.apply(.task(connector: "c", task: 0, ConnectStatus(state: .unassigned, workerId: "w2", generation: 5)))
        XCTAssertEqual(table.tasks[id]?.state, .unassigned)
        table.apply(.topic(topic: "t", connector: "c", ConnectTopicStatus(topic: "t", connector: "c", task: 0, discoverTimestamp: 1)))
        XCTAssertEqual(table.topics["c"]?.keys.sorted(), ["t"])
        table.apply(.topic(topic: "t", connector: "c", nil))
        XCTAssertNil(table.topics["c"])
        table.apply(.task(connector: "c", task: 0, nil))
        XCTAssertNil(table.tasks[id])
    }

    func testOffsetsKeepTheLatestPerPartitionAndTombstonesRemoveThem() {
        var table = ConnectOffsetTable()
        let partition = JSONValue.object([("filename", .string("a.txt"))])
        table.apply(ConnectOffsetRecord(connector: "f", partition: partition, offset: .object([("position", .number("10"))])))
        table.apply(ConnectOffsetRecord(connector: "f", partition: partition, offset: .object([("position", .number("25"))])))
        XCTAssertEqual(table.offset(connector: "f", partition: partition), .object([("position", .number("25"))]))
        table.apply(ConnectOffsetRecord(connector: "f", partition: partition, offset: nil))
        XCTAssertNil(table.offset(connector: "f", partition: partition))
        XCTAssertTrue(table.offsets.isEmpty)
    }
}
