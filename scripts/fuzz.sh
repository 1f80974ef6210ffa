#!/usr/bin/env bash
# Fuzzes every loader with libFuzzer under AddressSanitizer and UndefinedBehaviorSanitizer:
#   bash scripts/fuzz.sh [SECONDS per target, default 60] [TARGET ...]
# Builds the engine with clang into build-fuzz/ (or uses $STRATA_FUZZ_BUILD, a build configured
# with -DSTRATA_FUZZ=ON, as scripts/sanitize.sh's), then runs each fuzz_<target> for SECONDS
# from its seed corpus (tests/fuzz/corpus/<target>) and what earlier runs found (<build>/corpus).
# A crashing input is left in <build>/artifacts/<target>/: copy it into
# tests/fuzz/regressions/<target>/ once fixed, and CTest replays it in every build from then on.
# Runs $STRATA_FUZZ_JOBS targets at a time (default: one per core). Prints one line per target
# (executions, executions/s, crashes) and exits 1 if any crashed.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
if ! command -v clang++ >/dev/null; then
  echo "fuzz.sh: clang++ is missing: run scripts/setup.sh" >&2
  exit 2
fi
build=${STRATA_FUZZ_BUILD:-build-fuzz}
if [[ -z "${STRATA_FUZZ_BUILD:-}" ]]; then
  launcher=()
  command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS=-gline-tables-only \
    -DSTRATA_ENGINE_ONLY=ON -DSTRATA_WITH_CUDA=OFF -DSTRATA_FUZZ=ON \
    -DSTRATA_SANITIZE=address,undefined "${launcher[@]}" >/dev/null
fi
targets=("$@")
if ((${#targets[@]} == 0)); then
  targets=(project idx cifar10 csv weights checkpoint history image image_folder serve_request)
  # ONNX import is fuzzed when the build has it (libonnx-dev).
  # (grep reads all of ninja's list: with -q it could stop early and fail the pipe.)
  if ninja -C "$build" -t targets all | grep '^fuzz_onnx:' >/dev/null; then targets+=(onnx); fi
fi
cmake --build "$build" -j"$(nproc)" --target "${targets[@]/#/fuzz_}"

export ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
root=$PWD
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
# One target per core at a time: each libFuzzer process is single-threaded.
jobs=${STRATA_FUZZ_JOBS:-$(nproc)}
fuzz_one() { # target: runs it, leaves "<status>\t<summary line>" in $scratch/<target>.result
  local t=$1 corpus=$build/corpus/$1 artifacts=$build/artifacts/$1 log=$build/fuzz-$1.log rc runs crashes
  rm -rf "$artifacts" # what an earlier run found is not this run's finding
  mkdir -p "$corpus" "$artifacts"
  # -rss_limit_mb: a loader that allocates what the input only claims is a finding too.
  set +e
  (cd "$build" && TMPDIR=$scratch "./tests/fuzz/fuzz_$t" -max_total_time="$seconds" \
     -rss_limit_mb=2048 -timeout=20 -print_final_stats=1 \
     -artifact_prefix="artifacts/$t/" "corpus/$t" "$root/tests/fuzz/corpus/$t") >"$log" 2>&1
  rc=$?
  set -e
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
  crashes=$(find "$artifacts" -type f | wc -l)
  local failed=0
  if ((rc != 0 || crashes > 0)); then
    failed=1
    {
      echo "fuzz.sh: fuzz_$t found a crash (exit $rc); see $log and $artifacts/"
      grep -m 20 -E "ERROR|SUMMARY|invariant|terminate|what\(\)" "$log" || tail -20 "$log"
    } >&2
  fi
  printf '%s\t%-11s %4ss %10s runs %8s/s  crashes: %s\n' "$failed" "$t" "$seconds" "$runs" \
    "$((runs / (seconds > 0 ? seconds : 1)))" "$crashes" >"$scratch/$t.result"
}
running=0
for t in "${targets[@]}"; do
  if ((running >= jobs)); then
    wait -n || true
    running=$((running - 1))
  fi
  fuzz_one "$t" &
  running=$((running + 1))
done
wait || true
status=0
for t in "${targets[@]}"; do
  if [[ ! -f "$scratch/$t.result" ]]; then
    echo "fuzz: $t did not report" >&2
    status=1
    continue
  fi
  IFS=$'\t' read -r failed line <"$scratch/$t.result"
  ((failed == 0)) || status=1
  echo "fuzz: $line"
done
exit $status
