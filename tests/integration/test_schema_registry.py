"""The built-in Schema Registry against Confluent's Python client: serializers round-trip records
through Brook, admin calls and REST errors answer as Confluent's registry does, the `brook schema`
CLI drives it, registrations survive kill -9, and topics can require registered schema ids."""

from __future__ import annotations

import json
import subprocess
import urllib.error
import urllib.request

import pytest
from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.schema_registry.error import SchemaRegistryError
from confluent_kafka.serialization import MessageField, SerializationContext

from clients import consume_confluent, produce_confluent
from brook_harness import brook_binary

ORDER_V1 = json.dumps({"type": "record", "name": "Order", "namespace": "shop", "fields": [
    {"name": "id", "type": "long"}, {"name": "item", "type": "string"}]})
# BACKWARD-compatible: a new field with a default.
ORDER_V2 = json.dumps({"type": "record", "name": "Order", "namespace": "shop", "fields": [
    {"name": "id", "type": "long"}, {"name": "item", "type": "string"},
    {"name": "qty", "type": "int", "default": 1}]})
# Not BACKWARD-compatible: a new field without a default.
ORDER_BAD = json.dumps({"type": "record", "name": "Order", "namespace": "shop", "fields": [
    {"name": "id", "type": "long"}, {"name": "item", "type": "string"}, {"name": "price", "type": "double"}]})


@pytest.fixture
def registry_broker(brook_factory):
    return brook_factory(registry=True)


def rest(url: str, method: str = "GET", body: object | None = None) -> tuple[int, object]:
    """One REST call as curl would make it: (HTTP status, parsed JSON body)."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method,
                                     headers={"Content-Type": "application/vnd.schemaregistry.v1+json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def test_avro_serializer_round_trips_through_brook(registry_broker, topic):
    sr = SchemaRegistryClient({"url": registry_broker.registry_url})
    context = SerializationContext(topic, MessageField.VALUE)
    serialize = AvroSerializer(sr, ORDER_V1)
    orders = [{"id": i, "item": f"item-{i}"} for i in range(5)]
    produce_confluent(registry_broker.bootstrap, topic, [{"value": serialize(o, context)} for o in orders])

    records = consume_confluent(registry_broker.bootstrap, topic, 0, len(orders))
    deserialize = AvroDeserializer(sr)
    assert [deserialize(r.value, context) for r in records] == orders
    # Every record carries the registered id after the magic byte.
    [subject] = [s for s in sr.get_subjects() if s == f"{topic}-value"]
    latest = sr.get_latest_version(subject)
    assert {int.from_bytes(r.value[1:5], "big") for r in records} == {latest.schema_id}
    assert all(r.value[0] == 0 for r in records)


def test_compatibility_is_enforced_and_explained(registry_broker, topic):
    sr = SchemaRegistryClient({"url": registry_broker.registry_url})
    subject = f"{topic}-value"
    first = sr.register_schema(subject, Schema(ORDER_V1, "AVRO"))
    assert sr.register_schema(subject, Schema(ORDER_V1, "AVRO")) == first, "same schema, same id"
    second = sr.register_schema(subject, Schema(ORDER_V2, "AVRO"))
    assert second != first
    assert sr.get_versions(subject) == [1, 2]

    with pytest.raises(SchemaRegistryError) as refused:
        sr.register_schema(subject, Schema(ORDER_BAD, "AVRO"))
    assert refused.value.http_status_code == 409 and refused.value.error_code == 40901
    assert "price" in refused.value.error_message

    assert sr.test_compatibility(subject, Schema(ORDER_BAD, "AVRO")) is False
    status, answer = rest(f"{registry_broker.registry_url}/config/{subject}", "PUT", {"compatibility": "NONE"})
    assert (status, answer) == (200, {"compatibility": "NONE"})
    assert sr.test_compatibility(subject, Schema(ORDER_BAD, "AVRO")) is True


def test_rest_errors_use_confluents_codes(registry_broker, topic):
    url = registry_broker.registry_url
    assert rest(f"{url}/subjects/{topic}-nope/versions") == (404, {"error_code": 40401, "message": f"Subject '{topic}-nope' not found."})
    status, body = rest(f"{url}/schemas/ids/999999")
    assert (status, body["error_code"]) == (404, 40403)
    status, body = rest(f"{url}/subjects/{topic}-value/versions", "POST", {"schema": "{not avro"})
    assert (status, body["error_code"]) == (422, 42201)
    status, body = rest(f"{url}/config", "PUT", {"compatibility": "SIDEWAYS"})
    assert (status, body["error_code"]) == (422, 42203)

    subject = f"{topic}-value"
    assert rest(f"{url}/subjects/{subject}/versions", "POST", {"schema": ORDER_V1})[0] == 200
    status, body = rest(f"{url}/subjects/{subject}?permanent=true", "DELETE")
    assert (status, body["error_code"]) == (404, 40405), "a hard delete needs a soft delete first"
    assert rest(f"{url}/subjects/{subject}", "DELETE") == (200, [1])
    assert rest(f"{url}/subjects/{subject}/versions")[0] == 404
    assert rest(f"{url}/subjects?deleted=true")[1] == [subject]
    assert rest(f"{url}/subjects/{subject}?permanent=true", "DELETE") == (200, [1])
    assert rest(f"{url}/subjects?deleted=true")[1] == []
    assert sorted(rest(f"{url}/schemas/types")[1]) == ["AVRO", "JSON", "PROTOBUF"]


def test_registrations_survive_kill_9(registry_broker, topic):
    sr = SchemaRegistryClient({"url": registry_broker.registry_url})
    ids = [sr.register_schema(f"{topic}-{n}-value", Schema(ORDER_V1 if n % 2 else ORDER_V2, "AVRO")) for n in range(6)]
    registry_broker.kill()
    registry_broker.start()
    after = SchemaRegistryClient({"url": registry_broker.registry_url})
    for n, schema_id in enumerate(ids):
        assert after.get_latest_version(f"{topic}-{n}-value").schema_id == schema_id
    # Ids are never reused: a new schema gets a new id after the restart.
    fresh = json.dumps({"type": "record", "name": "Fresh", "fields": [{"name": "x", "type": "int"}]})
    assert after.register_schema(f"{topic}-fresh-value", Schema(fresh, "AVRO")) > max(ids)


def test_brook_schema_cli(registry_broker, topic, tmp_path):
    def cli(*args: str, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run([str(brook_binary()), "schema", *args, "--registry", registry_broker.registry_url],
                                capture_output=True, text=True, timeout=60)
        if check:
            assert result.returncode == 0, result.stderr
        return result

    v1, bad = tmp_path / "v1.avsc", tmp_path / "bad.avsc"
    v1.write_text(ORDER_V1)
    bad.write_text(ORDER_BAD)
    subject = f"{topic}-value"
    registered = json.loads(cli("register", subject, "--file", str(v1)).stdout)
    assert cli("list").stdout.split() == [subject]
    assert json.loads(cli("versions", subject).stdout) == [1]
    assert json.loads(cli("get", "--subject", subject).stdout)["id"] == registered["id"]
    assert json.loads(cli("get", "--id", str(registered["id"]), "--schema-only").stdout) == json.loads(ORDER_V1)
    incompatible = cli("check", subject, "--file", str(bad), check=False)
    assert incompatible.returncode == 1 and json.loads(incompatible.stdout)["is_compatible"] is False
    assert json.loads(cli("config", "--set", "FULL").stdout) == {"compatibility": "FULL"}
    assert json.loads(cli("config").stdout) == {"compatibilityLevel": "FULL"}
    missing = cli("get", "--subject", f"{topic}-nope", check=False)
    assert missing.returncode == 2 and "40401" in missing.stderr
    assert json.loads(cli("delete", subject).stdout) == [1]


def test_topics_can_require_registered_schema_ids(registry_broker, topic):
    from confluent_kafka.admin import AdminClient, NewTopic
    admin = AdminClient({"bootstrap.servers": registry_broker.bootstrap})
    admin.create_topics([NewTopic(topic, 1, 1, config={"confluent.value.schema.validation": "true"})])[topic].result(30)

    sr = SchemaRegistryClient({"url": registry_broker.registry_url})
    context = SerializationContext(topic, MessageField.VALUE)
    good = AvroSerializer(sr, ORDER_V1)({"id": 1, "item": "tea"}, context)
    produce_confluent(registry_broker.bootstrap, topic, [{"value": good}])

    other = sr.register_schema(f"{topic}-other-value", Schema(ORDER_V2, "AVRO"))
    wrong_subject = b"\x00" + other.to_bytes(4, "big") + good[5:]
    for bad in [b"plain text", b"\x00\x00\x0f\x42\x40rest", wrong_subject]:
        [delivery] = produce_confluent(registry_broker.bootstrap, topic, [{"value": bad}], check=False)
        assert delivery.error is not None and delivery.error.name() == "INVALID_RECORD", delivery.error
    assert [r.value for r in consume_confluent(registry_broker.bootstrap, topic, 0, 1)] == [good]


def test_validation_follows_the_topics_subject_name_strategy(registry_broker, topic):
    from confluent_kafka.admin import AdminClient, NewTopic
    from confluent_kafka.schema_registry import record_subject_name_strategy
    admin = AdminClient({"bootstrap.servers": registry_broker.bootstrap})
    strategy = "io.confluent.kafka.serializers.subject.RecordNameStrategy"
    admin.create_topics([NewTopic(topic, 1, 1, config={"confluent.value.schema.validation": "true",
                                                       "confluent.value.subject.name.strategy": strategy})])[topic].result(30)
    bad = admin.create_topics([NewTopic(f"{topic}-x", 1, 1, config={"confluent.value.subject.name.strategy": "Nope"})])
    with pytest.raises(Exception, match="INVALID_CONFIG"):
        bad[f"{topic}-x"].result(30)

    sr = SchemaRegistryClient({"url": registry_broker.registry_url})
    context = SerializationContext(topic, MessageField.VALUE)
    by_record = AvroSerializer(sr, ORDER_V1, conf={"subject.name.strategy": record_subject_name_strategy})
    good = by_record({"id": 1, "item": "tea"}, context)
    assert "shop.Order" in sr.get_subjects()
    produce_confluent(registry_broker.bootstrap, topic, [{"value": good}])
    # The topic's default subject is not what this topic checks.
    by_topic = AvroSerializer(sr, ORDER_V2)({"id": 2, "item": "jam", "qty": 3}, context)
    [delivery] = produce_confluent(registry_broker.bootstrap, topic, [{"value": by_topic}], check=False)
    assert delivery.error is not None and delivery.error.name() == "INVALID_RECORD", delivery.error
    assert [r.value for r in consume_confluent(registry_broker.bootstrap, topic, 0, 1)] == [good]


def order_message_class():
    """A Protobuf message class built at run time (no generated code): shop.Order {id, item}."""
    from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
    field = descriptor_pb2.FieldDescriptorProto
    file = descriptor_pb2.FileDescriptorProto(name="shop/order.proto", package="shop", syntax="proto3")
    order = file.message_type.add(name="Order")
    order.field.add(name="id", number=1, type=field.TYPE_INT64, label=field.LABEL_OPTIONAL)
    order.field.add(name="item", number=2, type=field.TYPE_STRING, label=field.LABEL_OPTIONAL)
    pool = descriptor_pool.DescriptorPool()
    pool.Add(file)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName("shop.Order"))


def test_protobuf_serializer_round_trips_through_brook(registry_broker, topic):
    from confluent_kafka.schema_registry.protobuf import ProtobufDeserializer, ProtobufSerializer
    Order = order_message_class()
    sr = SchemaRegistryClient({"url": registry_broker.registry_url})
    context = SerializationContext(topic, MessageField.VALUE)
    serialize = ProtobufSerializer(Order, sr, {"use.deprecated.format": False})
    orders = [Order(id=i, item=f"item-{i}") for i in range(3)]
    produce_confluent(registry_broker.bootstrap, topic, [{"value": serialize(o, context)} for o in orders])

    deserialize = ProtobufDeserializer(Order, {"use.deprecated.format": False}, sr)
    records = consume_confluent(registry_broker.bootstrap, topic, 0, len(orders))
    assert [deserialize(r.value, context) for r in records] == orders
    registered = sr.get_latest_version(f"{topic}-value")
    assert registered.schema.schema_type == "PROTOBUF"
    assert "message Order" in registered.schema.schema_str   # stored as .proto text, as Confluent does


def test_json_schema_serializer_round_trips_and_validates(registry_broker, topic):
    from confluent_kafka.schema_registry.json_schema import JSONDeserializer, JSONSerializer
    from confluent_kafka.serialization import SerializationError
    schema = json.dumps({"$schema": "http://json-schema.org/draft-07/schema#", "title": "Order", "type": "object",
                         "properties": {"id": {"type": "integer"}, "item": {"type": "string"}},
                         "required": ["id"], "additionalProperties": False})
    sr = SchemaRegistryClient({"url": registry_broker.registry_url})
    context = SerializationContext(topic, MessageField.VALUE)
    serialize = JSONSerializer(schema, sr)
    orders = [{"id": i, "item": f"item-{i}"} for i in range(3)]
    produce_confluent(registry_broker.bootstrap, topic, [{"value": serialize(o, context)} for o in orders])
    with pytest.raises(SerializationError):
        serialize({"item": "no id"}, context)

    deserialize = JSONDeserializer(None, schema_registry_client=sr)
    records = consume_confluent(registry_broker.bootstrap, topic, 0, len(orders))
    assert [deserialize(r.value, context) for r in records] == orders
    # Confluent's JSON Schema rules: closing an open content model is fine, removing a property from a
    # closed one breaks BACKWARD.
    narrower = json.dumps({"$schema": "http://json-schema.org/draft-07/schema#", "title": "Order", "type": "object",
                           "properties": {"id": {"type": "integer"}}, "required": ["id"], "additionalProperties": False})
    assert sr.test_compatibility(f"{topic}-value", Schema(narrower, "JSON")) is False


def test_newer_client_calls_metadata_guids_and_resolved_references(registry_broker, topic):
    from confluent_kafka.schema_registry import (Metadata, MetadataProperties, MetadataTags, SchemaReference,
                                                 dual_schema_id_deserializer, header_schema_id_serializer)
    url = registry_broker.registry_url
    sr = SchemaRegistryClient({"url": url})
    subject = f"{topic}-value"

    def metadata(**properties):
        return Metadata(tags=MetadataTags({}), properties=MetadataProperties(properties), sensitive=[])

    first = sr.register_schema_full_response(subject, Schema(ORDER_V1, "AVRO", metadata=metadata(owner="ann", major="1")))
    second = sr.register_schema_full_response(subject, Schema(ORDER_V2, "AVRO", metadata=metadata(owner="bob", major="2")))
    assert first.guid and second.guid and first.guid != second.guid
    assert sr.get_latest_with_metadata(subject, {"major": "1"}).guid == first.guid
    assert json.loads(sr.get_schema_by_guid(second.guid).schema_str) == json.loads(ORDER_V2)

    # The schema GUID travels in a header instead of the payload's id prefix.
    serialize = AvroSerializer(sr, ORDER_V2, conf={"auto.register.schemas": False, "use.latest.version": True,
                                                   "schema.id.serializer": header_schema_id_serializer})
    context = SerializationContext(topic, MessageField.VALUE, [])
    payload = serialize({"id": 7, "item": "a longer item", "qty": 2}, context)
    deserialize = AvroDeserializer(SchemaRegistryClient({"url": url}),
                                   conf={"schema.id.deserializer": dual_schema_id_deserializer})
    assert deserialize(payload, context) == {"id": 7, "item": "a longer item", "qty": 2}

    address = json.dumps({"type": "record", "name": "Address", "namespace": "shop",
                          "fields": [{"name": "city", "type": "string"}]})
    customer = json.dumps({"type": "record", "name": "Customer", "namespace": "shop",
                           "fields": [{"name": "home", "type": "shop.Address"}]})
    sr.register_schema(f"{topic}-address", Schema(address, "AVRO"))
    customer_id = sr.register_schema(f"{topic}-customer", Schema(
        customer, "AVRO", references=[SchemaReference("shop.Address", f"{topic}-address", 1)]))
    resolved = json.loads(sr.get_schema(customer_id, fmt="resolved").schema_str)
    assert resolved["fields"][0]["type"]["name"] == "Address"
    status, body = rest(f"{url}/contexts/%2E", "DELETE")
    assert (status, body["error_code"]) == (422, 42211)
