#!/usr/bin/env python3
"""Checks the generated PyTorch and Keras code in the real frameworks.

For every example project, tests/interop/all_layers.strata and window_settings.strata:
- the PyTorch module (torch) and the Keras model (TensorFlow/Keras 3), with the exported
  weights, give the probabilities strata-cli predict gives for the same raw inputs, and the
  same as each other, within 1e-4;
- for the generated sets, CSV tables and image folders, data.py prepares exactly Strata's
  training set;
- each training script runs one epoch on a few samples (skipped, with a message, when the
  project's data files are absent).

    check_codegen.py --tool strata_codegen_tool --cli strata-cli --source REPO --work DIR

Runs itself in REPO/.venv when it exists; exits 77 (CTest: skipped) when torch or
tensorflow cannot be imported there.
"""

import argparse
import contextlib
import importlib.util
import io
import os
import subprocess
import sys
import time

SKIP = 77
TOLERANCE = 1e-4
TRAIN_LIMIT = 192


def reexec_in_venv(source):
    venv_python = os.path.join(source, ".venv", "bin", "python")
    if os.path.exists(venv_python) and os.path.realpath(sys.prefix) != os.path.realpath(
            os.path.join(source, ".venv")):
        os.execv(venv_python, [venv_python] + sys.argv)


def import_frameworks():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
    try:
        import numpy  # noqa: F401
        import torch
        import tensorflow as tf
        import keras  # noqa: F401
    except ImportError as e:
        print(f"reference environment missing: run scripts/setup_reference_env.sh ({e})")
        sys.exit(SKIP)
    torch.set_num_threads(2)
    tf.config.threading.set_intra_op_parallelism_threads(2)
    tf.config.threading.set_inter_op_parallelism_threads(1)


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


def strata_predict(cli, project, work):
    import numpy as np
    result = subprocess.run(
        [cli, "predict", project, "--weights", os.path.join(work, "weights.safetensors"),
         "--input", os.path.join(work, "inputs.csv")],
        capture_output=True, text=True, check=True)
    lines = result.stdout.strip().splitlines()[1:]  # the first line names the classes
    return np.array([[float(v) for v in line.split(",")] for line in lines], dtype=np.float64)


def data_available(project):
    import json
    with open(project) as f:
        dataset = json.load(f)["dataset"]
    base = os.path.dirname(project)
    paths = [dataset.get(k) for k in ("train_images", "train_labels", "train_csv",
                                      "train_folder")]
    paths += dataset.get("train_files", [])
    missing = [p for p in paths if p and not os.path.exists(os.path.join(base, p))]
    return dataset["kind"], missing


def check_dataset(folder, project, work):
    """data.py's training set equals the one Strata prepares, sample for sample."""
    import numpy as np
    data = fresh_import(folder, "data")
    model = fresh_import(folder, "model")
    expected, _ = model.read_safetensors(os.path.join(work, "dataset.safetensors"))
    (x, y), _, _ = data.load(os.path.dirname(project))
    x = x.reshape(len(x), -1)
    assert x.shape == expected["features"].shape, (x.shape, expected["features"].shape)
    assert np.array_equal(y, expected["labels"].astype(np.int64)), "labels differ"
    error = float(np.abs(x - expected["features"]).max())
    assert error <= 1e-6, f"features differ by {error}"


def run_training(folder, project, work, framework):
    train = fresh_import(folder, "train")
    out = os.path.join(work, "trained.pt" if framework == "pytorch" else "trained.keras")
    args = ["--epochs", "1", "--limit", str(TRAIN_LIMIT), "--data-dir", os.path.dirname(project),
            "--weights", os.path.join(folder, "weights.safetensors"), "--out", out]
    log = io.StringIO()
    sys.path.insert(0, folder)
    try:
        with contextlib.redirect_stdout(log):
            train.main(args)
    finally:
        sys.path.remove(folder)
    assert os.path.exists(out), f"{out} was not written"
    epoch_lines = [line for line in log.getvalue().splitlines() if "loss" in line]
    assert epoch_lines, "no epoch line printed:\n" + log.getvalue()
    return epoch_lines[-1].strip()


def train_worker(framework, jobs_file):
    """Runs one framework's training scripts in this process, which imports only that
    framework (torch and TensorFlow each bring an LLVM that clash in one training process)."""
    import json
    if framework == "pytorch":
        import torch
        torch.set_num_threads(2)
    else:
        import tensorflow as tf
        tf.config.threading.set_intra_op_parallelism_threads(2)
        tf.config.threading.set_inter_op_parallelism_threads(1)
    with open(jobs_file) as f:
        jobs = json.load(f)
    failed = 0
    for job in jobs:
        folder = os.path.join(job["work"], framework)
        started = time.time()
        try:
            line = run_training(folder, job["project"], job["work"], framework)
            print(f"{job['name']}: {framework} train.py ran one epoch in "
                  f"{time.time() - started:.0f}s: {line}", flush=True)
        except Exception as e:  # report every failing script, not only the first
            failed += 1
            print(f"{job['name']}: {framework} train.py FAILED: {type(e).__name__}: {e}",
                  flush=True)
    return 1 if failed else 0


def check_project(args, project):
    import numpy as np
    name = os.path.basename(project).replace(".strata", "")
    work = os.path.join(args.work, name)
    subprocess.run([args.tool, project, work], check=True)
    inputs = np.loadtxt(os.path.join(work, "inputs.csv"), delimiter=",", ndmin=2)
    expected = strata_predict(args.cli, project, work)

    torch_folder = os.path.join(work, "pytorch")
    torch_model = fresh_import(torch_folder, "model")
    module = torch_model.load_weights(getattr(torch_model, torch_model_class(torch_model))(),
                                      os.path.join(torch_folder, "weights.safetensors"))
    torch_out = torch_model.predict(module, inputs)

    keras_folder = os.path.join(work, "keras")
    keras_model = fresh_import(keras_folder, "model")
    model = keras_model.load_weights(keras_model.build_model(),
                                     os.path.join(keras_folder, "weights.safetensors"))
    keras_out = keras_model.predict(model, inputs)

    errors = {
        "torch vs strata": float(np.abs(torch_out - expected).max()),
        "keras vs strata": float(np.abs(keras_out - expected).max()),
        "torch vs keras": float(np.abs(torch_out - keras_out).max()),
    }
    failures = [f"{k} differ by {v:.2e}" for k, v in errors.items() if not v <= TOLERANCE]
    print(f"{name}: outputs agree "
          f"(max difference {max(errors.values()):.1e} over {len(inputs)} inputs)"
          if not failures else f"{name}: FAILED " + "; ".join(failures), flush=True)

    kind, missing = data_available(project)
    if kind in ("builtin", "csv", "image_folder"):
        for folder in (torch_folder, keras_folder):
            try:
                check_dataset(folder, project, work)
                print(f"{name}: {os.path.basename(folder)}/data.py prepares Strata's training "
                      "set", flush=True)
            except AssertionError as e:
                failures.append(f"data.py in {folder}: {e}")
                print(f"{name}: {os.path.basename(folder)}/data.py FAILED: {e}", flush=True)
    if missing:
        print(f"{name}: training run skipped: the data is absent ({missing[0]})", flush=True)
    else:
        args.trainable.append({"name": name, "project": project, "work": work})
    return failures


def torch_model_class(module):
    import torch
    classes = [k for k, v in vars(module).items()
               if isinstance(v, type) and issubclass(v, torch.nn.Module) and
               v.__module__ == module.__name__]
    assert len(classes) == 1, classes
    return classes[0]


def main():
    parser = argparse.ArgumentParser(description="Checks generated PyTorch/Keras code")
    parser.add_argument("--tool", required=True)
    parser.add_argument("--cli", required=True)
    parser.add_argument("--source", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--only", help="check only projects whose file name contains this")
    parser.add_argument("--projects", nargs="+", help="check these .strata files instead")
    parser.add_argument("--train-worker", choices=["pytorch", "keras"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    reexec_in_venv(args.source)
    if args.train_worker:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
        return train_worker(args.train_worker, os.path.join(args.work, "training_jobs.json"))
    import_frameworks()
    args.trainable = []

    projects = sorted(os.path.join(args.source, "projects", f)
                      for f in os.listdir(os.path.join(args.source, "projects"))
                      if f.endswith(".strata"))
    projects += [os.path.join(args.source, "tests", "interop", name)
                 for name in ("all_layers.strata", "window_settings.strata")]
    if args.projects:
        projects = [os.path.abspath(p) for p in args.projects]
    if args.only:
        projects = [p for p in projects if args.only in os.path.basename(p)]
    failures = []
    for project in projects:
        try:
            failures += [f"{os.path.basename(project)}: {f}" for f in check_project(args, project)]
        except Exception as e:
            failures.append(f"{os.path.basename(project)}: {type(e).__name__}: {e}")
            print(f"{os.path.basename(project)}: FAILED: {type(e).__name__}: {e}", flush=True)
    if args.trainable:
        import json
        with open(os.path.join(args.work, "training_jobs.json"), "w") as f:
            json.dump(args.trainable, f)
        for framework in ("pytorch", "keras"):
            worker = subprocess.run([sys.executable, os.path.abspath(__file__)] + sys.argv[1:] +
                                    ["--train-worker", framework])
            if worker.returncode != 0:
                failures.append(f"{framework} training scripts: see the lines above")
    if failures:
        print("\n".join(["", "Failures:"] + failures))
        return 1
    print(f"All {len(projects)} projects: generated PyTorch and Keras code agree with Strata")
    return 0


if __name__ == "__main__":
    sys.exit(main())
