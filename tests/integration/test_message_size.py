"""Large records: under the default limit they work; over it the broker says MESSAGE_TOO_LARGE."""

from __future__ import annotations

from confluent_kafka import KafkaError, Producer

from clients import consume_confluent, discard_producer, produce_confluent, producer_config


def test_900kb_value_round_trips(brook, topic):
    value = bytes(range(256)) * (900_000 // 256) + b"tail"
    [d] = produce_confluent(brook.bootstrap, topic, [{"key": b"big", "value": value}])
    assert d.error is None and d.offset == 0
    [r] = consume_confluent(brook.bootstrap, topic, 0, 1)
    assert r.value == value and r.key == b"big"


def test_2mb_value_is_rejected_with_message_too_large(brook, topic):
    # raise the client-side limit so librdkafka sends it and the broker has to decide
    # (broker default max.message.bytes = 1048588, as Kafka's)
    config = producer_config(brook.bootstrap, **{"message.max.bytes": 4_000_000,
                                                 "compression.type": "none", "linger.ms": 0})
    p = Producer(config)
    reports = []
    try:
        p.produce(topic, key=b"huge", value=b"x" * 2_000_000,
                  on_delivery=lambda err, msg: reports.append(err))
        assert p.flush(30) == 0
        assert len(reports) == 1 and reports[0] is not None, reports
        assert reports[0].code() == KafkaError.MSG_SIZE_TOO_LARGE, reports[0]

        # the connection and the topic are still fine afterwards, and nothing was stored
        p.produce(topic, value=b"small", on_delivery=lambda err, msg: reports.append(err))
        assert p.flush(30) == 0
        assert reports[1] is None, reports[1]
    finally:
        discard_producer(p)
    [r] = consume_confluent(brook.bootstrap, topic, 0, 1)
    assert (r.offset, r.value) == (0, b"small")


def test_broker_message_max_bytes_changed_at_runtime_is_enforced(brook, topic):
    from confluent_kafka.admin import AdminClient, AlterConfigOpType, ConfigEntry, ConfigResource

    [d] = produce_confluent(brook.bootstrap, topic, [{"value": b"x" * 20_000}], **{"compression.type": "none"})
    assert d.error is None
    admin = AdminClient({"bootstrap.servers": brook.bootstrap})
    [node_id] = admin.list_topics(timeout=20).brokers
    resource = ConfigResource(ConfigResource.Type.BROKER, str(node_id), incremental_configs=[
        ConfigEntry("message.max.bytes", "10000", incremental_operation=AlterConfigOpType.SET)])
    for future in admin.incremental_alter_configs([resource]).values():
        future.result(timeout=20)

    # The topic has no override, so the broker's new limit applies to the next batch.
    [d] = produce_confluent(brook.bootstrap, topic, [{"value": b"x" * 20_000}], check=False,
                            **{"compression.type": "none", "retries": 0})
    assert d.error is not None and d.error.code() == KafkaError.MSG_SIZE_TOO_LARGE, d.error
    [d] = produce_confluent(brook.bootstrap, topic, [{"value": b"x" * 5_000}], **{"compression.type": "none"})
    assert d.error is None
