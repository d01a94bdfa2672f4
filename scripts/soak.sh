#!/usr/bin/env bash
# Soak tests of vpa-store (issue 16, "Hardening"); not part of CI. Python 3 (standard library only).
#
#   scripts/soak.sh [kill|fuzz|all] [--cycles N] [--mutations M] [--binary PATH] [--seed S] [--crash-dir DIR]
#
#   kill  N cycles (default 100): start `vpa-store serve` on one database, run 4 concurrent ingest
#         clients (3 RPC clients pipelining Ingest calls, 1 running `vpa-store ingest --server`),
#         SIGKILL the server 0.3-2 s in, restart it and look up every pod whose ingest was
#         acknowledged; at the end `vpa-store verify`. Fails on a lost acknowledged pod, a server
#         exiting by itself (or not starting again), or verify failing.
#   fuzz  M mutated frames (default 1,000,000) against one server: mutated requests pipelined after
#         a valid handshake, raw byte-level mutations, mutated first frames. After every 10,000 the
#         server must answer GetServerInfo within 5 s; at the end (and every 100,000) SIGTERM must
#         end it within 15 s, it must start again on its database, and verify must pass. A crash is
#         shrunk to a reproducer (scripts/soak/replay.py replays it).
#   all   both (the default).
#
# Default binary: .build/release/vpa-store, else .build/debug/vpa-store. Everything runs in a
# temporary directory that is removed at the end; crash logs and reproducers are kept in
# --crash-dir (default ${TMPDIR:-/tmp}/vpa-store-soak-*). Servers listen on 127.0.0.1 only.
# Other options are passed on: kill.py (--rpc-clients, --cli-clients, --kill-min, --kill-max),
# fuzz.py (--batch, --rotate, --workers, --first-rate, --raw-rate, --max-crashes, --minimize-runs,
# --minimize-seconds, --no-minimize).
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mode=all
cycles=100
mutations=1000000
binary=""
crash_dir=""
seed=()
kill_extra=()
fuzz_extra=()

usage() { sed -n '2,/^set /p' "${BASH_SOURCE[0]}" | grep '^#' | sed 's/^# \{0,1\}//'; }

if [[ $# -gt 0 && "$1" != -* ]]; then
    mode="$1"; shift
fi
case "$mode" in kill|fuzz|all) ;; -h|--help|help) usage; exit 0 ;; *) echo "soak.sh: unknown mode '$mode' (kill, fuzz or all)" >&2; exit 2 ;; esac
while [[ $# -gt 0 ]]; do
    case "$1" in
        --cycles) cycles="${2:?--cycles N}"; shift 2 ;;
        --mutations) mutations="${2:?--mutations M}"; shift 2 ;;
        --binary) binary="${2:?--binary PATH}"; shift 2 ;;
        --seed) seed=(--seed "${2:?--seed S}"); shift 2 ;;
        --crash-dir) crash_dir="${2:?--crash-dir DIR}"; shift 2 ;;
        --rpc-clients|--cli-clients|--kill-min|--kill-max) kill_extra+=("$1" "${2:?$1 value}"); shift 2 ;;
        --batch|--rotate|--workers|--first-rate|--raw-rate|--max-crashes|--minimize-runs|--minimize-seconds)
            fuzz_extra+=("$1" "${2:?$1 value}"); shift 2 ;;
        --no-minimize) fuzz_extra+=("$1"); shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "soak.sh: unknown option '$1'" >&2; exit 2 ;;
    esac
done
[[ "$cycles" =~ ^[0-9]+$ ]] || { echo "soak.sh: --cycles takes a number" >&2; exit 2; }
[[ "$mutations" =~ ^[0-9]+$ ]] || { echo "soak.sh: --mutations takes a number" >&2; exit 2; }

if [[ -z "$binary" ]]; then
    for candidate in "$root/.build/release/vpa-store" "$root/.build/debug/vpa-store"; do
        if [[ -x "$candidate" ]]; then binary="$candidate"; break; fi
    done
fi
if [[ -z "$binary" || ! -x "$binary" ]]; then
    echo "soak.sh: no vpa-store binary (${binary:-.build/release or .build/debug}); build it or pass --binary PATH" >&2
    exit 2
fi
binary="$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")"
command -v python3 >/dev/null || { echo "soak.sh: python3 is required" >&2; exit 2; }

workdir="$(mktemp -d "${TMPDIR:-/tmp}/vpa-store-soak.XXXXXX")"
export SOAK_PID_FILE="$workdir/children.pids"  # the Python side lists the processes it started here
export PYTHONDONTWRITEBYTECODE=1
runner_pid=""

cleanup() {
    local status=$?
    trap - EXIT INT TERM HUP
    if [[ -n "$runner_pid" ]] && kill -0 "$runner_pid" 2>/dev/null; then
        kill -TERM "$runner_pid" 2>/dev/null
        for _ in $(seq 1 50); do kill -0 "$runner_pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$runner_pid" 2>/dev/null
    fi
    # Whatever the runner started and did not reap (it writes their pids), by pid only.
    if [[ -f "$SOAK_PID_FILE" ]]; then
        while read -r pid; do
            [[ "$pid" =~ ^[0-9]+$ ]] && kill -KILL "$pid" 2>/dev/null
        done < "$SOAK_PID_FILE"
    fi
    rm -rf "$workdir"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# Runs one Python part in the background (so the traps run while it does) and waits for it.
run_part() {
    python3 -u "$@" &
    runner_pid=$!
    wait "$runner_pid"
    local status=$?
    runner_pid=""
    return "$status"
}

status=0
export SOAK_SUMMARY_FILE="$workdir/summary"  # each part appends its final line
if [[ "$mode" == kill || "$mode" == all ]]; then
    mkdir -p "$workdir/kill"
    run_part "$root/scripts/soak/kill.py" --binary "$binary" --workdir "$workdir/kill" --cycles "$cycles" \
        ${seed[@]+"${seed[@]}"} ${crash_dir:+--crash-dir "$crash_dir/kill"} ${kill_extra[@]+"${kill_extra[@]}"} || status=1
fi
if [[ "$mode" == fuzz || "$mode" == all ]]; then
    mkdir -p "$workdir/fuzz"
    run_part "$root/scripts/soak/fuzz.py" --binary "$binary" --workdir "$workdir/fuzz" --mutations "$mutations" \
        ${seed[@]+"${seed[@]}"} ${crash_dir:+--crash-dir "$crash_dir/fuzz"} ${fuzz_extra[@]+"${fuzz_extra[@]}"} || status=1
fi
if [[ "$mode" == all && -f "$SOAK_SUMMARY_FILE" ]]; then
    echo
    cat "$SOAK_SUMMARY_FILE"
fi
exit "$status"
