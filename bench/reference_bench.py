#!/usr/bin/env python3
"""Training throughput: Strata against PyTorch and Keras (TensorFlow), in one run.

Runs `strata-bench --json`, then trains the same example models in PyTorch and in Keras 3 on
TensorFlow (CPU) on synthetic data of the same shapes, at the same batch sizes, with the same
optimizers, for the same fixed time after a warm-up, and prints a table of samples/s with
Strata's ratio to the faster of the two. Every framework runs at the same thread count (2 by
default) in its own process, one after the other, so they never compete for the cores and
their OpenMP runtimes never meet.

    .venv/bin/python bench/reference_bench.py [--seconds 10] [--threads 2]
        [--models mlp,mnist_cnn,...] [--frameworks strata,torch,keras]
        [--strata-bench build/bench/strata-bench] [--rounds N] [--markdown FILE]
        [--device cpu|cuda] [--precision fp32|bf16]

--rounds N runs the frameworks in turn N times and reports each figure's median, and the
median of each round's ratio: on a shared machine the speed drifts by a third between
minutes, and a ratio taken within one round is the fair one.

With --device cuda, Strata and PyTorch train on the GPU (Keras is tensorflow-cpu here, so it is
left out unless named in --frameworks); each batch is copied from pinned host memory to the GPU
every step, as Strata does.

With --precision bf16, PyTorch runs forward and loss under torch.autocast("cpu",
dtype=torch.bfloat16), Keras under the mixed_bfloat16 policy and Strata with its bf16 mixed
precision; Strata also runs in fp32 in every round, and the table adds Strata bf16 / fp32.

Batch sizes and optimizers are read from the example projects (projects/*.strata), the same
files strata-bench trains, so the three always agree; the layer stacks are written out below
for each framework, exactly as the tutorials define them.

Two more models are torchvision's own, at 3×32×32 with 10 classes: resnet18 and mobilenet_v2.
PyTorch trains torchvision's module; Strata trains the same architecture, exported to ONNX
(opset 13, in inference mode without constant folding, so BatchNorm stays a layer of its own)
and brought in with `strata-cli import` (--strata-cli, default build/app/strata-cli) into a
temporary project with the settings of IMPORTED_TRAINING, which strata-bench runs with
--project; Keras trains keras.applications.MobileNetV2 (weights=None). Keras has no ResNet-18,
so that row compares Strata with PyTorch alone.
"""

import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile
import time

from machine_info import cpu_name, gpu_name, versions

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Short name → (example project, description). The order is the table's order.
MODELS = {
    "mlp": ("keras_mlp_dummy", "Keras MLP 32→64→10"),
    "mnist_cnn": ("keras_mnist_cnn", "Keras MNIST CNN"),
    "cifar10_cnn": ("keras_cifar10_cnn", "Keras CIFAR-10 CNN"),
    "lenet": ("pytorch_cifar10_lenet", "PyTorch CIFAR-10 LeNet"),
    "or_gate": ("or_gate", "OR gate 2→2→1"),
    "resnet18": (None, "torchvision ResNet-18, 32×32"),
    "mobilenet_v2": (None, "torchvision MobileNetV2, 32×32"),
}

# The torchvision models (no example project): Strata imports them from ONNX into a project
# with these training settings, the CIFAR-10 tutorials' SGD with momentum at batch 64.
IMPORTED = ("resnet18", "mobilenet_v2")
IMPORTED_TRAINING = {"batch_size": 64, "loss": "cross_entropy",
                     "optimizer": {"type": "sgd", "lr": 0.01, "momentum": 0.9},
                     "init": "pytorch", "seed": 1}
# Models a framework does not have, and why (their cell reads "none").
NOT_IN = {("keras", "resnet18"): "keras.applications has no ResNet-18 (its ResNets start at "
                                 "50 layers), so the ResNet-18 row compares with PyTorch alone"}

# Input shape per sample, channels first (Strata's and PyTorch's layout; Keras gets the
# channels-last transpose), and the speed target: Strata / faster of the two.
INPUT_SHAPES = {
    "mlp": (32,),
    "mnist_cnn": (1, 28, 28),
    "cifar10_cnn": (3, 32, 32),
    "lenet": (3, 32, 32),
    "or_gate": (2,),
    "resnet18": (3, 32, 32),
    "mobilenet_v2": (3, 32, 32),
}
TARGETS = {"mnist_cnn": 1.5, "cifar10_cnn": 1.5}  # the others: 1.0 (no slower)
GPU_TARGET = 1.5  # on the GPU: every model at least 1.5× PyTorch

POOL_BATCHES = 16  # distinct synthetic batches per model, as in strata-bench
WARMUP_SECONDS = 1.0
WARMUP_STEPS = 5

FRAMEWORK_TITLES = {"strata": "Strata", "torch": "PyTorch", "keras": "Keras",
                    "strata_fp32": "Strata fp32"}


def training_spec(model):
    """Batch size, optimizer dict and loss of a model, from its example project."""
    if model in IMPORTED:
        t = IMPORTED_TRAINING
        return t["batch_size"], t["optimizer"], t["loss"]
    path = os.path.join(REPO, "projects", MODELS[model][0] + ".strata")
    with open(path) as f:
        training = json.load(f)["training"]
    return training["batch_size"], training["optimizer"], training.get("loss", "cross_entropy")


def synthetic_pool(model, batch, seed=1):
    """POOL_BATCHES batches of random inputs in [0, 1) and random labels, channels first."""
    import numpy as np

    rng = np.random.default_rng(seed)
    shape = (POOL_BATCHES * batch,) + INPUT_SHAPES[model]
    x = rng.random(shape, dtype=np.float32)
    classes = 2 if model == "or_gate" else 10
    y = rng.integers(0, classes, size=shape[0])
    return x, y


class StepTimer:
    """Counts steps: a warm-up (>= WARMUP_SECONDS and >= WARMUP_STEPS), then the measured
    window of `seconds`. tick() after every step returns True when the window is over."""

    def __init__(self, seconds):
        self.seconds = seconds
        self.start = time.perf_counter()
        self.steps = 0
        self.t0 = None  # start of the measured window
        self.s0 = 0
        self.t1 = None
        self.s1 = 0

    def tick(self):
        self.steps += 1
        now = time.perf_counter()
        if self.t0 is None:
            if self.steps >= WARMUP_STEPS and now - self.start >= WARMUP_SECONDS:
                self.t0, self.s0 = now, self.steps
            return False
        if now - self.t0 >= self.seconds:
            self.t1, self.s1 = now, self.steps
            return True
        return False

    def result(self, model, batch):
        steps = self.s1 - self.s0
        seconds = self.t1 - self.t0
        return {"model": model, "samples_per_second": steps * batch / seconds,
                "steps": steps, "batch": batch, "seconds": seconds}


# ---------------------------------------------------------------------------------------------
# PyTorch


def torchvision_model(model):
    import torchvision.models as tv

    return {"resnet18": tv.resnet18, "mobilenet_v2": tv.mobilenet_v2}[model](num_classes=10)


def torch_worker(models, seconds, threads, device="cpu", precision="fp32"):
    import contextlib

    import torch
    import torch.nn as nn

    dev = torch.device(device)

    torch.set_num_threads(threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(1)

    def build(model):
        if model == "mlp":
            return nn.Sequential(nn.Linear(32, 64), nn.ReLU(), nn.Linear(64, 10))
        if model == "mnist_cnn":
            return nn.Sequential(
                nn.Conv2d(1, 32, 3), nn.ReLU(), nn.Conv2d(32, 64, 3), nn.ReLU(),
                nn.MaxPool2d(2), nn.Flatten(), nn.Linear(64 * 12 * 12, 1024), nn.ReLU(),
                nn.Linear(1024, 10))
        if model == "cifar10_cnn":
            return nn.Sequential(
                nn.Conv2d(3, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3),
                nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(64, 64, 3), nn.ReLU(), nn.Flatten(),
                nn.Linear(64 * 4 * 4, 64), nn.ReLU(), nn.Linear(64, 10))
        if model == "lenet":
            return nn.Sequential(
                nn.Conv2d(3, 6, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5),
                nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(16 * 5 * 5, 120),
                nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))
        if model == "or_gate":
            return nn.Sequential(nn.Linear(2, 2), nn.Sigmoid(), nn.Linear(2, 1), nn.Sigmoid())
        if model in IMPORTED:
            return torchvision_model(model)
        raise ValueError(model)

    def optimizer(spec, params):
        if spec["type"] == "adam":
            return torch.optim.Adam(params, lr=spec["lr"])
        if spec["type"] == "sgd":
            return torch.optim.SGD(params, lr=spec["lr"], momentum=spec.get("momentum", 0.0))
        raise ValueError(spec["type"])

    for model in models:
        batch, opt_spec, loss_kind = training_spec(model)
        net = build(model).to(dev)
        net.train()
        opt = optimizer(opt_spec, net.parameters())
        x, y = synthetic_pool(model, batch)
        on_gpu = dev.type == "cuda"
        # On the GPU the batches stay in pinned host memory and are copied in every step.
        xs = [t.pin_memory() if on_gpu else t for t in torch.from_numpy(x).split(batch)]
        if loss_kind == "binary_cross_entropy":
            ys = torch.from_numpy(y).float().unsqueeze(1).split(batch)
            loss_fn = nn.BCELoss()
        else:
            # The tutorials' Softmax + cross-entropy is PyTorch's CrossEntropyLoss on logits.
            ys = torch.from_numpy(y).long().split(batch)
            loss_fn = nn.CrossEntropyLoss()
        ys = [t.pin_memory() if on_gpu else t for t in ys]
        timer = StepTimer(seconds)
        i = 0
        running = 0.0
        # bf16: autocast runs convolutions and linear layers in bf16; weights stay fp32.
        autocast = (lambda: torch.autocast(dev.type, dtype=torch.bfloat16)) \
            if precision == "bf16" else contextlib.nullcontext
        while True:
            xb, yb = xs[i % POOL_BATCHES], ys[i % POOL_BATCHES]
            if on_gpu:
                xb, yb = xb.to(dev, non_blocking=True), yb.to(dev, non_blocking=True)
            i += 1
            opt.zero_grad(set_to_none=True)
            with autocast():
                out = net(xb)
            loss = loss_fn(out.float(), yb)
            loss.backward()
            opt.step()
            running += loss.item()  # the tutorials' running loss; it waits for the step
            if timer.tick():
                break
        emit(timer.result(model, batch))


# ---------------------------------------------------------------------------------------------
# Keras 3 on TensorFlow


def keras_worker(models, seconds, threads, precision="fp32"):
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    import numpy as np
    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(threads)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    import keras
    from keras import layers

    keras.utils.set_random_seed(1)
    if precision == "bf16":  # bf16 compute, fp32 variables
        keras.mixed_precision.set_global_policy("mixed_bfloat16")

    def build(model):
        # channels_last, as Keras prefers: the inputs are (H, W, C).
        if model == "mlp":
            return keras.Sequential([
                keras.Input((32,)), layers.Dense(64, activation="relu"),
                layers.Dense(10, activation="softmax")])
        if model == "mnist_cnn":
            return keras.Sequential([
                keras.Input((28, 28, 1)), layers.Conv2D(32, 3, activation="relu"),
                layers.Conv2D(64, 3, activation="relu"), layers.MaxPooling2D(2),
                layers.Flatten(), layers.Dense(1024, activation="relu"),
                layers.Dense(10, activation="softmax")])
        if model == "cifar10_cnn":
            return keras.Sequential([
                keras.Input((32, 32, 3)), layers.Conv2D(32, 3, activation="relu"),
                layers.MaxPooling2D(2), layers.Conv2D(64, 3, activation="relu"),
                layers.MaxPooling2D(2), layers.Conv2D(64, 3, activation="relu"),
                layers.Flatten(), layers.Dense(64, activation="relu"), layers.Dense(10)])
        if model == "lenet":
            return keras.Sequential([
                keras.Input((32, 32, 3)), layers.Conv2D(6, 5, activation="relu"),
                layers.MaxPooling2D(2), layers.Conv2D(16, 5, activation="relu"),
                layers.MaxPooling2D(2), layers.Flatten(), layers.Dense(120, activation="relu"),
                layers.Dense(84, activation="relu"), layers.Dense(10)])
        if model == "or_gate":
            return keras.Sequential([
                keras.Input((2,)), layers.Dense(2, activation="sigmoid"),
                layers.Dense(1, activation="sigmoid")])
        if model == "mobilenet_v2":  # ends in a softmax
            return keras.applications.MobileNetV2(input_shape=(32, 32, 3), weights=None,
                                                  classes=10)
        raise ValueError(model)

    def optimizer(spec):
        if spec["type"] == "adam":
            return keras.optimizers.Adam(learning_rate=spec["lr"])
        if spec["type"] == "sgd":
            return keras.optimizers.SGD(learning_rate=spec["lr"],
                                        momentum=spec.get("momentum", 0.0))
        raise ValueError(spec["type"])

    class TimeLimit(keras.callbacks.Callback):
        """Stops fit() when the timer's measured window is over."""

        def __init__(self, timer):
            super().__init__()
            self.timer = timer

        def on_train_batch_end(self, batch, logs=None):
            if self.timer.tick():
                self.model.stop_training = True

    for model in models:
        if ("keras", model) in NOT_IN:
            continue
        batch, opt_spec, loss_kind = training_spec(model)
        net = build(model)
        if loss_kind == "binary_cross_entropy":
            loss = "binary_crossentropy"
        elif model in ("cifar10_cnn", "lenet"):  # these end in logits (no Softmax layer)
            loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
        else:
            loss = "sparse_categorical_crossentropy"
        # Keras' default jit_compile="auto" means no XLA on a CPU-only machine.
        net.compile(optimizer=optimizer(opt_spec), loss=loss, metrics=["accuracy"])
        x, y = synthetic_pool(model, batch)
        if x.ndim == 4:
            x = np.ascontiguousarray(x.transpose(0, 2, 3, 1))  # NCHW → NHWC
        y = y.astype(np.float32 if loss_kind == "binary_cross_entropy" else np.int32)
        if loss_kind == "binary_cross_entropy":
            y = y[:, None]
        data = (tf.data.Dataset.from_tensor_slices((x, y)).batch(batch, drop_remainder=True)
                .cache().repeat().prefetch(tf.data.AUTOTUNE))
        timer = StepTimer(seconds)
        net.fit(data, epochs=1, steps_per_epoch=10**9, verbose=0, shuffle=False,
                callbacks=[TimeLimit(timer)])
        emit(timer.result(model, batch))


def emit(result):
    print(json.dumps(result), flush=True)


# ---------------------------------------------------------------------------------------------
# Strata's copies of the torchvision models


def onnx_worker(models, out_dir):
    """Exports each torchvision model to OUT_DIR/MODEL.onnx at 3×32×32, opset 13."""
    import warnings

    import torch

    # The TorchScript exporter (dynamo=False), which Strata's importer is checked against,
    # warns that it is deprecated.
    warnings.filterwarnings("ignore", category=DeprecationWarning)

    torch.manual_seed(1)
    for model in models:
        net = torchvision_model(model).eval()
        # In inference mode the exporter folds each BatchNorm into the convolution before it
        # when it folds constants: the model would train without BatchNorm.
        torch.onnx.export(net, (torch.randn((2,) + INPUT_SHAPES[model]),),
                          os.path.join(out_dir, model + ".onnx"), opset_version=13,
                          dynamo=False, do_constant_folding=False, input_names=["input"],
                          output_names=["output"],
                          dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})


def import_for_strata(models, args, work):
    """The torchvision models as Strata projects in `work`, trained as IMPORTED_TRAINING says:
    exported to ONNX (in a child process, as the frameworks run), then strata-cli import.
    Returns the project files, named MODEL.strata (strata-bench names a project by its file)."""
    command = [sys.executable, os.path.abspath(__file__), "--worker", "onnx",
               "--models", ",".join(models), "--onnx-dir", work]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    projects = []
    for model in models:
        project = os.path.join(work, model + ".strata")
        subprocess.run([args.strata_cli, "import", os.path.join(work, model + ".onnx"),
                        "--out", project], check=True, stdout=subprocess.DEVNULL)
        with open(project) as f:
            doc = json.load(f)
        doc["training"].update(IMPORTED_TRAINING)
        with open(project, "w") as f:
            json.dump(doc, f, indent=1)
        projects.append(project)
    return projects


# ---------------------------------------------------------------------------------------------
# The driver


def run_worker(framework, args):
    """Runs one framework in a child process; returns {model: result}."""
    env = dict(os.environ)
    threads = str(args.threads)
    env.update(OMP_NUM_THREADS=threads, MKL_NUM_THREADS=threads, TF_CPP_MIN_LOG_LEVEL="2",
               KERAS_BACKEND="tensorflow")
    # Strata's programs shorten libgomp's spin before sleeping (engine/startup/openmp_wait.cpp);
    # PyTorch's OpenMP (libgomp too) gets the same, so neither gains from it when other work
    # shares the cores. TensorFlow's own thread pool does not read it.
    if "OMP_WAIT_POLICY" not in env:
        env.setdefault("GOMP_SPINCOUNT", "10000")
    precision = "fp32" if framework == "strata_fp32" else args.precision
    if framework.startswith("strata"):
        examples = [m for m in args.models if m not in IMPORTED]
        command = [args.strata_bench, "--json", "--seconds", str(args.seconds),
                   "--threads", threads, "--projects", os.path.join(REPO, "projects"),
                   "--device", args.device, "--precision", precision]
        command += ["--models", ",".join(examples)] if examples else []
        for project in args.imported_projects:
            command += ["--project", project]
    else:
        command = [sys.executable, os.path.abspath(__file__), "--worker", framework,
                   "--seconds", str(args.seconds), "--threads", threads,
                   "--models", ",".join(args.models), "--device", args.device,
                   "--precision", precision]
    print(f"[{FRAMEWORK_TITLES[framework]}] {' '.join(command)}", file=sys.stderr, flush=True)
    proc = subprocess.run(command, env=env, stdout=subprocess.PIPE, text=True)
    results = {}
    for line in proc.stdout.splitlines():
        if line.startswith("{") and "model" in json.loads(line):
            r = json.loads(line)
            results[r["model"]] = r
            print(f"[{FRAMEWORK_TITLES[framework]}] {r['model']}: "
                  f"{r['samples_per_second']:.1f} samples/s ({r['steps']} steps)",
                  file=sys.stderr, flush=True)
    if proc.returncode != 0:
        print(f"[{FRAMEWORK_TITLES[framework]}] exited with status {proc.returncode}",
              file=sys.stderr)
    return results


def fmt(value, framework=None, model=None):
    if value is None and (framework, model) in NOT_IN:
        return "none"
    return f"{value:,.0f}" if value is not None else "—"


def median(values):
    values = sorted(v for v in values if v is not None)
    if not values:
        return None
    mid = len(values) // 2
    return values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2


def ratio_of(round_results, model):
    """Strata's samples/s over the faster reference's, within one round."""
    get = lambda f: round_results.get(f, {}).get(model, {}).get("samples_per_second")  # noqa
    refs = [v for v in (get("torch"), get("keras")) if v]
    return get("strata") / max(refs) if get("strata") and refs else None


def bf16_gain(round_results, model):
    """Strata bf16's samples/s over Strata fp32's, within one round."""
    get = lambda f: round_results.get(f, {}).get(model, {}).get("samples_per_second")  # noqa
    return get("strata") / get("strata_fp32") if get("strata") and get("strata_fp32") else None


def make_table(args, rounds):
    """The results as a markdown table plus a header saying how they were measured. rounds:
    one {framework: {model: result}} per round; figures are medians over the rounds, and the
    ratio is the median of each round's ratio (the machine's speed drifts between rounds)."""
    where = f"{cpu_name()} ({os.cpu_count()} logical CPUs)"
    if args.device != "cpu":
        where = f"{gpu_name()} ({args.device}), host {where}"
    head = [
        f"Training throughput (samples/s), synthetic data, {args.threads} threads per "
        f"framework, {args.seconds:g} s per model after a warm-up, {args.precision}"
        f"{' (PyTorch autocast, Keras mixed_bfloat16)' if args.precision == 'bf16' else ''}"
        f"{f', median of {len(rounds)} rounds (each framework in turn)' if len(rounds) > 1 else ''}; "
        f"{datetime.date.today().isoformat()}, {where}.",
        "",
    ]
    head += ["- " + v for v in versions(args.frameworks, args.strata_bench)]
    head.append("")
    several = len(rounds) > 1
    gain = any("strata_fp32" in r for r in rounds)  # --precision bf16: Strata bf16 / fp32
    rows = ["| model | batch | Strata | PyTorch | Keras | Strata / best of two | " +
            ("per round | " if several else "") + ("Strata bf16 / fp32 | " if gain else "") +
            "target |",
            "| --- | ---: | ---: | ---: | ---: | ---: | " + ("---: | " if several else "") +
            ("---: | " if gain else "") + "--- |"]
    for model in args.models:
        get = lambda f: median(r.get(f, {}).get(model, {}).get("samples_per_second")  # noqa
                               for r in rounds)
        strata, torch_, keras_ = get("strata"), get("torch"), get("keras")
        batch = training_spec(model)[0]
        per_round = [ratio_of(r, model) for r in rounds]
        ratio = median(per_round)
        target = TARGETS.get(model, 1.0) if args.device == "cpu" else GPU_TARGET
        verdict = "—" if ratio is None else ("met" if ratio >= target else "not met")
        spread = " | " + ", ".join("—" if v is None else f"{v:.2f}" for v in per_round)
        g = median(bf16_gain(r, model) for r in rounds)
        g = (" | —" if g is None else f" | {g:.2f}×") if gain else ""
        rows.append(f"| {MODELS[model][1]} | {batch} | {fmt(strata)} | {fmt(torch_)} | "
                    f"{fmt(keras_, 'keras', model)} | {'—' if ratio is None else f'{ratio:.2f}×'}"
                    f"{spread if several else ''}{g} | ≥ {target:g}×: {verdict} |")
    notes = [f"{MODELS[m][1]}: {why}." for (f, m), why in NOT_IN.items()
             if m in args.models and f in args.frameworks]
    return "\n".join(head + rows + ([""] + notes if notes else [])) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10.0,
                        help="measured time per model and framework (default 10)")
    parser.add_argument("--threads", type=int, default=2, help="threads for everyone (2)")
    parser.add_argument("--models", default=",".join(MODELS),
                        help="comma-separated subset of: " + ", ".join(MODELS))
    parser.add_argument("--frameworks",
                        help="comma-separated subset of strata, torch, keras (default: all "
                        "three on the CPU, strata and torch with --device cuda)")
    parser.add_argument("--strata-bench", default=os.path.join("build", "bench", "strata-bench"),
                        help="the strata-bench executable (default build/bench/strata-bench)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="run every framework in turn this many times and report medians "
                             "(default 1)")
    parser.add_argument("--markdown", help="also write the table to this markdown file")
    parser.add_argument("--device", default="cpu",
                        help="cpu (default), or cuda / cuda:N for Strata and PyTorch on a GPU")
    parser.add_argument("--precision", default="fp32", choices=["fp32", "bf16"],
                        help="fp32 (default) or bf16 mixed precision for every framework")
    parser.add_argument("--strata-cli", default=os.path.join("build", "app", "strata-cli"),
                        help="strata-cli, which imports the torchvision models (default "
                             "build/app/strata-cli)")
    parser.add_argument("--worker", choices=["torch", "keras", "onnx"], help=argparse.SUPPRESS)
    parser.add_argument("--onnx-dir", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.models = [m for m in args.models.split(",") if m]
    for m in args.models:
        if m not in MODELS:
            parser.error(f"unknown model '{m}' (choose from {', '.join(MODELS)})")

    # The thread limits must be in the environment before torch or TensorFlow load.
    os.environ["OMP_NUM_THREADS"] = str(args.threads)
    os.environ["MKL_NUM_THREADS"] = str(args.threads)
    if args.worker == "torch":
        return torch_worker(args.models, args.seconds, args.threads, args.device, args.precision)
    if args.worker == "keras":
        return keras_worker(args.models, args.seconds, args.threads, args.precision)
    if args.worker == "onnx":
        return onnx_worker(args.models, args.onnx_dir)

    if args.frameworks is None:
        args.frameworks = "strata,torch,keras" if args.device == "cpu" else "strata,torch"
    args.frameworks = [f for f in args.frameworks.split(",") if f]
    for f in args.frameworks:
        if f not in FRAMEWORK_TITLES:
            parser.error(f"unknown framework '{f}' (choose from strata, torch, keras)")
    # A relative --strata-bench or --strata-cli is looked for from here, then from the
    # repository root.
    imported = [m for m in args.models if m in IMPORTED]
    for option, target in (("strata_bench", "strata-bench"), ("strata_cli", "strata-cli")):
        path = getattr(args, option)
        if not os.path.isabs(path) and not os.path.exists(path):
            path = os.path.join(REPO, path)
        setattr(args, option, os.path.abspath(path))
        needed = "strata" in args.frameworks and (target == "strata-bench" or imported)
        if needed and not os.access(path, os.X_OK):
            parser.error(f"{path} is not an executable: build it first (cmake --build build "
                         f"--target {target}) or pass --{target}")

    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    runs = args.frameworks + (["strata_fp32"] if args.precision == "bf16" and
                              "strata" in args.frameworks else [])
    with tempfile.TemporaryDirectory(prefix="strata-reference-bench-") as work:
        args.imported_projects = (import_for_strata(imported, args, work)
                                  if imported and "strata" in args.frameworks else [])
        rounds = []
        for i in range(args.rounds):
            if args.rounds > 1:
                print(f"Round {i + 1} of {args.rounds}", file=sys.stderr, flush=True)
            rounds.append({f: run_worker(f, args) for f in runs})
    table = make_table(args, rounds)
    print()
    print(table)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(table)
        print(f"Wrote {args.markdown}")
    missing = [(f, m) for r in rounds for f in runs for m in args.models
               if m not in r[f] and (f, m) not in NOT_IN]
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
