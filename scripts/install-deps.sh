#!/usr/bin/env bash
# Install what the integration tests and benchmarks need: Debian packages (compression libraries,
# librdkafka, kcat, Go with the sarama, kafka-go and confluent-kafka-go sources) and a Python
# virtualenv at .venv with the Kafka clients and pytest.
# Idempotent: does nothing when everything is already there.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

APT_PACKAGES=(libzstd-dev liblz4-dev libsnappy-dev zlib1g-dev kcat librdkafka-dev pkg-config
              python3-venv python3-pip build-essential
              # Go and the Go clients built offline by tests/integration/test_go_clients.py
              golang-go golang-github-shopify-sarama-dev golang-github-segmentio-kafka-go-dev
              golang-github-confluentinc-confluent-kafka-go-dev
              etcd-server    # cluster metadata store; the cluster tests start their own etcd
              iproute2       # ip netns / ip link: the network-partition tests (test_cluster_netns.py)
              postgresql)    # initdb/postgres binaries: the SQL connector tests start their own server (PostgresProcess)
PY_PACKAGES=("confluent-kafka[avro,json,protobuf,schemaregistry]" kafka-python aiokafka pytest pytest-timeout
             cramjam lz4 zstandard python-snappy xxhash)   # codecs for kafka-python / aiokafka (xxhash: its magic-0 lz4)
# The Schema Registry serializers' dependencies (fastavro, jsonschema, protobuf, httpx) come with the extras.
PY_MODULES="confluent_kafka kafka aiokafka pytest pytest_timeout cramjam lz4 zstandard snappy xxhash fastavro jsonschema google.protobuf authlib"

log() { printf '==> %s\n' "$*"; }

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$pkg")
    fi
done
if ((${#missing[@]})); then
    SUDO=()
    if [[ $(id -u) -ne 0 ]]; then SUDO=(sudo); fi
    log "apt-get install ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    "${SUDO[@]}" apt-get update -qq
    "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
    log "Debian packages already installed"
fi

if [[ ! -x .venv/bin/python ]]; then
    log "creating .venv"
    python3 -m venv .venv
fi
if .venv/bin/python - "$PY_MODULES" <<'PY' 2>/dev/null
import importlib, sys
for name in sys.argv[1].split():
    importlib.import_module(name)
PY
then
    log "Python packages already installed in .venv"
else
    log "pip install ${PY_PACKAGES[*]}"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check "${PY_PACKAGES[@]}"
fi
