#!/usr/bin/env bash
# Fails when the committed generated code differs from what scripts/ would generate now.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
"$root/scripts/generate-proto.sh" "$tmp/CStoreProto"
if ! diff -r "$tmp/CStoreProto" "$root/Sources/CStoreProto" >"$tmp/diff"; then
  echo "Sources/CStoreProto is stale: run scripts/generate-proto.sh and commit the result." >&2
  head -40 "$tmp/diff" >&2; exit 1
fi
"$root/scripts/generate-migrations.sh" "$tmp/Migrations.swift"
if ! diff "$tmp/Migrations.swift" "$root/Sources/EventStore/Generated/EmbeddedMigrations.swift" >"$tmp/diff"; then
  echo "Sources/EventStore/Generated/EmbeddedMigrations.swift is stale: run scripts/generate-migrations.sh and commit." >&2
  head -40 "$tmp/diff" >&2; exit 1
fi
echo "generated code is current"
