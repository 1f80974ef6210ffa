#!/usr/bin/env python3
"""Checks that the exported code augments the training batches exactly as Strata does.

For three projects whose augmentation is on (IDX pictures of 1×9×12 and CIFAR-10 pictures of
3×32×32 written here, with every transform; a generated table with noise, the only transform
tables take), strata_codegen_tool exports the PyTorch and Keras code and writes the batches
Strata's trainer prepares in the first epochs. The check replays those epochs as the
generated train.py does (data.shuffled_order from StrataRng(SEED + 1), one key per epoch from
StrataRng(SEED + 2), data.augment_batch on each batch) and compares, within 1e-5.

When torch or tensorflow can be imported in REPO/.venv (scripts/setup_reference_env.sh), the
generated train.py scripts themselves run those epochs too, and every batch they augment is
compared with Strata's.

    check_augmentation.py --tool strata_codegen_tool --source REPO --work DIR

Needs Python 3 and numpy only (Debian's python3-numpy); exits 77 (CTest: skipped) without
numpy.
"""

import argparse
import contextlib
import importlib.util
import io
import json
import math
import os
import struct
import subprocess
import sys

SKIP = 77
TOLERANCE = 1e-5
EPOCHS = 3

try:
    import numpy as np
except ImportError:
    print("SKIPPED: numpy is missing (apt-get install python3-numpy)")
    sys.exit(SKIP)


def graph(input_params, classes):
    """Input → Flatten → Dense → Softmax: the smallest model the export takes."""
    nodes = [{"id": "x", "type": "Input", "name": "x", "params": input_params},
             {"id": "flat", "type": "Flatten", "name": "flat", "params": {}},
             {"id": "fc", "type": "Dense", "name": "fc", "params": {"units": classes}},
             {"id": "softmax", "type": "Softmax", "name": "softmax", "params": {}}]
    edges = [{"from": a + ".out", "to": b + ".in"}
             for a, b in (("x", "flat"), ("flat", "fc"), ("fc", "softmax"))]
    return {"nodes": nodes, "edges": edges}


def write_project(folder, name, model, dataset, batch_size, seed):
    os.makedirs(folder, exist_ok=True)
    project = {
        "format_version": 1,
        "name": name,
        "model": model,
        "dataset": dataset,
        "training": {"epochs": EPOCHS, "batch_size": batch_size, "validation_split": 0.2,
                     "loss": "cross_entropy", "optimizer": {"type": "sgd", "lr": 0.01},
                     "seed": seed},
    }
    path = os.path.join(folder, name + ".strata")
    with open(path, "w") as f:
        json.dump(project, f, indent=1)
    return path


EVERY_TRANSFORM = {"horizontal_flip": True, "crop_padding": 3, "translate": 0.2, "rotate": 35,
                   "brightness": 0.3, "contrast": 0.4, "noise": 0.05}


def idx_project(folder):
    """45 gray pictures of 9×12 (not square: height and width cannot be swapped unseen)."""
    rng = np.random.default_rng(1)
    n, h, w = 45, 9, 12
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "images.idx"), "wb") as f:
        f.write(struct.pack(">IIII", 0x803, n, h, w))
        f.write(rng.integers(0, 256, size=n * h * w, dtype=np.uint8).tobytes())
    with open(os.path.join(folder, "labels.idx"), "wb") as f:
        f.write(struct.pack(">II", 0x801, n))
        f.write((np.arange(n) % 3).astype(np.uint8).tobytes())
    dataset = {"kind": "idx", "train_images": "images.idx", "train_labels": "labels.idx",
               "normalization": "scale", "augmentation": EVERY_TRANSFORM}
    return write_project(folder, "idx_pictures",
                         graph({"channels": 1, "height": h, "width": w}, 3), dataset, 8, 11)


def cifar_project(folder):
    """20 colour pictures, standardised per channel (black and white differ by channel)."""
    rng = np.random.default_rng(2)
    n = 20
    records = np.zeros((n, 3073), dtype=np.uint8)
    records[:, 0] = np.arange(n) % 10
    # Brighter red, darker blue: three different channel statistics.
    pixels = rng.integers(0, 256, size=(n, 3, 1024))
    pixels[:, 0] = 128 + pixels[:, 0] // 2
    pixels[:, 2] //= 3
    records[:, 1:] = pixels.reshape(n, 3072)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "data_batch_1.bin"), "wb") as f:
        f.write(records.tobytes())
    dataset = {"kind": "cifar10", "train_files": ["data_batch_1.bin"],
               "normalization": "standardize", "augmentation": EVERY_TRANSFORM}
    return write_project(folder, "cifar_pictures",
                         graph({"channels": 3, "height": 32, "width": 32}, 10), dataset, 6, 4)


def table_project(folder):
    """A generated table (spirals), noise only."""
    dataset = {"kind": "builtin", "name": "spirals", "samples": 50, "noise": 0.05, "seed": 3,
               "normalization": "standardize", "augmentation": {"noise": 0.3}}
    return write_project(folder, "spiral_table", graph({"features": 2}, 2), dataset, 16, 9)


def fresh_import(folder, name):
    """Imports folder/name.py as `name`, forgetting the generated modules of other folders."""
    for stale in ("model", "data", "train"):
        sys.modules.pop(stale, None)
    sys.path.insert(0, folder)
    try:
        spec = importlib.util.spec_from_file_location(name, os.path.join(folder, name + ".py"))
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(folder)


def read_safetensors(path):
    with open(path, "rb") as f:
        (length,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(length))
        data = f.read()
    header.pop("__metadata__", None)
    return {name: np.frombuffer(data[i["data_offsets"][0]:i["data_offsets"][1]],
                                dtype="<f4").reshape(i["shape"])
            for name, i in header.items()}


def strata_batches(work):
    expected = read_safetensors(os.path.join(work, "augmented.safetensors"))
    return expected["features"], expected["batches"], expected["labels"].astype(np.int64)


def training_part(data, project):
    """data.load's training set less the validation split, as train.py holds it back."""
    with open(project) as f:
        spec = json.load(f)["training"]
    (x, y), _, normalization = data.load(os.path.dirname(project))
    held = math.floor(len(y) * spec["validation_split"])
    return x[:len(y) - held], y[:len(y) - held], normalization, spec


def replay(work, project):
    """data.py's augment_batch against Strata's batches, epoch by epoch; the largest
    difference."""
    data = fresh_import(os.path.join(work, "pytorch"), "data")
    features, batches, labels = strata_batches(work)
    x, y, normalization, spec = training_part(data, project)
    n, size = len(y), features.shape[1]
    assert features.shape == (n, size), (features.shape, x.shape)
    gap = float(np.abs(x.reshape(n, -1) - features).max())
    assert gap <= 1e-6, f"data.py's training set differs from Strata's by {gap}"
    shuffle_rng = data.StrataRng(spec["seed"] + 1)
    augment_rng = data.StrataRng(spec["seed"] + 2)
    worst, changed = 0.0, 0.0
    for epoch in range(EPOCHS):
        order = data.shuffled_order(n, shuffle_rng)
        epoch_key = augment_rng.next()
        for start in range(0, n, spec["batch_size"]):
            batch = order[start:start + spec["batch_size"]]
            xb = x[batch]
            before = xb.copy()
            got = data.augment_batch(xb, epoch_key, start, normalization)
            assert got.dtype == np.float32 and got.shape == xb.shape, (got.dtype, got.shape)
            assert np.array_equal(xb, before), "augment_batch changed its input"
            want = batches[epoch, start:start + len(batch)].reshape(got.shape)
            assert np.array_equal(y[batch], labels[epoch, start:start + len(batch)]), (
                f"epoch {epoch + 1}, batch at {start}: the samples are not Strata's")
            worst = max(worst, float(np.abs(got - want).max()))
            changed = max(changed, float(np.abs(got - xb).max()))
    assert worst <= TOLERANCE, f"augment_batch differs from Strata by {worst:.3g}"
    assert changed > 0.1, "augment_batch changed nothing"
    return worst


def run_scripts(framework, jobs_file):
    """Runs one framework's generated train.py on each project for EPOCHS epochs, recording
    what data.augment_batch returns, and compares every augmented batch with Strata's. Runs in
    its own process under .venv, importing one framework only (torch and TensorFlow clash)."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
    try:
        __import__("torch" if framework == "pytorch" else "tensorflow")
    except ImportError as e:
        print(f"{framework}: train.py not run: {e}")
        return 0
    with open(jobs_file) as f:
        jobs = json.load(f)
    failed = 0
    for job in jobs:
        folder = os.path.join(job["work"], framework)
        try:
            worst = check_script(folder, job["project"], job["work"], framework)
            print(f"{job['name']}: {framework} train.py augmented every batch of {EPOCHS} "
                  f"epochs as Strata (max difference {worst:.1e})", flush=True)
        except Exception as e:  # report every failing script, not only the first
            failed += 1
            print(f"{job['name']}: {framework} train.py FAILED: {type(e).__name__}: {e}",
                  flush=True)
    return 1 if failed else 0


def check_script(folder, project, work, framework):
    features, batches, _ = strata_batches(work)
    data = fresh_import(folder, "data")
    with open(project) as f:
        spec = json.load(f)["training"]
    keys = data.StrataRng(spec["seed"] + 2)
    epoch_of_key = {keys.next(): epoch for epoch in range(EPOCHS)}
    seen = {}
    augment_batch = data.augment_batch

    def recording(xb, epoch_key, first_position, normalization):
        out = augment_batch(xb, epoch_key, first_position, normalization)
        seen[(epoch_of_key[epoch_key], first_position)] = out.copy()
        return out

    data.augment_batch = recording
    train = fresh_import(folder, "train")
    train.data = data  # the recording module, in place of the one train.py imported
    out = os.path.join(work, "trained.pt" if framework == "pytorch" else "trained.keras")
    sys.path.insert(0, folder)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            train.main(["--epochs", str(EPOCHS), "--data-dir", os.path.dirname(project),
                        "--weights", os.path.join(folder, "weights.safetensors"), "--out", out])
    finally:
        sys.path.remove(folder)
    n = len(features)
    wanted = {(e, s) for e in range(EPOCHS) for s in range(0, n, spec["batch_size"])}
    assert set(seen) == wanted, f"augmented batches {sorted(seen)}, expected {sorted(wanted)}"
    worst = 0.0
    for (epoch, start), got in seen.items():
        want = batches[epoch, start:start + len(got)].reshape(got.shape)
        worst = max(worst, float(np.abs(got - want).max()))
    assert worst <= TOLERANCE, f"differs from Strata by {worst:.3g}"
    return worst


def main():
    parser = argparse.ArgumentParser(description="Checks the exported code's augmentation")
    parser.add_argument("--tool", required=True)
    parser.add_argument("--source", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--scripts", choices=["pytorch", "keras"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    jobs_file = os.path.join(args.work, "jobs.json")
    if args.scripts:
        return run_scripts(args.scripts, jobs_file)

    os.makedirs(args.work, exist_ok=True)
    failures, jobs = [], []
    for make, name in ((idx_project, "idx"), (cifar_project, "cifar10"), (table_project, "table")):
        work = os.path.join(args.work, name)
        try:
            project = make(os.path.join(work, "project"))
            subprocess.run([args.tool, project, work, "--rows", "1", "--augmented-epochs",
                            str(EPOCHS)], check=True)
            worst = replay(work, project)
            print(f"{name}: data.augment_batch gives Strata's augmented batches for {EPOCHS} "
                  f"epochs (max difference {worst:.1e})", flush=True)
            jobs.append({"name": name, "project": project, "work": work})
        except Exception as e:
            failures.append(f"{name}: {type(e).__name__}: {e}")
            print(f"{name}: FAILED: {type(e).__name__}: {e}", flush=True)

    venv_python = os.path.join(args.source, ".venv", "bin", "python")
    if jobs and os.path.exists(venv_python):
        with open(jobs_file, "w") as f:
            json.dump(jobs, f)
        for framework in ("pytorch", "keras"):
            script = subprocess.run([venv_python, os.path.abspath(__file__)] + sys.argv[1:] +
                                    ["--scripts", framework])
            if script.returncode != 0:
                failures.append(f"{framework} train.py: see the lines above")
    else:
        print("The generated train.py scripts were not run: no .venv "
              "(scripts/setup_reference_env.sh)")
    if failures:
        print("\n".join(["", "Failures:"] + failures))
        return 1
    print("The exported code augments exactly as Strata does")
    return 0


if __name__ == "__main__":
    sys.exit(main())
