"""Connectors created through Kafka Connect's REST API run inside `brook serve` (issue 14): a
FileStreamSource → topic → FileStreamSink pipeline, statuses, pause/resume/delete from the CLI,
offsets through KIP-875's endpoints, and the connectors' survival of a restart and of kill -9 (no
lost source data; the sink at least once)."""

from __future__ import annotations

import json
import signal
import subprocess
import time
import urllib.error
import urllib.request

import pytest
from confluent_kafka.admin import AdminClient, NewTopic

from brook_harness import brook_binary
from clients import consume_confluent

WAIT = 60.0
# Short offset flushes so a restart test does not wait out Kafka's 10 s default.
WORKER_PROPERTIES = "offset.flush.interval.ms=500\n"


def rest(broker, method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(broker.connect_url + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            text = answer.read().decode()
            return answer.status, (json.loads(text) if text else None)
    except urllib.error.HTTPError as error:
        text = error.read().decode()
        return error.code, (json.loads(text) if text else None)


def wait_for(what, check, timeout=WAIT):
    """Polls `check` until it returns something truthy; the runtime offers no event to await."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}; last: {last!r}")


def running(broker, name, tasks=1):
    def check():
        status, body = rest(broker, "GET", f"/connectors/{name}/status")
        if status != 200:
            return None
        states = [t["state"] for t in body["tasks"]]
        return body if body["connector"]["state"] == "RUNNING" and states == ["RUNNING"] * tasks else None
    return wait_for(f"{name} RUNNING", check)


def lines(path):
    return path.read_text().splitlines() if path.exists() else []


@pytest.fixture
def connect_brook(brook_factory, tmp_path):
    worker = tmp_path / "worker.properties"
    worker.write_text(WORKER_PROPERTIES)
    return brook_factory(connect=True, extra_args=["--connect-config", str(worker)])


def create_topic(broker, name):
    admin = AdminClient({"bootstrap.servers": broker.bootstrap})
    admin.create_topics([NewTopic(name, 1, 1)])[name].result(30)


def test_file_source_to_topic_to_file_sink_through_rest(connect_brook, topic, tmp_path):
    source_file, sink_file = tmp_path / "in.txt", tmp_path / "out.txt"
    source_file.write_text("alpha\nbeta\ngamma\n")
    create_topic(connect_brook, topic)
    status, body = rest(connect_brook, "POST", "/connectors", {"name": "src", "config": {
        "connector.class": "FileStreamSource", "file": str(source_file), "topic": topic}})
    assert status == 201, body
    assert body["name"] == "src" and body["type"] == "source"
    status, body = rest(connect_brook, "POST", "/connectors", {"name": "sink", "config": {
        "connector.class": "org.apache.kafka.connect.file.FileStreamSinkConnector", "file": str(sink_file), "topics": topic}})
    assert status == 201, body
    src = running(connect_brook, "src")
    assert src["tasks"][0]["worker_id"] == connect_brook.connect_url.removeprefix("http://")
    running(connect_brook, "sink")
    wait_for("the sink file", lambda: lines(sink_file) == ["alpha", "beta", "gamma"])
    # Lines appended later follow; a partial line waits for its newline.
    with source_file.open("a") as f:
        f.write("delta\nepsi")
    wait_for("the appended line", lambda: lines(sink_file) == ["alpha", "beta", "gamma", "delta"])
    with source_file.open("a") as f:
        f.write("lon\n")
    wait_for("the completed line", lambda: lines(sink_file)[-1:] == ["epsilon"])
    # The topic holds Connect's JsonConverter envelope (the worker's default converter).
    first = consume_confluent(connect_brook.bootstrap, topic, 0, 1)[0]
    assert json.loads(first.value) == {"schema": {"type": "string", "optional": False}, "payload": "alpha"}
    # The source's offset is FileStreamSource's {"filename"} → {"position"} in connect-offsets.
    status, body = rest(connect_brook, "GET", "/connectors/src/offsets")
    assert status == 200
    size = source_file.stat().st_size
    wait_for("the committed source offset", lambda: rest(connect_brook, "GET", "/connectors/src/offsets")[1]["offsets"]
             == [{"partition": {"filename": str(source_file)}, "offset": {"position": size}}])
    status, body = rest(connect_brook, "GET", "/connectors?expand=status&expand=info")
    assert set(body) == {"src", "sink"} and body["sink"]["info"]["type"] == "sink"
    # Connect's active topics: what each connector's tasks produced to or consumed from.
    for name in ("src", "sink"):
        assert rest(connect_brook, "GET", f"/connectors/{name}/topics")[1] == {name: {"topics": [topic]}}
    assert rest(connect_brook, "PUT", "/connectors/sink/topics/reset")[0] == 202
    assert rest(connect_brook, "GET", "/connectors/sink/topics")[1] == {"sink": {"topics": []}}
    status, tasks = rest(connect_brook, "GET", "/connectors/src/tasks")
    assert tasks[0]["id"] == {"connector": "src", "task": 0} and tasks[0]["config"]["file"] == str(source_file)


def test_bad_configs_are_rejected_with_connects_shapes(connect_brook):
    status, body = rest(connect_brook, "PUT", "/connector-plugins/FileStreamSink/config/validate",
                        {"connector.class": "FileStreamSink", "name": "x", "tasks.max": "0"})
    assert status == 200 and body["error_count"] >= 2
    errors = {c["value"]["name"]: c["value"]["errors"] for c in body["configs"]}
    assert any("at least 1" in e for e in errors["tasks.max"]), errors["tasks.max"]
    assert errors["topics"] == ["Must configure one of topics or topics.regex"]
    status, body = rest(connect_brook, "POST", "/connectors", {"name": "bad", "config": {
        "connector.class": "FileStreamSink", "tasks.max": "0"}})
    assert status == 400 and body["error_code"] == 400
    assert "Connector configuration is invalid" in body["message"]
    assert rest(connect_brook, "GET", "/connectors/bad/status")[0] == 404
    status, body = rest(connect_brook, "POST", "/connectors", {"name": "nope", "config": {"connector.class": "NoSuchThing"}})
    assert status == 400 and "NoSuchThing" in body["message"]


def connect_cli(broker, *args):
    result = subprocess.run([str(brook_binary()), "connect", *args, "--connect", broker.connect_url],
                            capture_output=True, text=True, timeout=60)
    return result.returncode, result.stdout.strip(), result.stderr.strip()


def test_cli_pause_resume_stop_offsets_and_delete(connect_brook, topic, tmp_path):
    source_file = tmp_path / "in.txt"
    source_file.write_text("one\ntwo\n")
    create_topic(connect_brook, topic)
    config = tmp_path / "src.properties"
    config.write_text(f"name=src\nconnector.class=FileStreamSource\nfile={source_file}\ntopic={topic}\n")
    code, out, err = connect_cli(connect_brook, "create", str(config))
    assert code == 0, err
    running(connect_brook, "src")
    code, out, _ = connect_cli(connect_brook, "list")
    assert out.startswith("src\tsource\tRUNNING\ttasks: RUNNING"), out
    assert len(consume_confluent(connect_brook.bootstrap, topic, 0, 2)) == 2
    assert connect_cli(connect_brook, "pause", "src")[0] == 0
    wait_for("PAUSED", lambda: rest(connect_brook, "GET", "/connectors/src/status")[1]["tasks"] == [
        {"id": 0, "state": "PAUSED", "worker_id": connect_brook.connect_url.removeprefix("http://")}])
    # Offsets change only while the connector is stopped, as Kafka requires.
    status, body = rest(connect_brook, "PATCH", "/connectors/src/offsets",
                        {"offsets": [{"partition": {"filename": str(source_file)}, "offset": {"position": 0}}]})
    assert status == 400 and "STOPPED" in body["message"]
    assert connect_cli(connect_brook, "stop", "src")[0] == 0
    wait_for("STOPPED", lambda: rest(connect_brook, "GET", "/connectors/src/status")[1]["connector"]["state"] == "STOPPED")
    status, body = rest(connect_brook, "PATCH", "/connectors/src/offsets",
                        {"offsets": [{"partition": {"filename": str(source_file)}, "offset": {"position": 0}}]})
    assert status == 200, body
    assert connect_cli(connect_brook, "resume", "src")[0] == 0
    running(connect_brook, "src")
    # Rewound to the start of the file: both lines again.
    got = [r.value for r in consume_confluent(connect_brook.bootstrap, topic, 0, 4)]
    assert [json.loads(v)["payload"] for v in got] == ["one", "two", "one", "two"]
    code, out, _ = connect_cli(connect_brook, "delete", "src")
    assert code == 0 and out == "deleted src"
    assert rest(connect_brook, "GET", "/connectors")[1] == []
    code, _, err = connect_cli(connect_brook, "status", "src")
    assert code != 0 and "src not found" in err


def test_connectors_survive_restart_and_kill9(connect_brook, topic, tmp_path):
    source_file, sink_file = tmp_path / "in.txt", tmp_path / "out.txt"
    source_file.write_text("".join(f"line-{i}\n" for i in range(100)))
    create_topic(connect_brook, topic)
    assert rest(connect_brook, "POST", "/connectors", {"name": "src", "config": {
        "connector.class": "FileStreamSource", "file": str(source_file), "topic": topic}})[0] == 201
    assert rest(connect_brook, "POST", "/connectors", {"name": "sink", "config": {
        "connector.class": "FileStreamSink", "file": str(sink_file), "topics": topic}})[0] == 201
    wait_for("the first 100 lines", lambda: len(lines(sink_file)) >= 100)
    connect_brook.stop()
    with source_file.open("a") as f:
        f.write("".join(f"line-{i}\n" for i in range(100, 150)))
    connect_brook.start()
    wait_for("150 lines after a clean restart", lambda: len(lines(sink_file)) >= 150)
    # A clean stop commits: nothing is written twice.
    assert lines(sink_file) == [f"line-{i}" for i in range(150)]
    connect_brook.proc.send_signal(signal.SIGKILL)
    connect_brook.proc.wait(10)
    with source_file.open("a") as f:
        f.write("".join(f"line-{i}\n" for i in range(150, 200)))
    connect_brook.start()
    # After kill -9: every line arrives (some perhaps twice: the sink is at-least-once).
    wait_for("every line after kill -9", lambda: set(lines(sink_file)) >= {f"line-{i}" for i in range(200)})
    got = lines(sink_file)
    assert got[:150] == [f"line-{i}" for i in range(150)]


def test_a_pipeline_runs_source_transforms_and_sink_standalone(brook, topic, tmp_path):
    source_file, sink_file = tmp_path / "in.txt", tmp_path / "out.txt"
    source_file.write_text("alpha\nbeta\n")
    pipeline = tmp_path / "lines.yaml"
    pipeline.write_text(f"""input:
  FileStreamSource: {{file: {source_file}, topic: {topic}}}
transforms:
  - HoistField$Value: {{field: line}}
output:
  FileStreamSink: {{file: {sink_file}}}
""")
    process = subprocess.Popen([str(brook_binary()), "connect", "run", str(pipeline), "-b", brook.bootstrap],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for("both records through the pipeline", lambda: lines(sink_file) == ["Struct{line=alpha}", "Struct{line=beta}"])
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    assert process.returncode == 0, process.stderr.read()
    # The topic between them holds the transformed records.
    value = json.loads(consume_confluent(brook.bootstrap, topic, 0, 1)[0].value)
    assert value["payload"] == {"line": "alpha"}
    # A config mistake is refused before anything runs, naming the key.
    bad = tmp_path / "bad.yaml"
    bad.write_text(f"input:\n  FileStreamSource: {{file: {source_file}, topic: {topic}, batch.size: lots}}\noutput:\n  kafka: {{topic: {topic}}}\n")
    result = subprocess.run([str(brook_binary()), "connect", "run", str(bad), "-b", brook.bootstrap],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 64 and "batch.size" in result.stderr, result.stderr


@pytest.fixture
def postgres():
    from postgres_fixture import PostgresServer
    server = PostgresServer()
    yield server
    server.stop()


def test_the_issues_postgres_sink_upserts_and_sends_bad_records_to_the_dlq(connect_brook, postgres, topic):
    from confluent_kafka import Producer
    create_topic(connect_brook, topic)
    # The issue's example, verbatim but for the names: upserts by order_id, errors to a DLQ.
    status, body = rest(connect_brook, "POST", "/connectors", {"name": "pg-orders", "config": {
        "connector.class": "PostgresSink", "topics": topic, "connection.url": postgres.url,
        "insert.mode": "upsert", "pk.fields": "order_id", "auto.create": "true", "errors.tolerance": "all",
        "errors.deadletterqueue.topic.name": f"{topic}-dlq", "errors.deadletterqueue.context.headers.enable": "true"}})
    assert status == 201, body
    schema = {"type": "struct", "optional": False, "fields": [
        {"field": "order_id", "type": "int32", "optional": False}, {"field": "item", "type": "string", "optional": True}]}
    producer = Producer({"bootstrap.servers": connect_brook.bootstrap})
    for order_id, item in [(1, "tea"), (2, "cake"), (1, "coffee")]:
        producer.produce(topic, json.dumps({"schema": schema, "payload": {"order_id": order_id, "item": item}}).encode())
    producer.produce(topic, b"this is not json")
    producer.flush(30)
    wait_for("two upserted rows", lambda: postgres.query(f'SELECT order_id, item FROM "{topic}" ORDER BY order_id')
             == [["1", "coffee"], ["2", "cake"]] if _table_exists(postgres, topic) else None)
    [dead] = consume_confluent(connect_brook.bootstrap, f"{topic}-dlq", 0, 1)
    assert dead.value == b"this is not json"
    headers = dict(dead.headers)
    assert headers["__connect.errors.topic"] == topic.encode()
    assert headers["__connect.errors.stage"] == b"VALUE_CONVERTER"
    assert headers["__connect.errors.connector.name"] == b"pg-orders"
    assert rest(connect_brook, "GET", "/connectors/pg-orders/status")[1]["tasks"][0]["state"] == "RUNNING"
    # A sink's offsets are its consumer group's (connect-pg-orders): all four records consumed.
    wait_for("the sink's committed offset", lambda: rest(connect_brook, "GET", "/connectors/pg-orders/offsets")[1]["offsets"]
             == [{"partition": {"kafka_topic": topic, "kafka_partition": 0}, "offset": {"kafka_offset": 4}}])


def _table_exists(postgres, table):
    return postgres.query(f"SELECT count(*) FROM information_schema.tables WHERE table_name = '{table}'") == [["1"]]
