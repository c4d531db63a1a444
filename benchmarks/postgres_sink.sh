#!/usr/bin/env bash
# PostgreSQL sink upsert throughput: PostgresSinkBenchmark (Tests/BrookConnectTests/Connectors) puts
# ROWS records (id BIGINT primary key, a text and an int column) into JDBCSinkTask in chunks of 500
# and flushes, with insert.mode=upsert, batch.size=3000, against a private PostgreSQL the test
# starts itself (PostgresProcess: free loopback port, temporary data directory, stopped by pid). It
# prints "postgres sink upsert: N rows in S s = R rows/s". The timing starts after the table exists.
#
#   benchmarks/postgres_sink.sh                  release build (the whole test product: slow the first time)
#   CONFIG=debug ROWS=20000 benchmarks/postgres_sink.sh
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
CONFIG=${CONFIG:-release}
ROWS=${ROWS:-100000}
BROOK_BENCH_PG_SINK_ROWS=$ROWS swift test -j 1 -c "$CONFIG" --filter PostgresSinkBenchmark 2>&1 |
    grep -E "postgres sink upsert|error|failed|skipped"
