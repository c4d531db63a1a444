"""ListOffsets through librdkafka: watermarks and offsets_for_times."""

from __future__ import annotations

from confluent_kafka import Consumer, TopicPartition

from clients import consumer_config, produce_confluent

BASE_TS = 1_700_000_000_000  # fixed CreateTimes so the expected offsets are exact


def test_watermarks_and_offsets_for_times(brook, topic):
    messages = [{"key": f"k{i}".encode(), "value": f"v{i}".encode(), "timestamp": BASE_TS + i * 1000}
                for i in range(10)]
    deliveries = produce_confluent(brook.bootstrap, topic, messages)
    assert [d.offset for d in deliveries] == list(range(10))

    c = Consumer(consumer_config(brook.bootstrap))
    try:
        low, high = c.get_watermark_offsets(TopicPartition(topic, 0), timeout=10, cached=False)
        assert (low, high) == (0, 10)

        queries = {
            BASE_TS - 5_000: 0,      # before the first record: the first offset
            BASE_TS: 0,              # exact match
            BASE_TS + 3_500: 4,      # between records: the first with timestamp >= query
            BASE_TS + 9_000: 9,      # the last record
            BASE_TS + 60_000: -1,    # after everything: no offset (Kafka answers -1)
        }
        for ts, want in queries.items():
            [result] = c.offsets_for_times([TopicPartition(topic, 0, ts)], timeout=10)
            assert result.error is None, result.error
            assert result.offset == want, f"offsets_for_times({ts - BASE_TS:+d} ms)"

        # more records move the high watermark; the low one stays
        produce_confluent(brook.bootstrap, topic, [{"value": b"later"}])
        assert c.get_watermark_offsets(TopicPartition(topic, 0), timeout=10, cached=False) == (0, 11)
    finally:
        c.close()
