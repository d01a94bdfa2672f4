#!/usr/bin/env bash
# The whole test suite, as a newcomer and CI run it: install what is missing, check that generated
# code is current, build (the end-to-end tests run the built vpa-store binary), run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
scripts/check-generated.sh
swift build --build-tests
swift test --skip-build
