"""confluent-kafka AdminClient against the topic admin APIs, including their error codes."""

from __future__ import annotations

import struct
import time

import pytest
from confluent_kafka import KafkaError, KafkaException, Producer, TopicPartition, TopicCollection
from confluent_kafka.admin import (AdminClient, AlterConfigOpType, ConfigEntry, ConfigResource, ConfigSource,
                                   NewPartitions, NewTopic, OffsetSpec)

from kafka_wire import Connection
from kafka_wire_flexible import API_DESCRIBE_TOPIC_PARTITIONS, describe_topic_partitions


def admin_for(bootstrap: str) -> AdminClient:
    return AdminClient({"bootstrap.servers": bootstrap, "socket.timeout.ms": 10000})


def error_of(future) -> KafkaError:
    with pytest.raises(KafkaException) as info:
        future.result(timeout=20)
    return info.value.args[0]


def create(admin, name, partitions=1, config=None):
    admin.create_topics([NewTopic(name, partitions, 1, config=config or {})])[name].result(timeout=20)


def produce(bootstrap, topic, count, partition=0, key=None, timestamps=None):
    producer = Producer({"bootstrap.servers": bootstrap, "linger.ms": 0})
    for i in range(count):
        kwargs = {"timestamp": timestamps[i]} if timestamps else {}
        producer.produce(topic, value=f"v{i}".encode(), key=key, partition=partition, **kwargs)
        producer.flush(10)
    assert producer.flush(10) == 0


def test_create_errors_duplicate_zero_partitions_bad_config_and_bad_name(brook, topic):
    admin = admin_for(brook.bootstrap)
    create(admin, topic, 2)
    assert error_of(admin.create_topics([NewTopic(topic, 1, 1)])[topic]).code() == KafkaError.TOPIC_ALREADY_EXISTS
    assert error_of(admin.create_topics([NewTopic(topic + "-z", 0, 1)])[topic + "-z"]).code() == \
        KafkaError.INVALID_PARTITIONS
    bad = admin.create_topics([NewTopic(topic + "-c", 1, 1, config={"retention.ms": "soon"})])[topic + "-c"]
    assert error_of(bad).code() == KafkaError.INVALID_CONFIG
    bad = admin.create_topics([NewTopic(topic + "-p", 1, 1, config={"cleanup.policy": "shred"})])[topic + "-p"]
    assert error_of(bad).code() == KafkaError.INVALID_CONFIG
    bad = admin.create_topics([NewTopic(topic + "-u", 1, 1, config={"no.such.config": "1"})])[topic + "-u"]
    assert error_of(bad).code() == KafkaError.INVALID_CONFIG
    assert error_of(admin.create_topics([NewTopic("bad name!", 1, 1)])["bad name!"]).code() == \
        KafkaError.TOPIC_EXCEPTION
    collide = topic.replace("-", ".") + ".x"
    create(admin, topic.replace("-", "_") + "_x")
    assert error_of(admin.create_topics([NewTopic(collide, 1, 1)])[collide]).code() == KafkaError.TOPIC_EXCEPTION


def test_delete_topic_then_recreate_gets_new_id_and_no_old_data(brook_factory, topic):
    # Renamed folders wait log.segment.delete.delay.ms (default 60 s) before they are removed.
    brook = brook_factory(settings={"log.segment.delete.delay.ms": 200})
    admin = admin_for(brook.bootstrap)
    create(admin, topic, 2)
    produce(brook.bootstrap, topic, 5)
    first = admin.describe_topics(TopicCollection([topic]))[topic].result(timeout=20)
    admin.delete_topics([topic])[topic].result(timeout=20)
    assert error_of(admin.delete_topics([topic])[topic]).code() == KafkaError.UNKNOWN_TOPIC_OR_PART
    assert error_of(admin.delete_topics(["__consumer_offsets"])["__consumer_offsets"]).code() != KafkaError.NO_ERROR
    create(admin, topic, 1)
    second = admin.describe_topics(TopicCollection([topic]))[topic].result(timeout=20)
    assert second.topic_id != first.topic_id
    assert len(second.partitions) == 1
    tp = TopicPartition(topic, 0)
    latest = admin.list_offsets({tp: OffsetSpec.latest()})[tp].result(timeout=20)
    assert latest.offset == 0
    # The renamed folders are removed after the delay.
    deadline = time.time() + 20
    while any(p.name.endswith("-delete") for p in brook.data_dir.iterdir()) and time.time() < deadline:
        time.sleep(0.1)
    assert not any(p.name.endswith("-delete") for p in brook.data_dir.iterdir())


def test_create_partitions_grows_and_rejects_non_increase(brook, topic):
    admin = admin_for(brook.bootstrap)
    create(admin, topic, 2)
    admin.create_partitions([NewPartitions(topic, 4)])[topic].result(timeout=20)
    assert len(admin.describe_topics(TopicCollection([topic]))[topic].result(timeout=20).partitions) == 4
    assert error_of(admin.create_partitions([NewPartitions(topic, 4)])[topic]).code() == KafkaError.INVALID_PARTITIONS
    assert error_of(admin.create_partitions([NewPartitions(topic, 3)])[topic]).code() == KafkaError.INVALID_PARTITIONS
    missing = topic + "-missing"
    assert error_of(admin.create_partitions([NewPartitions(missing, 3)])[missing]).code() == \
        KafkaError.UNKNOWN_TOPIC_OR_PART
    produce(brook.bootstrap, topic, 1, partition=3)


@pytest.mark.filterwarnings("ignore:alter_configs has been deprecated:DeprecationWarning")  # legacy AlterConfigs is under test
def test_describe_alter_and_incrementally_alter_configs_survive_restart(brook, topic):
    admin = admin_for(brook.bootstrap)
    create(admin, topic, 1, {"retention.ms": "3600000"})
    resource = ConfigResource(ConfigResource.Type.TOPIC, topic)
    configs = admin.describe_configs([resource])[resource].result(timeout=20)
    assert configs["retention.ms"].value == "3600000"
    assert configs["retention.ms"].source == ConfigSource.DYNAMIC_TOPIC_CONFIG.value
    assert configs["cleanup.policy"].value == "delete"
    assert configs["cleanup.policy"].source == ConfigSource.DEFAULT_CONFIG.value
    assert configs["segment.bytes"].value == "1073741824"
    assert len(configs) >= 20

    change = ConfigResource(ConfigResource.Type.TOPIC, topic, incremental_configs=[
        ConfigEntry("cleanup.policy", "compact", incremental_operation=AlterConfigOpType.APPEND),
        ConfigEntry("retention.ms", None, incremental_operation=AlterConfigOpType.DELETE),
        ConfigEntry("segment.bytes", "1048576", incremental_operation=AlterConfigOpType.SET),
    ])
    admin.incremental_alter_configs([change])[change].result(timeout=20)
    configs = admin.describe_configs([resource])[resource].result(timeout=20)
    assert set(configs["cleanup.policy"].value.split(",")) == {"delete", "compact"}
    assert configs["retention.ms"].value == "604800000"
    assert configs["segment.bytes"].value == "1048576"

    bad = ConfigResource(ConfigResource.Type.TOPIC, topic, incremental_configs=[
        ConfigEntry("min.cleanable.dirty.ratio", "1.5", incremental_operation=AlterConfigOpType.SET)])
    assert error_of(admin.incremental_alter_configs([bad])[bad]).code() == KafkaError.INVALID_CONFIG
    bad = ConfigResource(ConfigResource.Type.TOPIC, topic, incremental_configs=[
        ConfigEntry("retention.ms", "1", incremental_operation=AlterConfigOpType.APPEND)])
    assert error_of(admin.incremental_alter_configs([bad])[bad]).code() == KafkaError.INVALID_CONFIG
    missing = ConfigResource(ConfigResource.Type.TOPIC, topic + "-missing", set_config={"retention.ms": "1000"})
    assert error_of(admin.alter_configs([missing])[missing]).code() == KafkaError.UNKNOWN_TOPIC_OR_PART

    replace = ConfigResource(ConfigResource.Type.TOPIC, topic, set_config={"max.message.bytes": "2000000"})
    admin.alter_configs([replace])[replace].result(timeout=20)
    brook.restart()
    admin = admin_for(brook.bootstrap)
    configs = admin.describe_configs([resource])[resource].result(timeout=20)
    assert configs["max.message.bytes"].value == "2000000"
    assert configs["max.message.bytes"].source == ConfigSource.DYNAMIC_TOPIC_CONFIG.value
    assert configs["cleanup.policy"].value == "delete"  # AlterConfigs replaces every override

    broker = ConfigResource(ConfigResource.Type.BROKER, "0")
    broker_configs = admin.describe_configs([broker])[broker].result(timeout=20)
    assert broker_configs["log.retention.ms"].value == "604800000"
    assert broker_configs["log.dirs"].is_read_only


def test_delete_records_moves_start_and_fetch_below_is_out_of_range(brook, topic):
    admin = admin_for(brook.bootstrap)
    create(admin, topic, 1)
    produce(brook.bootstrap, topic, 10)
    tp = TopicPartition(topic, 0, 4)
    deleted = admin.delete_records([tp])[tp].result(timeout=20)
    assert deleted.low_watermark == 4
    earliest = TopicPartition(topic, 0)
    assert admin.list_offsets({earliest: OffsetSpec.earliest()})[earliest].result(timeout=20).offset == 4
    beyond = TopicPartition(topic, 0, 50)
    assert error_of(admin.delete_records([beyond])[beyond]).code() == KafkaError.OFFSET_OUT_OF_RANGE

    from confluent_kafka import Consumer
    consumer = Consumer({"bootstrap.servers": brook.bootstrap, "group.id": topic, "auto.offset.reset": "earliest",
                         "enable.auto.commit": False})
    try:
        consumer.assign([TopicPartition(topic, 0, 1)])
        message = None
        deadline = time.time() + 20
        while message is None and time.time() < deadline:
            message = consumer.poll(1)
            if message is not None and message.error():
                message = None
        assert message is not None and message.offset() == 4
    finally:
        consumer.close()


def test_describe_cluster_topics_log_dirs_and_max_timestamp(brook, topic):
    admin = admin_for(brook.bootstrap)
    create(admin, topic, 1)
    produce(brook.bootstrap, topic, 3, timestamps=[1000, 5000, 2000])
    cluster = admin.describe_cluster().result(timeout=20)
    assert len(cluster.nodes) == 1 and cluster.controller.id == cluster.nodes[0].id
    description = admin.describe_topics(TopicCollection([topic]))[topic].result(timeout=20)
    assert description.name == topic and len(description.partitions) == 1
    tp = TopicPartition(topic, 0)
    found = admin.list_offsets({tp: OffsetSpec.max_timestamp()})[tp].result(timeout=20)
    assert (found.offset, found.timestamp) == (1, 5000)
    missing = topic + "-missing"
    assert error_of(admin.describe_topics(TopicCollection([missing]))[missing]).code() == \
        KafkaError.UNKNOWN_TOPIC_OR_PART


def test_named_compression_type_recompresses_and_producer_keeps_codec(brook, topic):
    admin = admin_for(brook.bootstrap)
    create(admin, topic, 1, {"compression.type": "gzip"})
    create(admin, topic + "-p", 1)
    producer = Producer({"bootstrap.servers": brook.bootstrap, "linger.ms": 0, "compression.type": "lz4"})
    for name in (topic, topic + "-p"):
        producer.produce(name, key=b"k", value=b"value " * 50)
        assert producer.flush(10) == 0
    codecs = {}
    for name in (topic, topic + "-p"):
        data = (brook.data_dir / f"{name}-0" / "00000000000000000000.log").read_bytes()
        codecs[name] = int.from_bytes(data[21:23], "big") & 0x07
    assert codecs == {topic: 1, topic + "-p": 3}  # gzip rewritten; "producer" keeps lz4

    from confluent_kafka import Consumer
    consumer = Consumer({"bootstrap.servers": brook.bootstrap, "group.id": topic, "auto.offset.reset": "earliest"})
    try:
        consumer.assign([TopicPartition(topic, 0, 0)])
        message = None
        deadline = time.time() + 20
        while message is None and time.time() < deadline:
            message = consumer.poll(1)
        assert message is not None and message.value() == b"value " * 50
    finally:
        consumer.close()


def test_broker_topic_defaults_change_at_runtime_and_persist(brook, topic):
    admin = admin_for(brook.bootstrap)
    create(admin, topic, 1)
    broker = ConfigResource(ConfigResource.Type.BROKER, "0", incremental_configs=[
        ConfigEntry("log.retention.ms", "7200000", incremental_operation=AlterConfigOpType.SET)])
    admin.incremental_alter_configs([broker])[broker].result(timeout=20)
    # (confluent-kafka refuses the empty name of the cluster-wide default; AdminApiTests covers it.)
    bad = ConfigResource(ConfigResource.Type.BROKER, "0", incremental_configs=[
        ConfigEntry("log.dirs", "/elsewhere", incremental_operation=AlterConfigOpType.SET)])
    assert error_of(admin.incremental_alter_configs([bad])[bad]).code() == KafkaError.INVALID_REQUEST
    bad = ConfigResource(ConfigResource.Type.BROKER, "0", incremental_configs=[
        ConfigEntry("log.retention.ms", "-5", incremental_operation=AlterConfigOpType.SET)])
    assert error_of(admin.incremental_alter_configs([bad])[bad]).code() == KafkaError.INVALID_CONFIG

    brook.restart()
    admin = admin_for(brook.bootstrap)
    resource = ConfigResource(ConfigResource.Type.TOPIC, topic)
    configs = admin.describe_configs([resource])[resource].result(timeout=20)
    assert configs["retention.ms"].value == "7200000"
    assert configs["retention.ms"].source == ConfigSource.DYNAMIC_BROKER_CONFIG.value
    described = ConfigResource(ConfigResource.Type.BROKER, "0")
    broker_configs = admin.describe_configs([described])[described].result(timeout=20)
    assert broker_configs["log.retention.ms"].value == "7200000"
    assert broker_configs["log.retention.ms"].source == ConfigSource.DYNAMIC_BROKER_CONFIG.value


def test_timestamp_bounds_reject_old_and_future_create_times(brook, topic):
    admin = admin_for(brook.bootstrap)
    create(admin, topic, 1, {"message.timestamp.before.max.ms": "60000", "message.timestamp.after.max.ms": "60000"})
    producer = Producer({"bootstrap.servers": brook.bootstrap, "linger.ms": 0, "retries": 0})
    results = []
    now = int(time.time() * 1000)
    for ts in (now, now - 3_600_000, now + 3_600_000):
        producer.produce(topic, value=b"x", timestamp=ts, on_delivery=lambda err, msg: results.append(err))
        producer.flush(10)
    assert [e.code() if e else 0 for e in results] == [0, KafkaError.INVALID_TIMESTAMP, KafkaError.INVALID_TIMESTAMP]


def test_describe_topic_partitions_as_kafka_topics_sh_sends_it(brook, topic):
    # kafka-topics.sh --describe (Kafka 3.7+) uses DescribeTopicPartitions v0; no Python client sends
    # it, so the request is built here field by field as Kafka's admin client does (limit 2000, no cursor).
    admin = admin_for(brook.bootstrap)
    create(admin, topic, 3)
    create(admin, topic + "-b", 2)
    expected_id = admin.describe_topics(TopicCollection([topic]))[topic].result(timeout=20).topic_id
    with Connection(brook.bootstrap) as conn:
        assert conn.api_versions()[API_DESCRIBE_TOPIC_PARTITIONS] == (0, 0)
        whole = describe_topic_partitions(conn, [topic, topic + "-b", topic + "-missing"])
        by_name = {t["name"]: t for t in whole["topics"]}
        assert by_name[topic + "-missing"]["error_code"] == KafkaError.UNKNOWN_TOPIC_OR_PART
        described = by_name[topic]
        assert described["error_code"] == 0 and not described["is_internal"]
        msb, lsb = expected_id.get_most_significant_bits(), expected_id.get_least_significant_bits()
        assert described["topic_id"] == struct.pack(">qq", msb, lsb).hex()
        assert [p["partition"] for p in described["partitions"]] == [0, 1, 2]
        node = admin.describe_cluster().result(timeout=20).nodes[0].id
        for p in described["partitions"]:
            assert (p["error_code"], p["leader"], p["replicas"], p["isr"], p["offline"]) == (0, node, [node], [node], [])
        assert whole["next_cursor"] is None
        # A small limit pages with a cursor, as the tool does for large clusters.
        first = describe_topic_partitions(conn, [topic, topic + "-b"], limit=4)
        assert first["next_cursor"] == (topic + "-b", 1)
        rest = describe_topic_partitions(conn, [topic, topic + "-b"], limit=4, cursor=first["next_cursor"])
        assert [(t["name"], [p["partition"] for p in t["partitions"]]) for t in rest["topics"]] == [(topic + "-b", [1])]
        assert rest["next_cursor"] is None
