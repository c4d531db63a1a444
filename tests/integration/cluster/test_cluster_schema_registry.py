"""The Schema Registry on every broker of a cluster: one `_schemas` topic, any broker's registry
answers what another registered, registrations made at once on several brokers never share an id,
and the registry keeps working when the leader of `_schemas` is killed."""

from __future__ import annotations

import json
import threading

import pytest
from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
from confluent_kafka.schema_registry.error import SchemaRegistryError

from cluster_fixture import brook_supports_cluster
from cluster_steps import wait_for

pytestmark = pytest.mark.skipif(not brook_supports_cluster(), reason="brook serve has no --node-id/--metadata")


def record_schema(name: str) -> str:
    return json.dumps({"type": "record", "name": name, "fields": [{"name": "id", "type": "long"}]})


def registries(cluster) -> dict[int, SchemaRegistryClient]:
    return {node: SchemaRegistryClient({"url": broker.registry_url}) for node, broker in cluster.brokers.items()}


def latest_id(client: SchemaRegistryClient, subject: str) -> int | None:
    try:
        return client.get_latest_version(subject).schema_id
    except SchemaRegistryError:
        return None


def test_every_broker_serves_the_same_registry(brook_cluster, topic):
    cluster = brook_cluster(size=3, registry=True)
    clients = registries(cluster)
    schema_id = clients[1].register_schema(f"{topic}-value", Schema(record_schema("Order"), "AVRO"))
    for node, client in clients.items():
        wait_for(f"broker {node}'s registry has the schema", lambda: latest_id(client, f"{topic}-value") == schema_id, 30)
        assert json.loads(client.get_schema(schema_id).schema_str) == json.loads(record_schema("Order"))
    # The topic is Confluent's: compacted, one partition, replicated.
    described = cluster.partitions("_schemas")
    assert list(described) == [0] and len(described[0]["replicas"]) == 3


def test_registrations_on_several_brokers_at_once_never_share_an_id(brook_cluster, topic):
    cluster = brook_cluster(size=3, registry=True)
    clients = registries(cluster)
    results: dict[str, int] = {}
    errors: list[BaseException] = []
    lock = threading.Lock()

    def register(node: int) -> None:
        try:
            for n in range(8):
                subject = f"{topic}-{node}-{n}-value"
                schema_id = clients[node].register_schema(subject, Schema(record_schema(f"R{node}x{n}"), "AVRO"))
                with lock:
                    results[subject] = schema_id
        except BaseException as error:   # surfaced below, with the thread's own traceback lost
            errors.append(error)

    threads = [threading.Thread(target=register, args=(node,)) for node in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors, errors
    assert len(results) == 24
    assert len(set(results.values())) == 24, f"an id was handed out twice: {results}"
    for node, client in clients.items():
        wait_for(f"broker {node}'s registry agrees on every id",
                 lambda: all(latest_id(client, s) == i for s, i in results.items()), 60)


def test_the_registry_survives_a_kill_9_of_the_schemas_leader(brook_cluster, topic):
    cluster = brook_cluster(size=3, registry=True)
    clients = registries(cluster)
    before = clients[1].register_schema(f"{topic}-a-value", Schema(record_schema("A"), "AVRO"))
    leader = cluster.leader_of("_schemas", 0)
    cluster.kill(leader)
    survivor = next(node for node in clients if node != leader)
    after = None
    for _ in range(60):   # bounded: the partition fails over within a few seconds
        try:
            after = clients[survivor].register_schema(f"{topic}-b-value", Schema(record_schema("B"), "AVRO"))
            break
        except SchemaRegistryError as error:
            assert error.http_status_code >= 500, error   # only store errors while the leader moves
            cluster.leader_of("_schemas", 0, exclude={leader})
    assert after is not None and after > before
    for node, client in clients.items():
        if node == leader:
            continue
        wait_for(f"broker {node}'s registry has both schemas",
                 lambda: latest_id(client, f"{topic}-a-value") == before and latest_id(client, f"{topic}-b-value") == after, 30)
