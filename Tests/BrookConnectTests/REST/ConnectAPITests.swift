@testable import BrookConnect
import BrookSchemas
import Hummingbird
import HummingbirdTesting
import Logging
import XCTest

/// Kafka Connect's REST contract over the in-memory herder: shapes, status codes and messages.
final class ConnectAPITests: XCTestCase {
    private struct Answer {
        var status: Int
        var json: JSONValue?
        var body: String
    }

    private func client() -> (String, String, String?) async -> Answer {
        let api = ConnectAPI(herder: InMemoryConnectHerder(kafkaClusterID: "cluster-1", workerID: "127.0.0.1:8083"))
        return { method, path, body in
            let parts = path.split(separator: "?", maxSplits: 1)
            let answer = await api.respond(to: ConnectHTTPRequest(method: method, path: String(parts[0]),
                                                                  query: parts.count > 1 ? String(parts[1]) : nil,
                                                                  body: Array((body ?? "").utf8)))
            return Answer(status: answer.status, json: try? JSONParser.parse(answer.body), body: answer.body)
        }
    }

    private let fileSink = #"{"name":"sink","config":{"connector.class":"FileStreamSink","topics":"orders","file":"/tmp/out.txt","tasks.max":1}}"#

    func testCreateReadUpdateDeleteAConnector() async throws {
        let call = client()
        var r = await call("GET", "/", nil)
        XCTAssertEqual(r.json?["kafka_cluster_id"]?.stringValue, "cluster-1")
        XCTAssertEqual(r.json?["version"]?.stringValue, BrookConnect.compatibleConnectVersion)

        r = await call("POST", "/connectors", fileSink)
        XCTAssertEqual(r.status, 201)
        XCTAssertEqual(r.body, #"{"name":"sink","config":{"connector.class":"FileStreamSink","file":"/tmp/out.txt","name":"sink","#
            + #""tasks.max":"1","topics":"orders"},"tasks":[{"connector":"sink","task":0}],"type":"sink"}"#)
        r = await call("POST", "/connectors", fileSink)
        XCTAssertEqual(r.status, 409)
        XCTAssertEqual(r.body, #"{"error_code":409,"message":"Connector sink already exists"}"#)

        r = await call("GET", "/connectors", nil)
        XCTAssertEqual(r.body, #"["sink"]"#)
        r = await call("GET", "/connectors?expand=status&expand=info", nil)
        XCTAssertEqual(r.json?["sink"]?["status"]?["connector"]?["state"]?.stringValue, "UNASSIGNED")
        XCTAssertEqual(r.json?["sink"]?["info"]?["type"]?.stringValue, "sink")

        r = await call("PATCH", "/connectors/sink/config", #"{"file":"/tmp/other.txt","tasks.max":null}"#)
        XCTAssertEqual(r.status, 200)
        XCTAssertEqual(r.json?["config"]?["file"]?.stringValue, "/tmp/other.txt")
        XCTAssertNil(r.json?["config"]?["tasks.max"])
        r = await call("PUT", "/connectors/sink/config", #"{"connector.class":"FileStreamSink","topics":"a,b"}"#)
        XCTAssertEqual(r.status, 200, "replacing an existing connector")
        r = await call("GET", "/connectors/sink/config", nil)
        XCTAssertEqual(r.body, #"{"connector.class":"FileStreamSink","name":"sink","topics":"a,b"}"#)
        r = await call("PUT", "/connectors/new/config", #"{"connector.class":"FileStreamSource","topic":"t","file":"in.txt"}"#)
        XCTAssertEqual(r.status, 201, "PUT creates a missing connector")
        r = await call("PUT", "/connectors/new/config", #"{"name":"other","connector.class":"FileStreamSource","topic":"t"}"#)
        XCTAssertEqual(r.body, #"{"error_code":400,"message":"Connector name configuration (other) doesn't match connector name in the URL (new)"}"#)

        r = await call("GET", "/connectors/sink/tasks", nil)
        XCTAssertEqual(r.json?.arrayValue?.first?["id"]?.compactText, #"{"connector":"sink","task":0}"#)
        r = await call("GET", "/connectors/sink/tasks/0/status", nil)
        XCTAssertEqual(r.body, #"{"id":0,"state":"UNASSIGNED","worker_id":"127.0.0.1:8083"}"#)
        r = await call("GET", "/connectors/sink/tasks/3/status", nil)
        XCTAssertEqual(r.status, 404)

        r = await call("DELETE", "/connectors/sink", nil)
        XCTAssertEqual(r.status, 204)
        r = await call("GET", "/connectors/sink", nil)
        XCTAssertEqual(r.body, #"{"error_code":404,"message":"Connector sink not found"}"#)
        r = await call("DELETE", "/connectors/sink", nil)
        XCTAssertEqual(r.status, 404)
    }

    func testPauseResumeStopAndRestart() async throws {
        let call = client()
        _ = await call("POST", "/connectors", fileSink)
        var r = await call("PUT", "/connectors/sink/pause", nil)
        XCTAssertEqual(r.status, 202)
        r = await call("GET", "/connectors/sink/status", nil)
        XCTAssertEqual(r.json?["connector"]?["state"]?.stringValue, "PAUSED")
        r = await call("PUT", "/connectors/sink/stop", nil)
        r = await call("GET", "/connectors/sink/status", nil)
        XCTAssertEqual(r.json?["connector"]?["state"]?.stringValue, "STOPPED")
        XCTAssertEqual(r.json?["tasks"]?.arrayValue?.count, 0, "a stopped connector has no tasks")
        r = await call("PUT", "/connectors/sink/resume", nil)
        XCTAssertEqual(r.status, 202)
        r = await call("POST", "/connectors/sink/restart", nil)
        XCTAssertEqual(r.status, 204)
        r = await call("POST", "/connectors/sink/restart?includeTasks=true&onlyFailed=false", nil)
        XCTAssertEqual(r.status, 202)
        XCTAssertEqual(r.json?["name"]?.stringValue, "sink")
        r = await call("POST", "/connectors/nope/restart", nil)
        XCTAssertEqual(r.status, 404)
        r = await call("GET", "/connectors/sink/pause", nil)
        XCTAssertEqual(r.status, 405)
        r = await call("PATCH", "/connectors/sink/offsets", #"{"offsets":[]}"#)
        XCTAssertEqual(r.status, 501, "refused, never answered as if done")
    }

    func testValidationUsesConnectsShapesAndMessages() async throws {
        let call = client()
        var r = await call("POST", "/connectors", #"{"name":"bad","config":{"connector.class":"FileStreamSink","tasks.max":"0"}}"#)
        XCTAssertEqual(r.status, 400)
        XCTAssertEqual(r.json?["message"]?.stringValue, """
            Connector configuration is invalid and contains the following 2 error(s):
            Invalid value 0 for configuration tasks.max: Value must be at least 1
            Must configure one of topics or topics.regex
            You can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`
            """)
        r = await call("POST", "/connectors", #"{"name":"x","config":{"connector.class":"NoSuchConnector"}}"#)
        XCTAssertEqual(r.status, 400)
        XCTAssertTrue(r.json?["message"]?.stringValue?.contains("Failed to find any class that implements Connector and which name matches NoSuchConnector") == true)
        r = await call("POST", "/connectors", #"{"name":"x"}"#)
        XCTAssertEqual(r.body, #"{"error_code":400,"message":"Connector config must be provided"}"#)
        r = await call("POST", "/connectors", "{not json")
        XCTAssertEqual(r.status, 400)

        r = await call("PUT", "/connector-plugins/DesiredStateSource/config/validate",
                       #"{"name":"d","input":"csv","path":"data/*.csv","topic":"orders"}"#)
        XCTAssertEqual(r.status, 200)
        XCTAssertEqual(r.json?["name"]?.stringValue, "DesiredStateSource")
        XCTAssertEqual(r.json?["error_count"]?.int64Value, 1)
        let keyColumns = r.json?["configs"]?.arrayValue?.first { $0["value"]?["name"]?.stringValue == "key.columns" }
        XCTAssertEqual(keyColumns?["value"]?["errors"]?.arrayValue?.first?.stringValue, "input=csv needs at least one key column")
        XCTAssertEqual(keyColumns?["definition"]?["group"]?.stringValue, "Desired state")
        r = await call("PUT", "/connector-plugins/FileStreamSink/config/validate", #"{"connector.class":"FileStreamSource"}"#)
        XCTAssertEqual(r.body, #"{"error_code":400,"message":"Included connector type FileStreamSource does not match request type FileStreamSink"}"#)

        r = await call("GET", "/connector-plugins", nil)
        XCTAssertEqual(r.json?.arrayValue?.compactMap { $0["class"]?.stringValue }, [
            "DesiredStateSource", "org.apache.kafka.connect.file.FileStreamSinkConnector",
            "org.apache.kafka.connect.file.FileStreamSourceConnector", "HttpSink", "HttpSource", "PostgresSink", "SQLiteSink",
            "io.confluent.connect.jdbc.JdbcSinkConnector", "PostgresSource", "io.confluent.connect.jdbc.JdbcSourceConnector",
        ])
        r = await call("GET", "/connector-plugins/FileStreamSource/config", nil)
        XCTAssertTrue(r.json?.arrayValue?.contains { $0["name"]?.stringValue == "batch.size" && $0["default_value"]?.stringValue == "2000" } == true)
        r = await call("GET", "/connector-plugins/Nope/config", nil)
        XCTAssertEqual(r.body, #"{"error_code":404,"message":"Unknown plugin Nope."}"#)
    }

    func testServesOverARealSocket() async throws {
        let fileSink = self.fileSink
        let app = ConnectRESTServer.makeApplication(host: "127.0.0.1", port: 0,
                                                    herder: InMemoryConnectHerder(kafkaClusterID: "c", workerID: "w"),
                                                    logger: Logger(label: "test"))
        try await app.test(.live) { client in
            try await client.execute(uri: "/connectors", method: .post, headers: [.contentType: "application/json"],
                                     body: ByteBuffer(string: fileSink)) { response in
                XCTAssertEqual(response.status, .created)
                XCTAssertEqual(response.headers[.contentType], "application/json")
            }
            try await client.execute(uri: "/connectors/sink", method: .delete) { response in
                XCTAssertEqual(response.status, .noContent)
            }
        }
    }
}
