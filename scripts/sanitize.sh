#!/usr/bin/env bash
# Every loader's fuzz target for a while, then the test suite, under AddressSanitizer and
# UndefinedBehaviorSanitizer:
#   bash scripts/sanitize.sh [FUZZ_SECONDS per target, default 60]
# One clang build in build-sanitize/ serves both (the fuzz targets need clang's libFuzzer).
# Any sanitizer report fails its test (no recovery); leaks are not checked (Qt and fontconfig
# keep caches for the process's life). The interop checks (Python tools) are left out.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzz_seconds=${1:-60}
if ! command -v clang++ >/dev/null; then
  echo "sanitize.sh: clang++ is missing: run scripts/setup.sh" >&2
  exit 2
fi
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
CC=clang CXX=clang++ cmake -S . -B build-sanitize -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS=-gline-tables-only \
  -DSTRATA_WITH_CUDA=OFF -DSTRATA_FUZZ=ON -DSTRATA_SANITIZE=address,undefined \
  "${launcher[@]}" >/dev/null
cmake --build build-sanitize -j"$(nproc)"

# Fuzz first, so that the suite's summary is the last thing printed.
fuzz_status=0
STRATA_FUZZ_BUILD=build-sanitize bash scripts/fuzz.sh "$fuzz_seconds" || fuzz_status=$?

export ASAN_OPTIONS=detect_leaks=0:strict_string_checks=1:detect_stack_use_after_return=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
echo "sanitize.sh: the test suite under AddressSanitizer and UndefinedBehaviorSanitizer"
ctest --test-dir build-sanitize --output-on-failure --timeout 3000 -LE interop
exit "$fuzz_status"
