#!/usr/bin/env bash
# Regenerates the studio's pictures in docs/ from a built tree, under Xvfb, with a settings
# folder of its own (the user's saved dock layout must not leak into the pictures).
# Usage: bash scripts/screenshots.sh [BUILD_DIR]   (default: build)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
strata="$build/app/gui/strata"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export XDG_CONFIG_HOME="$work/config"
export XDG_DATA_HOME="$work/data" # the runs of the examples' copies

shot() { # screen size, then strata's arguments
    local screen=$1
    shift
    xvfb-run -a -s "-screen 0 ${screen}x24" nice -n 19 "$strata" "$@"
}

shot 1920x1200 "$root/projects/keras_mnist_cnn.strata" --size 1600x1000 \
    --screenshot "$root/docs/studio-mnist-cnn.png"

# The Profiler dock mid-run on the MNIST CNN, the cards' measured costs beside it.
shot 1920x1200 "$root/projects/keras_mnist_cnn.strata" --size 1600x1000 --train-epochs 1 \
    --show-dock profilerDock --screenshot "$root/docs/profiler-dock.png"

# A shape error: the MNIST CNN without its Flatten layer.
python3 - "$root/projects/keras_mnist_cnn.strata" "$work/shape_error.strata" <<'PY'
import json, sys
project = json.load(open(sys.argv[1]))
project["name"] = "Shape error demo"
model = project["model"]
model["nodes"] = [n for n in model["nodes"] if n["id"] != "flatten"]
edges = [e for e in model["edges"] if not e["to"].startswith("flatten.")]
for e in edges:
    if e["from"].startswith("flatten."):
        e["from"] = "max_pooling2d.out"
model["edges"] = edges
json.dump(project, open(sys.argv[2], "w"), indent=2)
PY
shot 1920x1200 "$work/shape_error.strata" --size 1600x1000 --select dense \
    --screenshot "$root/docs/studio-shape-error.png"

# The whole studio on a laptop screen, mid-run on the default example.
shot 1366x768 "$root/projects/spirals.strata" --size 1366x768 --train-epochs 40 \
    --screenshot "$root/docs/studio-training.png"

# The decision boundary and neuron maps mid-run on the spirals, on a laptop and a desktop
# screen, and the XOR example's after its run.
shot 1366x768 "$root/projects/spirals.strata" --size 1366x768 --train-epochs 100 \
    --show-dock "Decision boundary" --screenshot "$root/docs/boundary-1366x768.png"
shot 1600x1000 "$root/projects/spirals.strata" --size 1600x1000 --train-epochs 120 \
    --show-dock "Decision boundary" --screenshot "$root/docs/boundary-spirals.png"

# First launch (no saved layout) on a laptop and a desktop screen, mid-run: every panel of the
# dashboard readable; the OR gate shows its truth table beside the confusion matrix.
shot 1366x768 "$root/projects/spirals.strata" --size 1366x768 --train-epochs 30 \
    --screenshot "$root/docs/studio-1366x768.png"
shot 1600x1000 "$root/projects/or_gate.strata" --size 1600x1000 --train-epochs 300 \
    --screenshot "$root/docs/studio-1600x1000.png"
# The Runs panel: three kept runs of the spirals at three learning rates (strata-cli), their
# curves overlaid on the dashboard while a fourth trains.
mkdir -p "$work/runs"
python3 - "$root/projects/spirals.strata" "$work/runs/spirals.strata" "$build/app/strata-cli" <<'PY'
import json, subprocess, sys
project = json.load(open(sys.argv[1]))
project["training"]["epochs"] = 60
for lr in (0.003, 0.03, 0.01):
    project["training"]["optimizer"]["lr"] = lr
    json.dump(project, open(sys.argv[2], "w"), indent=2)
    if lr != 0.01:  # the last is the studio's live run
        subprocess.run([sys.argv[3], "train", sys.argv[2], "--quiet"], check=True,
                       stdout=subprocess.DEVNULL)
PY
"$build/app/strata-cli" runs "$work/runs/spirals.strata" --rename run-1 "Adam lr 0.003" >/dev/null
"$build/app/strata-cli" runs "$work/runs/spirals.strata" --rename run-2 "Adam lr 0.03" >/dev/null
"$build/app/strata-cli" runs "$work/runs/spirals.strata" --tag "run-2=fast" >/dev/null
shot 1600x1000 "$work/runs/spirals.strata" --size 1600x1000 --show-dock Runs --compare-runs all \
    --train-epochs 25 --screenshot "$root/docs/runs-compare.png"
# Presenter mode mid-run on the spirals: large text and curves, editing docks hidden.
shot 1600x1000 "$root/projects/spirals.strata" --size 1600x1000 --presenter --train-epochs 40 \
    --screenshot "$root/docs/presenter-mode.png"
# A lesson after its run, its text beside the canvas.
shot 1600x1000 "$root/projects/lessons/5_overfitting.strata" --size 1600x1000 --train-epochs 400 \
    --screenshot "$root/docs/lesson-overfitting.png"
# The examples gallery over the studio, at both sizes.
shot 1366x768 --size 1366x768 --examples --screenshot "$root/docs/examples-1366x768.png"
shot 1600x1000 --size 1600x1000 --examples --screenshot "$root/docs/examples-1600x1000.png"

# A run that diverges: XOR at a learning rate of 1e6 stops by itself and says why.
python3 - "$root/projects/xor.strata" "$work/xor_diverge.strata" <<'PY'
import json, sys
project = json.load(open(sys.argv[1]))
project["name"] = "XOR with a learning rate of 1e6"
project["training"]["optimizer"]["lr"] = 1e6
json.dump(project, open(sys.argv[2], "w"), indent=2)
PY
shot 1366x768 "$work/xor_diverge.strata" --size 1366x768 --train-epochs 50 \
    --screenshot "$root/docs/studio-diverged.png"

# The dashboard and the dataset preview, as their test grabs them.
STRATA_SCREENSHOT_DIR="$work/shots" STRATA_SOURCE_DIR="$root" QT_QPA_PLATFORM=offscreen \
    nice -n 19 "$build/tests/test_training_dashboard" >/dev/null
cp "$work/shots/training_dashboard.png" "$root/docs/training-dashboard.png"
# The boundary panel alone, as its test grabs it: XOR after its run, neuron maps beside.
STRATA_SCREENSHOT_DIR="$work/shots" STRATA_SOURCE_DIR="$root" QT_QPA_PLATFORM=offscreen \
    nice -n 19 "$build/tests/test_boundary_panel" xorBoundaryNeuronMapsAndClicks >/dev/null
cp "$work/shots/boundary_xor.png" "$root/docs/boundary-xor-neuron-maps.png"
# "Try the model": a briefly trained Fashion-MNIST CNN asked about a test image (when the
# dataset is installed).
STRATA_SCREENSHOT_DIR="$work/shots" STRATA_SOURCE_DIR="$root" QT_QPA_PLATFORM=offscreen \
    nice -n 19 "$build/tests/test_inference_panel" answersLikeAProbe >/dev/null
if [ -f "$work/shots/inference_panel.png" ]; then
    cp "$work/shots/inference_panel.png" "$root/docs/inference-panel.png"
    cp "$work/shots/inference_drawing.png" "$root/docs/inference-drawing.png"
fi
# The Weights dock after eight short epochs of the MNIST CNN on Fashion-MNIST (when installed).
if [ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]; then
    python3 - "$root/projects/keras_mnist_cnn.strata" "$work/weights.strata" <<'PY'
import json, sys
project = json.load(open(sys.argv[1]))
project["dataset"]["limit"] = 3000
project["training"]["epochs"] = 8
json.dump(project, open(sys.argv[2], "w"), indent=2)
PY
    shot 1920x1200 "$work/weights.strata" --size 1600x1000 --train-epochs 8 --show-dock Weights \
        --screenshot "$root/docs/weights-histograms.png"
fi
# The mistakes gallery after a brief Fashion-MNIST run, one mistake asked about.
STRATA_SCREENSHOT_DIR="$work/shots" STRATA_SOURCE_DIR="$root" QT_QPA_PLATFORM=offscreen \
    nice -n 19 "$build/tests/test_mistakes_gallery" >/dev/null
if [ -f "$work/shots/mistakes_gallery.png" ]; then
    cp "$work/shots/mistakes_gallery.png" "$root/docs/mistakes-gallery.png"
fi
if [ -f "$work/shots/dataset_preview_images.png" ]; then
    cp "$work/shots/dataset_preview_images.png" "$root/docs/dataset-preview.png"
    cp "$work/shots/dataset_preview_augmented.png" "$root/docs/dataset-augmentation.png"
fi
echo "Pictures written to $root/docs"
