#!/usr/bin/env python3
"""Accuracy on real data: the Keras MNIST CNN on Fashion-MNIST in Strata, PyTorch and Keras.

The example project projects/keras_mnist_cnn.strata (Conv 32 3×3 ReLU, Conv 64 3×3 ReLU,
MaxPool 2, Flatten, Dense 1024 ReLU, Dense 10 softmax) is trained in the same run by the
three frameworks with the same initialisation (Keras' defaults, Glorot-uniform kernels and
zero biases, applied in PyTorch too) and hyperparameters (SGD lr 0.01, batch 32, 5 epochs,
validation split 0.3 = the last 30% of the training set, not shuffled into training; the
training part shuffled every epoch). After every epoch each framework's model is evaluated on
the 10,000-image test set. The table puts the test accuracies side by side, with the mean of
the last two epochs (plain SGD at 0.01 swings by several points from epoch to epoch).

Then the same network is trained with Adam (lr 0.001) and its test accuracy reported; the
issue's target for Strata is >= 0.91.

    .venv/bin/python bench/fashion_accuracy.py [--epochs 5] [--frameworks strata,torch,keras]
        [--adam-frameworks ...] [--threads 2] [--seeds 1,2,3] [--markdown FILE]
        [--json FILE] [--merge EARLIER.json] [--limit N --test-limit N]

With several seeds the SGD comparison is made on the mean over seeds of each framework's
mean of the last two epochs: one seed's last epochs swing by points. --json keeps every run's
results and --merge adds an earlier file's seeds to the report.

Strata is trained by strata-cli. Its per-epoch test accuracy comes from running it one epoch
at a time, each run resuming the previous one's checkpoint (a resumed run continues exactly,
so this is the same training as one 5-epoch run) and printing "Test: ..." at its end;
--strata-mode single trains in one run instead and reports only the final test accuracy.
Every framework runs in its own process, one after the other, at --threads threads.
"""

import argparse
import datetime
import gzip
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA_DIR = "/usr/share/datasets/fashion-mnist"
PROJECT = os.path.join(REPO, "projects", "keras_mnist_cnn.strata")
VALIDATION_SPLIT = 0.3
BATCH = 32
OPTIMIZERS = {"sgd": {"type": "sgd", "lr": 0.01}, "adam": {"type": "adam", "lr": 0.001}}
ADAM_TARGET = 0.91
TITLES = {"strata": "Strata", "torch": "PyTorch", "keras": "Keras"}


# ---------------------------------------------------------------------------------------------
# Data


def read_idx(path):
    """An IDX file (gzipped) as a numpy uint8 array of its declared shape."""
    import numpy as np

    with gzip.open(path, "rb") as f:
        data = f.read()
    if data[0] != 0 or data[1] != 0 or data[2] != 0x08:
        raise ValueError(f"{path}: not an unsigned-byte IDX file (magic {data[:4].hex()})")
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load_fashion(limit=0, test_limit=0):
    """Training and test images scaled to [0, 1] (N, 28, 28) float32, and int64 labels.
    limit / test_limit keep the first N samples (0: all), as the Strata project's
    dataset.limit / dataset.test_limit do."""
    import numpy as np

    def part(images, labels, n):
        x = read_idx(os.path.join(DATA_DIR, images)).astype(np.float32) / 255.0
        y = read_idx(os.path.join(DATA_DIR, labels)).astype(np.int64)
        return (x[:n], y[:n]) if n else (x, y)

    train = part("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", limit)
    test = part("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", test_limit)
    return train, test


def split_at(n):
    """Keras' validation_split: the first ceil(n * (1 - split)) samples train, the rest
    validate (Strata holds out floor(n * split), the same count)."""
    return int(math.ceil(n * (1.0 - VALIDATION_SPLIT)))


def log(message):
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# PyTorch


def torch_worker(args):
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(args.seed)

    (x, y), (xt, yt) = load_fashion(args.limit, args.test_limit)
    n_train = split_at(len(x))
    x = torch.from_numpy(x).unsqueeze(1)  # (N, 1, 28, 28)
    y = torch.from_numpy(y)
    x_train, y_train, x_val, y_val = x[:n_train], y[:n_train], x[n_train:], y[n_train:]
    x_test, y_test = torch.from_numpy(xt).unsqueeze(1), torch.from_numpy(yt)

    model = nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(), nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * 12 * 12, 1024), nn.ReLU(), nn.Linear(1024, 10))
    # Keras' defaults: Glorot-uniform kernels, zero biases. (PyTorch's xavier_uniform_ uses
    # the same fans as Keras' GlorotUniform: in/out channels times the kernel area.)
    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)
    if args.optimizer == "sgd":
        opt = torch.optim.SGD(model.parameters(), lr=OPTIMIZERS["sgd"]["lr"])
    else:
        # eps 1e-7: Keras' (and Strata's) default, not PyTorch's 1e-8.
        opt = torch.optim.Adam(model.parameters(), lr=OPTIMIZERS["adam"]["lr"], eps=1e-7)

    def accuracy(xs, ys):
        model.eval()
        correct = 0
        with torch.no_grad():
            for i in range(0, len(xs), 1000):
                correct += (model(xs[i:i + 1000]).argmax(1) == ys[i:i + 1000]).sum().item()
        model.train()
        return correct / max(len(xs), 1)

    shuffle = torch.Generator().manual_seed(args.seed + 1)
    epochs = []
    for epoch in range(args.epochs):
        start = time.perf_counter()
        order = torch.randperm(n_train, generator=shuffle)
        loss_sum, correct = 0.0, 0
        for i in range(0, n_train, BATCH):  # the last, partial batch included, as in Keras
            idx = order[i:i + BATCH]
            xb, yb = x_train[idx], y_train[idx]
            opt.zero_grad(set_to_none=True)
            out = model(xb)
            # Softmax + categorical cross-entropy, as one stable op on the logits.
            loss = F.cross_entropy(out, yb)
            loss.backward()
            opt.step()
            loss_sum += loss.item() * len(idx)
            correct += (out.argmax(1) == yb).sum().item()
        seconds = time.perf_counter() - start
        e = {"epoch": epoch + 1, "loss": loss_sum / n_train, "accuracy": correct / n_train,
             "val_accuracy": accuracy(x_val, y_val), "test_accuracy": accuracy(x_test, y_test),
             "seconds": seconds}
        log(f"[PyTorch {args.optimizer}] {json.dumps(e)}")
        epochs.append(e)
    return {"framework": "torch", "optimizer": args.optimizer, "epochs": epochs,
            "test_per_epoch": True, "version": f"PyTorch {torch.__version__}",
            "sizes": [n_train, len(x) - n_train, len(x_test)]}


# ---------------------------------------------------------------------------------------------
# Keras 3 on TensorFlow


def keras_worker(args):
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    import numpy as np
    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(args.threads)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    import keras
    from keras import layers

    keras.utils.set_random_seed(args.seed)
    (x, y), (xt, yt) = load_fashion(args.limit, args.test_limit)
    x, xt = x[..., None], xt[..., None]  # channels_last (N, 28, 28, 1)

    # The Keras MNIST CNN; Dense and Conv2D default to Glorot-uniform kernels, zero biases.
    model = keras.Sequential([
        keras.Input((28, 28, 1)), layers.Conv2D(32, 3, activation="relu"),
        layers.Conv2D(64, 3, activation="relu"), layers.MaxPooling2D(2), layers.Flatten(),
        layers.Dense(1024, activation="relu"), layers.Dense(10, activation="softmax")])
    if args.optimizer == "sgd":
        opt = keras.optimizers.SGD(learning_rate=OPTIMIZERS["sgd"]["lr"])
    else:
        opt = keras.optimizers.Adam(learning_rate=OPTIMIZERS["adam"]["lr"])
    model.compile(optimizer=opt, loss="sparse_categorical_crossentropy", metrics=["accuracy"])

    class TestEveryEpoch(keras.callbacks.Callback):
        """Times the training part of each epoch and evaluates on the test set after it."""

        def __init__(self):
            super().__init__()
            self.epochs = []

        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter()
            self.train_seconds = None

        def on_test_begin(self, logs=None):  # validation starts: training part is over
            if self.train_seconds is None:
                self.train_seconds = time.perf_counter() - self.start

        def on_epoch_end(self, epoch, logs=None):
            correct = 0
            for i in range(0, len(xt), 1000):
                probs = np.asarray(self.model(xt[i:i + 1000], training=False))
                correct += int((probs.argmax(1) == yt[i:i + 1000]).sum())
            e = {"epoch": epoch + 1, "loss": float(logs["loss"]),
                 "accuracy": float(logs["accuracy"]),
                 "val_accuracy": float(logs["val_accuracy"]),
                 "test_accuracy": correct / len(xt),
                 "seconds": self.train_seconds or time.perf_counter() - self.start}
            log(f"[Keras {args.optimizer}] {json.dumps(e)}")
            self.epochs.append(e)

    cb = TestEveryEpoch()
    # validation_split takes the last 30% before any shuffling; shuffle=True reshuffles the
    # training part every epoch.
    model.fit(x, y, batch_size=BATCH, epochs=args.epochs, validation_split=VALIDATION_SPLIT,
              shuffle=True, verbose=0, callbacks=[cb])
    n_train = split_at(len(x))
    return {"framework": "keras", "optimizer": args.optimizer, "epochs": cb.epochs,
            "test_per_epoch": True,
            "version": f"TensorFlow {tf.__version__} / Keras {keras.__version__}",
            "sizes": [n_train, len(x) - n_train, len(xt)]}


# ---------------------------------------------------------------------------------------------
# Strata (strata-cli)


def strata_worker(args):
    with open(PROJECT) as f:
        project = json.load(f)
    # A modified copy: optimizer, epochs and the smoke-test limits. The example's dataset paths
    # are absolute, so the copy reads the same files from the temporary folder.
    project["training"]["optimizer"] = dict(OPTIMIZERS[args.optimizer])
    project["training"]["epochs"] = args.epochs
    project["training"]["seed"] = args.seed
    project["training"]["validation_split"] = VALIDATION_SPLIT
    project["training"]["batch_size"] = BATCH
    if args.limit:
        project["dataset"]["limit"] = args.limit
    if args.test_limit:
        project["dataset"]["test_limit"] = args.test_limit
    work = tempfile.mkdtemp(prefix="strata-fashion-")
    path = os.path.join(work, "project.strata")
    with open(path, "w") as f:
        json.dump(project, f, indent=2)
    out = os.path.join(work, "out")

    def train(epochs, resume):
        command = [args.strata_cli, "train", path, "--epochs", str(epochs), "--out", out,
                   "--threads", str(args.threads), "--quiet"]
        if resume:
            command += ["--resume", os.path.join(out, "checkpoint.safetensors")]
        proc = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True)
        for line in proc.stdout.splitlines():
            if line.startswith("Epoch") or line.startswith("Test"):
                log(f"[Strata {args.optimizer}] {line}")
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed ({proc.returncode}):\n"
                               f"{proc.stdout}")
        m = re.search(r"^Test: loss (\S+) - accuracy (\S+)$", proc.stdout, re.M)
        if not m:
            raise RuntimeError(f"no 'Test:' line in the output of {' '.join(command)}")
        return float(m.group(2))

    tests = {}
    if args.strata_mode == "resume":
        for e in range(1, args.epochs + 1):
            tests[e] = train(e, resume=e > 1)
    else:
        tests[args.epochs] = train(args.epochs, resume=False)
    with open(os.path.join(out, "metrics.json")) as f:
        history = json.load(f)
    if args.keep_strata_runs:
        log(f"[Strata {args.optimizer}] kept the run in {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)  # weights and checkpoints: ~100 MB a run
    epochs = [{"epoch": h["epoch"], "loss": h["loss"], "accuracy": h["accuracy"],
               "val_accuracy": h.get("val_accuracy"), "test_accuracy": tests.get(h["epoch"]),
               "seconds": h["seconds"]} for h in history]
    return {"framework": "strata", "optimizer": args.optimizer, "epochs": epochs,
            "test_per_epoch": args.strata_mode == "resume",
            "version": f"Strata ({os.path.relpath(args.strata_cli, REPO)})"}


# ---------------------------------------------------------------------------------------------
# The driver and the report


def run_worker(framework, optimizer, args):
    """One framework and optimizer in a child process; returns its result dict or None."""
    env = dict(os.environ, OMP_NUM_THREADS=str(args.threads), MKL_NUM_THREADS=str(args.threads),
               TF_CPP_MIN_LOG_LEVEL="2", KERAS_BACKEND="tensorflow")
    command = [sys.executable, os.path.abspath(__file__), "--worker", framework,
               "--optimizer", optimizer, "--epochs", str(args.epochs),
               "--threads", str(args.threads), "--seed", str(args.seed),
               "--limit", str(args.limit), "--test-limit", str(args.test_limit),
               "--strata-cli", args.strata_cli, "--strata-mode", args.strata_mode]
    if args.keep_strata_runs:
        command.append("--keep-strata-runs")
    log(f"[{TITLES[framework]} {optimizer}] training {args.epochs} epoch(s)…")
    start = time.perf_counter()
    proc = subprocess.run(command, env=env, stdout=subprocess.PIPE, text=True)
    results = [json.loads(l) for l in proc.stdout.splitlines() if l.startswith("{")]
    if proc.returncode != 0 or not results:
        log(f"[{TITLES[framework]} {optimizer}] failed (status {proc.returncode})")
        return None
    log(f"[{TITLES[framework]} {optimizer}] done in {time.perf_counter() - start:.0f} s")
    return results[-1]


def pct(value):
    return "—" if value is None else f"{100 * value:.2f}"


def mean_last_two(result):
    values = [e["test_accuracy"] for e in result["epochs"][-2:]] if result else []
    return sum(values) / len(values) if values and None not in values else None


def table(results, frameworks, epochs):
    """Per-epoch test (and validation) accuracy in %, side by side, plus summary rows."""
    cols = [f for f in frameworks if results.get(f)]
    lines = ["| epoch | " + " | ".join(f"{TITLES[f]} test" for f in cols) + " | " +
             " | ".join(f"{TITLES[f]} val" for f in cols) + " |",
             "| ---: |" + " ---: |" * (2 * len(cols))]
    for e in range(epochs):
        row = [pct(results[f]["epochs"][e].get("test_accuracy"))
               if e < len(results[f]["epochs"]) else "—" for f in cols]
        row += [pct(results[f]["epochs"][e].get("val_accuracy"))
                if e < len(results[f]["epochs"]) else "—" for f in cols]
        lines.append(f"| {e + 1} | " + " | ".join(row) + " |")
    lines.append("| mean of last two | " + " | ".join(pct(mean_last_two(results[f]))
                                                      for f in cols) + " |" + " |" * len(cols))
    secs = [sum(e["seconds"] for e in results[f]["epochs"]) / len(results[f]["epochs"])
            for f in cols]
    lines.append("| s per epoch (training) | " + " | ".join(f"{s:.1f}" for s in secs) + " |" +
                 " |" * len(cols))
    return lines


def sgd_verdict(strata, refs):
    """Lines comparing Strata's mean of the last two epochs with the references'."""
    if strata is None or not refs:
        return []
    out = [f"- Strata − {TITLES[f]} (mean of last two epochs): {100 * (strata - v):+.2f} points"
           for f, v in refs.items()]
    best = max(refs.values())
    verdict = "met" if strata >= best - 0.01 else "not met"
    out.append(f"- target: no more than 1 point below the better of the two ({pct(best)}): "
               f"{verdict}")
    return out


def report(args, sgd, adam, adam_frameworks):
    """sgd: {seed: {framework: result}}; adam: {framework: result} for the first seed."""
    seeds = sorted(sgd) or [args.seed]
    out = [f"Fashion-MNIST, the Keras MNIST CNN; {args.threads} threads per framework, "
           f"seed{'s' if len(seeds) > 1 else ''} {', '.join(map(str, seeds))}; "
           f"{datetime.date.today().isoformat()}.", ""]
    everything = [r for runs in sgd.values() for r in runs.values()] + list(adam.values())
    versions = {}
    for r in everything:
        if r:
            versions.setdefault(f"{TITLES[r['framework']]} ({r['optimizer']})", r["version"])
    out += [f"- {k}: {v}" for k, v in versions.items()]
    any_result = next((r for r in everything if r and "sizes" in r), None)
    if any_result:
        n_train, n_val, n_test = any_result["sizes"]
        out.append(f"- data: {n_train} training, {n_val} validation (the last "
                   f"{VALIDATION_SPLIT:g} of the training set), {n_test} test images")
    stratas = [runs.get("strata") for runs in sgd.values()] + [adam.get("strata")]
    if any(r and not r["test_per_epoch"] for r in stratas):
        out.append("- Strata: test accuracy after the last epoch only (--strata-mode single); "
                   "earlier epochs show validation accuracy from metrics.json")
    elif any(stratas):
        out.append("- Strata: per-epoch test accuracy from one-epoch strata-cli runs, each "
                   "resuming the previous checkpoint (exact resume: the same training as one "
                   "run); validation accuracy from metrics.json")
    frameworks = [f for f in TITLES if any(runs.get(f) for runs in sgd.values())]
    for seed in sorted(sgd):
        out += ["", f"### SGD lr {OPTIMIZERS['sgd']['lr']}, batch {BATCH}, "
                    f"{args.epochs} epochs, seed {seed} (test and validation accuracy, %)", ""]
        out += table(sgd[seed], frameworks, args.epochs)
        refs = {f: mean_last_two(sgd[seed].get(f)) for f in ("torch", "keras")}
        out += [""] + sgd_verdict(mean_last_two(sgd[seed].get("strata")),
                                  {f: v for f, v in refs.items() if v is not None})
    if len(seeds) > 1:
        # One seed's last two epochs swing by points; the mean over seeds is the comparison.
        out += ["", "### SGD: mean of the last two epochs' test accuracy per seed (%)", "",
                "| framework | " + " | ".join(f"seed {s}" for s in seeds) + " | mean |",
                "| --- |" + " ---: |" * (len(seeds) + 1)]
        means = {}
        for f in frameworks:
            values = [mean_last_two(sgd[s].get(f)) for s in seeds]
            done = [v for v in values if v is not None]
            means[f] = sum(done) / len(done) if len(done) == len(seeds) else None
            out.append(f"| {TITLES[f]} | " + " | ".join(pct(v) for v in values) +
                       f" | {pct(means[f])} |")
        out += [""] + sgd_verdict(means.get("strata"),
                                  {f: v for f, v in means.items()
                                   if f != "strata" and v is not None})
    if adam:
        out += ["", f"### Adam lr {OPTIMIZERS['adam']['lr']}, batch {BATCH}, "
                    f"{args.epochs} epochs, seed {args.seed} (test and validation accuracy, %)",
                ""]
        out += table(adam, adam_frameworks, args.epochs)
        if adam.get("strata"):
            final = adam["strata"]["epochs"][-1]["test_accuracy"]
            verdict = "met" if final is not None and final >= ADAM_TARGET else "not met"
            out += ["", f"- Strata's test accuracy after epoch {args.epochs}: {pct(final)} "
                        f"(target ≥ {100 * ADAM_TARGET:.0f}: {verdict})"]
    return "\n".join(out) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--frameworks", default="strata,torch,keras",
                        help="for the SGD comparison (default strata,torch,keras)")
    parser.add_argument("--adam-frameworks", default=None,
                        help="for the Adam run (default: the same as --frameworks; "
                             "'none' skips it)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--seeds", default="1",
                        help="comma-separated seeds for the SGD comparison (default 1); the "
                             "Adam run uses the first")
    parser.add_argument("--json", help="also write every run's results to this JSON file")
    parser.add_argument("--merge", action="append", default=[],
                        help="add the SGD runs of an earlier --json file for seeds not run now "
                             "(repeatable)")
    parser.add_argument("--limit", type=int, default=0,
                        help="use only the first N training images (smoke tests; 0: all)")
    parser.add_argument("--test-limit", type=int, default=0,
                        help="use only the first N test images (smoke tests; 0: all)")
    parser.add_argument("--strata-cli", default=os.path.join("build", "app", "strata-cli"),
                        help="the strata-cli executable (default build/app/strata-cli)")
    parser.add_argument("--strata-mode", choices=["resume", "single"], default="resume",
                        help="resume: per-epoch test accuracy (default); single: one run")
    parser.add_argument("--keep-strata-runs", action="store_true",
                        help="keep Strata's temporary project and output folders")
    parser.add_argument("--markdown", help="also write the report to this markdown file")
    parser.add_argument("--worker", choices=list(TITLES), help=argparse.SUPPRESS)
    parser.add_argument("--optimizer", choices=list(OPTIMIZERS), default="sgd",
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.epochs < 1:
        parser.error("--epochs must be at least 1")
    if not os.path.isabs(args.strata_cli) and not os.path.exists(args.strata_cli):
        args.strata_cli = os.path.join(REPO, args.strata_cli)
    args.strata_cli = os.path.abspath(args.strata_cli)

    if args.worker:
        os.environ["OMP_NUM_THREADS"] = str(args.threads)
        worker = {"torch": torch_worker, "keras": keras_worker, "strata": strata_worker}
        print(json.dumps(worker[args.worker](args)), flush=True)
        return 0

    args.frameworks = [f for f in args.frameworks.split(",") if f]
    adam_frameworks = (args.frameworks if args.adam_frameworks is None else
                       [f for f in args.adam_frameworks.split(",") if f and f != "none"])
    for f in args.frameworks + adam_frameworks:
        if f not in TITLES:
            parser.error(f"unknown framework '{f}' (choose from strata, torch, keras)")
    if "strata" in args.frameworks + adam_frameworks and not os.access(args.strata_cli,
                                                                        os.X_OK):
        parser.error(f"{args.strata_cli} is not an executable: build strata-cli first or pass "
                     "--strata-cli")

    try:
        seeds = [int(x) for x in args.seeds.split(",") if x]
    except ValueError:
        parser.error(f"--seeds takes integers separated by commas, not '{args.seeds}'")
    if not seeds:
        parser.error("--seeds needs at least one seed")
    sgd = {}
    for seed in seeds:
        args.seed = seed
        sgd[seed] = {f: run_worker(f, "sgd", args) for f in args.frameworks}
    args.seed = seeds[0]
    adam = {f: run_worker(f, "adam", args) for f in adam_frameworks}
    fresh = {"sgd": {str(k): v for k, v in sgd.items()}, "adam": adam}
    for path in args.merge:
        with open(path) as f:
            earlier = json.load(f)
        for seed, runs in earlier.get("sgd", {}).items():
            sgd.setdefault(int(seed), runs)
    if not args.frameworks:
        sgd = {}
    text = report(args, sgd, adam, adam_frameworks)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(fresh, f, indent=1)
    print()
    print(text)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(text)
        print(f"Wrote {args.markdown}")
    failed = [f for runs in sgd.values() for f, r in runs.items() if r is None]
    failed += [f for f, r in adam.items() if r is None]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
