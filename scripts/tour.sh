#!/usr/bin/env bash
# The README tour: ingest the kubectl-shaped files in examples/ into a database (default
# ./vpa-store.db, or $VPA_STORE_DB) as a cluster seen over twenty minutes, then audit it.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${VPA_STORE_BIN:-.build/release/vpa-store}
[ -x "$bin" ] || bin=.build/debug/vpa-store
export VPA_STORE_DB=${VPA_STORE_DB:-./vpa-store.db}
rm -f "$VPA_STORE_DB" "$VPA_STORE_DB-wal" "$VPA_STORE_DB-shm"
run() { echo; echo "\$ vpa-store $*"; "$bin" "$@"; }
run ingest --at 2026-11-02T09:00:00Z examples/01-pods.json
run ingest --at 2026-11-02T09:02:00Z examples/02-resize-deferred.yaml
run ingest --at 2026-11-02T09:09:00Z examples/03-resize-in-progress.yaml
run query resizes --now 2026-11-02T09:12:00Z
run ingest --at 2026-11-02T09:15:00Z examples/04-resize-done.yaml
run ingest --at 2026-11-02T09:42:00Z examples/05-oom-killed.yaml
run ingest --at 2026-11-02T10:05:00Z examples/06-evicted-events.json
run ingest --at 2026-11-02T10:10:00Z examples/07-watch.json
run query resources
run query resources --at 2026-11-02T09:05:00Z --format json
run query ooms
run query timeline --pod shop/web-7d9c5-abcde
run verify
