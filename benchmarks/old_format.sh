#!/usr/bin/env bash
# Old message format against new: produce and consume throughput of a librdkafka client pinned to
# the 0.9 protocol (api.version.request=false, broker.version.fallback=0.9.0.0: magic 0, Produce v1,
# Fetch v1) and of the same client at current versions (RecordBatch v2, zero-copy Fetch), each codec
# in CODECS. Magic 0 is up-converted on produce and down-converted on fetch, so its rows show the
# conversion cost. (librdkafka cannot be pinned to magic 1: a fallback of 0.10.0 or later turns its
# ApiVersions request back on and it negotiates current versions.) Prints a markdown table.
#
#   benchmarks/old_format.sh                          release build, 300k × 100 B per run
#   BROOK_BIN=path COUNT=100000 CODECS="none lz4" benchmarks/old_format.sh
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
COUNT=${COUNT:-300000}
SIZE=${SIZE:-100}
CODECS=${CODECS:-"none lz4"}
STEP_LIMIT=${STEP_LIMIT:-300}
# shellcheck source=benchmarks/lib.sh
source benchmarks/lib.sh

build_loadgen
ensure_brook_bin

WORK=$(mktemp -d "${TMPDIR:-/tmp}/brook-oldformat.XXXXXX")
cleanup() {
    stop_brook
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start_brook "$WORK/data" "$WORK/brook.log"
ROWS=()
FAILED=0
for codec in $CODECS; do
    for format in current 0.9.0.0; do
        extra=()
        if [[ $format != current ]]; then
            extra=(-X api.version.request=false -X "broker.version.fallback=$format")
        fi
        topic="old-$codec-${format//./-}"
        say "$format, $codec: produce then consume $COUNT × $SIZE B"
        produced=$(loadgen_result produce -t "$topic" -n "$COUNT" -s "$SIZE" -a 1 -z "$codec" "${extra[@]}" -T "$STEP_LIMIT")
        consumed=$(loadgen_result consume -t "$topic" -n "$COUNT" "${extra[@]}" -T "$STEP_LIMIT")
        if [[ -z $produced || -z $consumed ]]; then
            FAILED=1
            ROWS+=("| $format | $codec | ${produced:+ok}${produced:-FAILED} | | ${consumed:+ok}${consumed:-FAILED} | |")
            continue
        fi
        ROWS+=("| $format | $codec | $(result_field "$produced" msgs_per_sec) | $(result_field "$produced" mb_per_sec) | $(result_field "$consumed" msgs_per_sec) | $(result_field "$consumed" mb_per_sec) |")
    done
done
if ! kill -0 "$BROOK_PID" 2>/dev/null; then
    FAILED=1
    say "brook died during the benchmark; log tail:"; tail -50 "$WORK/brook.log" >&2
fi
stop_brook

cat <<EOF2

### Old message formats: produce and consume, ${COUNT} × ${SIZE} B, acks=1 ($(date -u +%Y-%m-%d), $(nproc) cores, librdkafka $(pkg-config --modversion rdkafka))

| Client format (broker.version.fallback) | Codec | Produce msg/s | Produce MB/s | Consume msg/s | Consume MB/s |
|---|---|---:|---:|---:|---:|
$(printf '%s\n' "${ROWS[@]}")
EOF2
exit "$FAILED"
