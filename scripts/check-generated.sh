#!/usr/bin/env bash
# Regenerates Sources/BrookProtocol/Generated from spec/ into a temp dir and fails if it differs from the committed copy.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tmp="$(mktemp -d)"
log="$(mktemp)"
trap 'rm -rf "$tmp" "$log"' EXIT
cd "$root"
if ! swift run BrookProtocolGen spec "$tmp" >"$log" 2>&1; then
    cat "$log" >&2
    exit 1
fi
if ! diff -r "$tmp" Sources/BrookProtocol/Generated; then
    echo "Generated code is out of date: run 'swift run BrookProtocolGen spec Sources/BrookProtocol/Generated'" >&2
    exit 1
fi
echo "Generated code is up to date."
