"""The desired-state source (issue 14) run standalone with `brook connect run`: a CSV file declares
what each key of a compacted topic holds, and each pass emits exactly the upserts and tombstones
that reconcile the topic with it — nothing on a re-run, one tombstone per row of a deleted file."""

from __future__ import annotations

import json
import subprocess

from confluent_kafka.admin import AdminClient, ConfigResource, NewTopic

from brook_harness import brook_binary
from clients import consume_confluent

PROPERTIES = """# a connector as connect-standalone reads it
name={name}
connector.class=DesiredStateSource
input=csv
path=data/*.csv
key.columns=id
topic={topic}
"""


def run_pass(broker, config) -> str:
    result = subprocess.run([str(brook_binary()), "connect", "run", str(config), "--once", "-b", broker.bootstrap],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def records(broker, topic, count):
    return [(r.key.decode(), json.loads(r.value) if r.value is not None else None)
            for r in consume_confluent(broker.bootstrap, topic, 0, count)]


def test_csv_edits_become_exactly_the_upserts_and_tombstones(brook, topic, tmp_path):
    (tmp_path / "data").mkdir()
    csv = tmp_path / "data" / "orders.csv"
    csv.write_text("id,item,qty\n1,tea,2\n2,cake,1\n3,jam,5\n")
    config = tmp_path / "orders.properties"
    config.write_text(PROPERTIES.format(name=f"{topic}-src", topic=topic))

    assert run_pass(brook, config) == "pass: 3 upsert(s), 0 delete(s), 0 unchanged"
    assert run_pass(brook, config) == "pass: 0 upsert(s), 0 delete(s), 3 unchanged", "a restart re-sends nothing"
    # Edit two rows and delete one line: two upserts and one tombstone.
    csv.write_text("id,item,qty\n1,tea,3\n2,cake,1\n4,pie,1\n")
    assert run_pass(brook, config) == "pass: 2 upsert(s), 1 delete(s), 1 unchanged"
    got = records(brook, topic, 6)
    assert got[:3] == [("1", {"id": "1", "item": "tea", "qty": "2"}), ("2", {"id": "2", "item": "cake", "qty": "1"}),
                       ("3", {"id": "3", "item": "jam", "qty": "5"})]
    assert sorted(got[3:], key=lambda kv: kv[0]) == [("1", {"id": "1", "item": "tea", "qty": "3"}), ("3", None),
                                                     ("4", {"id": "4", "item": "pie", "qty": "1"})]
    # Delete the whole file: one tombstone per row it had.
    csv.unlink()
    assert run_pass(brook, config) == "pass: 0 upsert(s), 3 delete(s), 0 unchanged"
    assert sorted(records(brook, topic, 9)[6:]) == [("1", None), ("2", None), ("4", None)]
    admin = AdminClient({"bootstrap.servers": brook.bootstrap})
    described = admin.describe_configs([ConfigResource("topic", topic)])
    [entries] = [f.result(30) for f in described.values()]
    assert entries["cleanup.policy"].value == "compact", "the target topic is created compacted"


def test_a_target_topic_that_is_not_compacted_is_refused(brook, topic, tmp_path):
    admin = AdminClient({"bootstrap.servers": brook.bootstrap})
    admin.create_topics([NewTopic(topic, 1, 1)])[topic].result(30)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "a.csv").write_text("id,v\n1,x\n")
    config = tmp_path / "c.properties"
    config.write_text(PROPERTIES.format(name=f"{topic}-src", topic=topic))
    result = subprocess.run([str(brook_binary()), "connect", "run", str(config), "--once", "-b", brook.bootstrap],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "needs a compacted topic (cleanup.policy=compact)" in result.stderr
    bad = tmp_path / "bad.properties"
    bad.write_text("name=x\nconnector.class=DesiredStateSource\ninput=csv\npath=data/*.csv\ntopic=t\n")
    result = subprocess.run([str(brook_binary()), "connect", "run", str(bad), "--once", "-b", brook.bootstrap],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 64 and "input=csv needs at least one key column" in result.stderr


def test_a_folder_of_files_declares_one_record_per_file(brook, topic, tmp_path):
    docs = tmp_path / "docs"
    (docs / "eu").mkdir(parents=True)
    (docs / "eu" / "a.json").write_text('{"b": 1,  "a": [1, 2]}')
    (docs / "us.json").write_text('{"x": true}')
    (docs / "notes.txt").write_text("not matched by the glob")
    config = tmp_path / "files.properties"
    config.write_text(f"name={topic}-files\nconnector.class=DesiredStateSource\ninput=files\npath=docs/**/*.json\n"
                      f"value.format=json\ntopic={topic}\n")
    assert run_pass(brook, config) == "pass: 2 upsert(s), 0 delete(s), 0 unchanged"
    got = sorted((r.key.decode(), r.value.decode()) for r in consume_confluent(brook.bootstrap, topic, 0, 2))
    assert got == [("eu/a.json", '{"b":1,"a":[1,2]}'), ("us.json", '{"x":true}')]
    (docs / "us.json").unlink()
    assert run_pass(brook, config) == "pass: 0 upsert(s), 1 delete(s), 1 unchanged"
    [last] = consume_confluent(brook.bootstrap, topic, 0, 3)[2:]
    assert (last.key, last.value) == (b"us.json", None)


def test_a_running_connector_reacts_to_file_changes(brook, topic, tmp_path):
    import queue
    import signal
    import threading
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "x.csv").write_text("id,v\n1,a\n2,b\n")
    (tmp_path / "data" / "y.csv").write_text("id,v\n10,z\n")
    config = tmp_path / "w.properties"
    config.write_text(PROPERTIES.format(name=f"{topic}-w", topic=topic))
    process = subprocess.Popen([str(brook_binary()), "connect", "run", str(config), "--interval", "600", "-b", brook.bootstrap],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line.strip()) for line in process.stdout], daemon=True).start()
    try:
        assert lines.get(timeout=30) == "pass: 3 upsert(s), 0 delete(s), 0 unchanged"
        # Only the changed file is read again: its other row is the one unchanged.
        (tmp_path / "data" / "x.csv").write_text("id,v\n1,a\n2,B\n")
        assert lines.get(timeout=30) == "pass: 1 upsert(s), 0 delete(s), 1 unchanged"
        (tmp_path / "data" / "y.csv").unlink()
        assert lines.get(timeout=30) == "pass: 0 upsert(s), 1 delete(s), 0 unchanged"
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    assert process.returncode == 0, process.stderr.read()
    got = [(r.key.decode(), r.value) for r in consume_confluent(brook.bootstrap, topic, 0, 5)]
    assert got[3:] == [("2", b'{"id":"2","v":"B"}'), ("10", None)]


def test_a_yaml_pipeline_runs_and_its_mistakes_point_at_lines(brook, topic, tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "a.csv").write_text("id,v\n1,x\n2,y\n")
    pipeline = tmp_path / "orders.yaml"
    pipeline.write_text(f"""# the desired-state demo as a pipeline
input:
  DesiredStateSource:
    input: csv
    path: data/*.csv
    key:
      columns: id
output:
  kafka: {{topic: {topic}}}
""")
    assert run_pass(brook, pipeline) == "pass: 2 upsert(s), 0 delete(s), 0 unchanged"
    assert sorted(r.key for r in consume_confluent(brook.bootstrap, topic, 0, 2)) == [b"1", b"2"]

    broken = tmp_path / "broken.yaml"
    broken.write_text("input:\n  DesiredStateSource:\n\tinput: csv\n")
    result = subprocess.run([str(brook_binary()), "connect", "run", str(broken), "--once", "-b", brook.bootstrap],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 64 and "line 3" in result.stderr, result.stderr
    with_transforms = tmp_path / "t.yaml"
    with_transforms.write_text(pipeline.read_text().replace("output:", "transforms:\n  - InsertField$Value: {static.field: o, static.value: v}\noutput:"))
    result = subprocess.run([str(brook_binary()), "connect", "run", str(with_transforms), "--once", "-b", brook.bootstrap],
                            capture_output=True, text=True, timeout=60)
    # Transforms run on the standalone worker, which has no single pass to stop after.
    assert result.returncode == 64 and "--once applies to the desired-state source alone" in result.stderr, result.stderr
