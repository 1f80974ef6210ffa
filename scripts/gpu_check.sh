#!/usr/bin/env bash
# The GPU check, in two halves.
#
#   bash scripts/gpu_check.sh pack   (here, on the build machine with the CUDA toolkit)
#       Builds the engine, strata-cli, strata-bench and strata-conformance with CUDA into
#       build-cuda/ (STRATA_ENGINE_ONLY=ON: no Qt) and packs them, xz-compressed, with the
#       shared libraries the GPU machine lacks (oneDNN, protobuf, ...) and Fashion-MNIST into
#       build-gpu/strata-gpu.tar.xz: carry that one file (the device tool's carry limit is
#       64 MiB; oneDNN alone is 40 MB uncompressed).
#
#   bash scripts/gpu_check.sh run    (on the GPU machine, from the repository root)
#       Unpacks the bundle and, in one go: runs the conformance checks on cpu and cuda, trains
#       the Keras MNIST CNN (projects/keras_mnist_cnn.strata) for 2 epochs on Fashion-MNIST on
#       cuda and on cpu and compares their test accuracies (they must agree within 0.5
#       points), then benchmarks Strata against PyTorch on the GPU (bench/reference_bench.py
#       --device cuda). cuDNN and cuBLAS come from PyTorch's Python environment there.
#       Environment: PYTHON (default: python3), EPOCHS (2), BENCH_SECONDS (10),
#       SKIP_CPU_TRAINING=1 to train on the GPU only.
#
# Everything it prints goes to stdout; the exit status is non-zero when a check fails.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BUNDLE=build-gpu/strata-gpu.tar.xz

pack() {
    nice -n 19 cmake -S . -B build-cuda -G Ninja -DCMAKE_BUILD_TYPE=Release \
        -DSTRATA_ENGINE_ONLY=ON -DSTRATA_WITH_CUDA=ON
    nice -n 19 cmake --build build-cuda -j"${JOBS:-2}" \
        --target strata-cli strata-bench strata-conformance
    local stage=build-gpu/stage
    rm -rf "$stage" && mkdir -p "$stage/exe" "$stage/lib" "$stage/data/fashion-mnist"
    local exes="build-cuda/app/strata-cli build-cuda/bench/strata-bench
                build-cuda/tests/conformance/strata-conformance"
    cp $exes "$stage/exe/"
    # The shared libraries a bare machine may lack (oneDNN, protobuf, the GCC runtime...);
    # not glibc's own, and not cuDNN or cuBLAS, which come from PyTorch's environment there.
    ldd $exes | awk '$2 == "=>" && $3 ~ /^\// { print $1, $3 }' | sort -u |
        while read -r name path; do
            case "$name" in
            libc.so* | libm.so* | libpthread.so* | libdl.so* | librt.so* | ld-linux* | \
                libcudnn* | libcublas*) ;;
            *) cp -L "$path" "$stage/lib/$name" ;;
            esac
        done
    cp /usr/share/datasets/fashion-mnist/*.gz "$stage/data/fashion-mnist/"
    tar -C "$stage" -cJf "$BUNDLE" .
    rm -rf "$stage"
    ls -la "$BUNDLE"
    echo "Carry $BUNDLE to the GPU machine and run: bash scripts/gpu_check.sh run"
}

# cuDNN's and cuBLAS' library folders inside the Python environment's nvidia-* wheels.
nvidia_lib_path() {
    "$PYTHON" - <<'EOF'
import glob, os, site, sys
roots = site.getsitepackages() + [site.getusersitepackages()]
dirs = set()
for root in roots:
    for pattern in ("nvidia/*/lib", "nvidia/*/*/lib"):
        for lib in glob.glob(os.path.join(root, pattern)):
            if glob.glob(os.path.join(lib, "libcudnn.so*")) or \
               glob.glob(os.path.join(lib, "libcublas.so*")):
                dirs.add(lib)
print(":".join(sorted(dirs)))
EOF
}

# The test accuracy in a strata-cli train log ("Test: loss 0.3 - accuracy 0.8712"), else the
# last validation accuracy.
accuracy_of() {
    local a
    a=$(grep -oE 'Test: loss [0-9.]+ - accuracy [0-9.]+' "$1" | tail -1 | grep -oE '[0-9.]+$' || true)
    [ -n "$a" ] || a=$(grep -oE 'val_accuracy: [0-9.]+' "$1" | tail -1 | grep -oE '[0-9.]+$' || true)
    echo "$a"
}

run() {
    PYTHON=${PYTHON:-python3}
    EPOCHS=${EPOCHS:-2}
    local dir=build-gpu/run
    [ -f "$BUNDLE" ] || { echo "No $BUNDLE: run 'bash scripts/gpu_check.sh pack' first" >&2; exit 2; }
    rm -rf "$dir" && mkdir -p "$dir" && tar -C "$dir" -xJf "$BUNDLE"
    local nvlibs
    nvlibs=$(nvidia_lib_path)
    # Wrappers give the executables (only them, not Python) the bundled libraries.
    mkdir -p "$dir/bin"
    for exe in "$dir"/exe/*; do
        cat > "$dir/bin/$(basename "$exe")" <<EOF
#!/usr/bin/env bash
export LD_LIBRARY_PATH="$ROOT/$dir/lib:${nvlibs}\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}"
exec "$ROOT/$exe" "\$@"
EOF
        chmod +x "$dir/bin/$(basename "$exe")"
    done
    echo "== machine"
    nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv || true
    echo "cuDNN/cuBLAS from: ${nvlibs:-(not found in the site-packages of $PYTHON)}"
    LD_LIBRARY_PATH="$ROOT/$dir/lib:$nvlibs" ldd "$dir/exe/strata-cli" |
        grep -E "not found|cudnn|cublas|dnnl" || true
    "$dir/bin/strata-cli" devices

    local status=0
    echo "== conformance (every op, loss and update on cpu and cuda against the reference)"
    "$dir/bin/strata-conformance" --require cpu cuda || status=1

    echo "== Keras MNIST CNN on Fashion-MNIST, $EPOCHS epochs"
    local project="$dir/keras_mnist_cnn.strata"
    sed "s|/usr/share/datasets/fashion-mnist|$ROOT/$dir/data/fashion-mnist|g" \
        projects/keras_mnist_cnn.strata > "$project"
    local devices="cuda"
    [ "${SKIP_CPU_TRAINING:-0}" = 1 ] || devices="cuda cpu"
    for device in $devices; do
        local start=$SECONDS
        "$dir/bin/strata-cli" train "$project" --epochs "$EPOCHS" --device "$device" \
            --out "$dir/train-$device" 2>&1 | tee "$dir/train-$device.log" || status=1
        echo "$device: $((SECONDS - start)) s"
    done
    if [ "${SKIP_CPU_TRAINING:-0}" != 1 ]; then
        local gpu cpu
        gpu=$(accuracy_of "$dir/train-cuda.log" || true)
        cpu=$(accuracy_of "$dir/train-cpu.log" || true)
        echo "accuracy: cuda $gpu, cpu $cpu"
        if [ -n "$gpu" ] && [ -n "$cpu" ]; then
            "$PYTHON" -c "import sys; g, c = float('$gpu'), float('$cpu'); s = 100 if max(g, c) <= 1 else 1; d = abs(g - c) * s; print(f'difference {d:.2f} points (limit 0.5)'); sys.exit(d > 0.5)" || status=1
        else
            echo "could not read both accuracies from the logs" && status=1
        fi
    fi

    echo "== benchmark: Strata against PyTorch on the GPU"
    "$PYTHON" bench/reference_bench.py --device cuda --seconds "${BENCH_SECONDS:-10}" \
        --models mlp,mnist_cnn,cifar10_cnn,lenet --strata-bench "$dir/bin/strata-bench" \
        --markdown "$dir/gpu_bench.md" || status=1
    exit $status
}

case "${1:-}" in
pack) pack ;;
run) run ;;
*)
    echo "usage: bash scripts/gpu_check.sh pack|run (see the comment at the top)" >&2
    exit 2
    ;;
esac
