#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine, builds tailor and runs the whole test suite (ctest).
# Tests that need ../shared/data or a GPU skip with a message when those are absent.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh "$@"
cd "${BUILD_DIR:-build}"
ctest --output-on-failure -j "${JOBS:-$(nproc)}" --timeout 900
