#!/usr/bin/env bash
# Sets up, builds and runs every test (the README's test command; .ci/run calls it).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
# One test at a time: several suites train networks and each uses every core.
ctest --test-dir build --output-on-failure --timeout 1500
