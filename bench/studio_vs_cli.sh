#!/usr/bin/env bash
# The studio's training speed beside strata-cli's on the same project, in alternating rounds
# of one machine run: samples/s of each (mean over the epochs after the first) and their ratio
# per round. The studio trains with its window shown and the dashboard in front
# (`strata PROJECT --bench-epochs N`), under Xvfb when there is no display.
# Usage: bash bench/studio_vs_cli.sh [PROJECT] [EPOCHS] [LIMIT] [ROUNDS] [BUILD_DIR]
# (default: the Keras MNIST CNN, 3 epochs of 6720 samples, 3 rounds, build/).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
project=${1:-$root/projects/keras_mnist_cnn.strata}
epochs=${2:-3}
limit=${3:-6720}
rounds=${4:-3}
build=$(cd "${5:-$root/build}" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/data"

# A copy limited to LIMIT training samples, its data paths made absolute.
python3 - "$project" "$work/bench.strata" "$limit" <<'PY'
import json, os, sys
source, target, limit = sys.argv[1], sys.argv[2], int(sys.argv[3])
project = json.load(open(source))
data = project["dataset"]
for key, value in list(data.items()):
    if isinstance(value, str) and ("/" in value or value.endswith(".gz")) and not os.path.isabs(value):
        candidate = os.path.join(os.path.dirname(os.path.abspath(source)), value)
        if os.path.exists(candidate):
            data[key] = candidate
data["limit"] = limit
json.dump(project, open(target, "w"), indent=2)
PY

gui=("$build/app/gui/strata")
[[ -n ${DISPLAY:-} ]] || gui=(xvfb-run -a -s "-screen 0 1600x1000x24" "$build/app/gui/strata")
mean_after_first() { # the samples/s figures on stdin → their mean after the first
    awk '{ v[NR] = $1 } END { s = 0; n = 0; for (i = (NR > 1 ? 2 : 1); i <= NR; i++) { s += v[i]; n++ }
          if (n) printf "%.0f", s / n }'
}
printf "%-6s %14s %14s %8s\n" round "cli samples/s" "studio" "ratio"
ratios=()
for round in $(seq 1 "$rounds"); do
    cli=$("$build/app/strata-cli" train "$work/bench.strata" --epochs "$epochs" --out "$work/cli" |
        sed -n 's/.* - \([0-9.]*\) samples\/s.*/\1/p' | mean_after_first)
    studio=$("${gui[@]}" "$work/bench.strata" --bench-epochs "$epochs" 2>/dev/null |
        sed -n 's/^epoch [0-9/]*: [0-9.]* s, \([0-9.]*\) samples\/s$/\1/p' | mean_after_first)
    ratio=$(awk -v s="$studio" -v c="$cli" 'BEGIN { printf "%.3f", s / c }')
    ratios+=("$ratio")
    printf "%-6s %14s %14s %8s\n" "$round" "$cli" "$studio" "$ratio"
done
printf "median studio/cli: %s\n" "$(printf "%s\n" "${ratios[@]}" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')"
