"""`brook produce/consume --key-schema/--value-schema`: records written by the CLI read back by
confluent-kafka's Avro, Protobuf and JSON Schema deserializers, and records written by confluent's
serializers printed as JSON by the CLI (also kcat's `-s value=avro` spelling)."""

from __future__ import annotations

import json
import subprocess

import pytest
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.serialization import MessageField, SerializationContext

from brook_harness import brook_binary
from clients import consume_confluent, produce_confluent
from test_schema_registry import ORDER_V1, order_message_class

ORDER_PROTO = 'syntax = "proto3";\npackage shop;\n\nmessage Order {\n  int64 id = 1;\n  string item = 2;\n}\n'
ORDER_JSON_SCHEMA = json.dumps({"$schema": "http://json-schema.org/draft-07/schema#", "title": "Order", "type": "object",
                                "properties": {"id": {"type": "integer"}, "item": {"type": "string"}},
                                "required": ["id"], "additionalProperties": False})
KEY_SCHEMA = json.dumps({"type": "record", "name": "OrderKey", "namespace": "shop",
                         "fields": [{"name": "region", "type": "string"}]})


@pytest.fixture
def registry_broker(brook_factory):
    return brook_factory(registry=True)


def brook(broker, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(brook_binary()), *args, "-b", broker.bootstrap, "-r", broker.registry_url],
                          input=stdin, capture_output=True, text=True, timeout=60)


def create_topic(broker, topic: str) -> None:
    created = subprocess.run([str(brook_binary()), "topic", "create", topic, "-b", broker.bootstrap],
                             capture_output=True, text=True, timeout=60)
    assert created.returncode == 0, created.stderr


def test_cli_writes_avro_keys_and_values_that_confluent_reads(registry_broker, topic, tmp_path):
    create_topic(registry_broker, topic)
    (tmp_path / "order.avsc").write_text(ORDER_V1)
    (tmp_path / "key.avsc").write_text(KEY_SCHEMA)
    lines = '{"region":"eu"}|{"id":1,"item":"tea"}\n{"region":"us"}|{"id":2,"item":"cake"}\n' \
            '{"region":"eu"}|{"id":"three"}\n{"region":"eu"}|not json\n'
    produced = brook(registry_broker, "produce", topic, "-K", "|", "--key-schema", str(tmp_path / "key.avsc"),
                     "--value-schema", str(tmp_path / "order.avsc"), stdin=lines)
    assert produced.returncode == 1, produced.stderr
    assert "line 3: the value does not fit its schema" in produced.stderr
    assert "line 4: the value is not JSON" in produced.stderr
    assert "produced 2 record(s)" in produced.stderr

    sr = SchemaRegistryClient({"url": registry_broker.registry_url})
    assert sorted(s for s in sr.get_subjects() if s.startswith(topic)) == [f"{topic}-key", f"{topic}-value"]
    records = consume_confluent(registry_broker.bootstrap, topic, 0, 2)
    values = AvroDeserializer(sr)
    keys = AvroDeserializer(sr)
    assert [values(r.value, SerializationContext(topic, MessageField.VALUE)) for r in records] == \
        [{"id": 1, "item": "tea"}, {"id": 2, "item": "cake"}]
    assert [keys(r.key, SerializationContext(topic, MessageField.KEY)) for r in records] == \
        [{"region": "eu"}, {"region": "us"}]

    # `latest` writes with the subject's registered version, without a file.
    again = brook(registry_broker, "produce", topic, "--value-schema", "latest", stdin='{"id":3,"item":"jam"}\n')
    assert again.returncode == 0, again.stderr
    third = consume_confluent(registry_broker.bootstrap, topic, 0, 3)[2]
    assert values(third.value, SerializationContext(topic, MessageField.VALUE)) == {"id": 3, "item": "jam"}


def test_cli_writes_protobuf_and_json_schema_values_that_confluent_reads(registry_broker, topic, tmp_path):
    from confluent_kafka.schema_registry.json_schema import JSONDeserializer
    from confluent_kafka.schema_registry.protobuf import ProtobufDeserializer
    proto_topic, json_topic = f"{topic}-pb", f"{topic}-js"
    for name in (proto_topic, json_topic):
        create_topic(registry_broker, name)
    (tmp_path / "order.proto").write_text(ORDER_PROTO)
    (tmp_path / "order.json").write_text(ORDER_JSON_SCHEMA)

    produced = brook(registry_broker, "produce", proto_topic, "--value-schema", f"{tmp_path / 'order.proto'}#Order",
                     stdin='{"id":"7","item":"tea"}\n{"id":8}\n')
    assert produced.returncode == 0, produced.stderr
    Order = order_message_class()
    sr = SchemaRegistryClient({"url": registry_broker.registry_url})
    deserialize = ProtobufDeserializer(Order, {"use.deprecated.format": False}, sr)
    records = consume_confluent(registry_broker.bootstrap, proto_topic, 0, 2)
    context = SerializationContext(proto_topic, MessageField.VALUE)
    assert [deserialize(r.value, context) for r in records] == [Order(id=7, item="tea"), Order(id=8)]

    produced = brook(registry_broker, "produce", json_topic, "--value-schema", str(tmp_path / "order.json"),
                     stdin='{"id":1,"item":"tea"}\n{"item":"no id"}\n')
    assert produced.returncode == 1 and "line 2: the value does not fit its schema" in produced.stderr
    [record] = consume_confluent(registry_broker.bootstrap, json_topic, 0, 1)
    assert JSONDeserializer(None, schema_registry_client=sr)(record.value, SerializationContext(json_topic, MessageField.VALUE)) \
        == {"id": 1, "item": "tea"}


def test_cli_prints_what_confluent_serializers_wrote(registry_broker, topic):
    from confluent_kafka.schema_registry.protobuf import ProtobufSerializer
    sr = SchemaRegistryClient({"url": registry_broker.registry_url})
    avro_context = SerializationContext(topic, MessageField.VALUE)
    avro = AvroSerializer(sr, ORDER_V1)
    produce_confluent(registry_broker.bootstrap, topic,
                      [{"value": avro({"id": i, "item": f"item-{i}"}, avro_context), "key": b"k"} for i in range(2)]
                      + [{"value": b"plain text"}])

    printed = brook(registry_broker, "consume", topic, "-s", "value=avro", "-e")
    assert printed.returncode == 1
    assert [json.loads(line) for line in printed.stdout.splitlines()] == [{"id": 0, "item": "item-0"},
                                                                         {"id": 1, "item": "item-1"}]
    assert f"{topic}/0@2: the value not in the Schema Registry wire format" in printed.stderr

    as_json = brook(registry_broker, "consume", topic, "--value-schema", "any", "--json", "-n", "2")
    assert as_json.returncode == 0, as_json.stderr
    objects = [json.loads(line) for line in as_json.stdout.splitlines()]
    avro_id = sr.get_latest_version(f"{topic}-value").schema_id
    assert [(o["key"], o["value"], o["value_schema_id"]) for o in objects] == \
        [("k", {"id": 0, "item": "item-0"}, avro_id), ("k", {"id": 1, "item": "item-1"}, avro_id)]

    wrong_type = brook(registry_broker, "consume", topic, "--value-schema", "protobuf", "-n", "1")
    assert wrong_type.returncode == 1 and "is AVRO, not PROTOBUF" in wrong_type.stderr

    proto_topic = f"{topic}-pb"
    Order = order_message_class()
    context = SerializationContext(proto_topic, MessageField.VALUE)
    serialize = ProtobufSerializer(Order, sr, {"use.deprecated.format": False})
    produce_confluent(registry_broker.bootstrap, proto_topic, [{"value": serialize(Order(id=5, item="tea"), context)}])
    proto = brook(registry_broker, "consume", proto_topic, "--value-schema", "protobuf", "-n", "1")
    assert proto.returncode == 0, proto.stderr
    # The proto3 JSON mapping: int64 as a string.
    assert json.loads(proto.stdout) == {"id": "5", "item": "tea"}
