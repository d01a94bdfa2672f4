#!/usr/bin/env bash
# The whole test suite, as a newcomer and CI run it: install what is missing, check that generated
# code is current, build (the end-to-end tests run the built vpa-store binary), run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
scripts/check-generated.sh
swift build --build-tests
# Two runs in one process each. The process tests wait for child processes synchronously and so
# hold a thread of Swift's cooperative pool (2 threads on 2 cores) for the whole of their suite;
# beside them the in-process servers of the other tests were starved of threads and missed their
# hello deadlines (CI runs at 3565777 and 71cbd72 failed so). Apart, the whole suite takes about
# 15 s longer (126 s against 110 s) and the two kinds no longer compete for threads.
# Both run even when the first fails, so one run shows every failure.
status=0
swift test --skip-build --skip 'VPAStoreCLITests\.ProcessTests' || status=$?
swift test --skip-build --filter 'VPAStoreCLITests\.ProcessTests' || status=$?
exit "$status"
