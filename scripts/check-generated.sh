#!/usr/bin/env bash
# Regenerates Sources/BrookProtocol/Generated from spec/ into a temp dir and fails if it differs from the committed copy.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cd "$root"
swift run --quiet BrookProtocolGen spec "$tmp" >/dev/null
if ! diff -r "$tmp" Sources/BrookProtocol/Generated; then
    echo "Generated code is out of date: run 'swift run BrookProtocolGen spec Sources/BrookProtocol/Generated'" >&2
    exit 1
fi
echo "Generated code is up to date."
