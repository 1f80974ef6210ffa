#!/usr/bin/env python3
"""Trains the generated PyTorch code at scale and brings the weights back to Strata.

For tests/interop/ddp_round_trip.strata (a convolution, batch normalisation and two dense
layers on the shapes image folder):
- model.py's save_weights() is load_weights()'s inverse: the exported weights come back
  bit for bit, in PyTorch and (where TensorFlow is installed) in Keras, for this project and
  for all_layers.strata and window_settings.strata (every layout conversion);
- train_ddp.py runs one epoch in two processes (torch.distributed.run --nproc_per_node 2,
  gloo on the CPU, MASTER_ADDR 127.0.0.1 and a free port), logging once, from rank 0;
- train.py runs one epoch in one process (and the Keras train.py, where TensorFlow is);
- each trained safetensors file loads in strata-cli (predict, eval, export), and Strata's
  probabilities equal the framework's within 1e-5 (1e-4 for Keras).

    check_ddp.py --cli strata-cli --venv REPO/.venv --work DIR

Exits 77 (CTest: skipped) when the venv or torch is missing. Every subprocess has a time
limit, and a distributed run that overstays it is killed with its whole process group.
"""

import json
import os
import signal
import socket
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import interop_common as ic  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
PROJECT = os.path.join(HERE, "ddp_round_trip.strata")
TOLERANCE = {"pytorch": 1e-5, "keras": 1e-4}
RUN_LIMIT_S = 300


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(args, cwd, name):
    """Runs a training command in its own process group; kills the group when it overstays
    RUN_LIMIT_S. Returns its output; raises AssertionError when it fails."""
    env = dict(os.environ, CUDA_VISIBLE_DEVICES="", OMP_NUM_THREADS="1",
               TF_CPP_MIN_LOG_LEVEL="2", MASTER_ADDR="127.0.0.1", GLOO_SOCKET_IFNAME="lo")
    p = subprocess.Popen(args, cwd=cwd, env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        out, _ = p.communicate(timeout=RUN_LIMIT_S)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out, _ = p.communicate()
        raise AssertionError(f"{name} ran past {RUN_LIMIT_S} s and was killed:\n{out}")
    if p.returncode != 0:
        raise AssertionError(f"{name} failed (exit {p.returncode}):\n{out}")
    return out


def fresh_import(folder, name):
    import importlib.util
    for stale in ("model", "data", "train", "train_ddp"):
        sys.modules.pop(stale, None)
    spec = importlib.util.spec_from_file_location(name, os.path.join(folder, name + ".py"))
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def build(model, framework):
    if framework == "keras":
        return model.build_model()
    import torch
    classes = [v for v in vars(model).values()
               if isinstance(v, type) and issubclass(v, torch.nn.Module) and
               v.__module__ == model.__name__]
    assert len(classes) == 1, classes
    return classes[0]()


def check_round_trip(folder, framework, project):
    """load_weights then save_weights gives back the exported tensors exactly."""
    import numpy as np
    model = fresh_import(folder, "model")
    exported = os.path.join(folder, "weights.safetensors")
    again = os.path.join(folder, "round_trip.safetensors")
    model.save_weights(model.load_weights(build(model, framework), exported), again)
    want, _ = ic.read_safetensors(exported)
    got, metadata = ic.read_safetensors(again)
    assert sorted(got) == sorted(want), f"names {sorted(got)}, expected {sorted(want)}"
    for name in want:
        assert np.array_equal(got[name], want[name]), f"{name} differs after the round trip"
    for key in ("strata_normalization", "strata_classes"):
        assert key in metadata, f"no {key} in the metadata"
    print(f"{framework}: save_weights(load_weights(exported)) gives the exported "
          f"{len(want)} tensors of {project} bit for bit",
          flush=True)


def check_in_strata(args, folder, framework, trained, raw):
    """strata-cli reads the trained file, and predicts what the framework predicts."""
    import numpy as np
    model = fresh_import(folder, "model")
    _, metadata = ic.read_safetensors(trained)
    normalization = json.loads(metadata["strata_normalization"])
    assert normalization["mode"] == "standardize", normalization
    net = model.load_weights(build(model, framework), trained)
    want = np.asarray(model.predict(net, raw, normalization), dtype=np.float64)
    got = ic.predict(args.cli, PROJECT, trained, raw, trained + ".inputs.csv")
    worst = ic.compare(f"{os.path.basename(trained)}: Strata vs {framework}", got, want,
                       TOLERANCE[framework])
    evaluated = ic.run_cli(args.cli, "eval", PROJECT, "--weights", trained)
    assert "accuracy" in evaluated, evaluated
    ic.run_cli(args.cli, "export", PROJECT, "--weights", trained, "--format", "onnx", "--out",
               trained + ".onnx")
    print(f"{framework}: {os.path.basename(trained)} loads in strata-cli predict, eval and "
          f"export; probabilities agree within {worst:.1e}", flush=True)


def train_once(folder, framework, out):
    log = run([sys.executable, "train.py", "--epochs", "1", "--data-dir", HERE, "--out", out],
              folder, f"{framework} train.py")
    assert "loss" in log and os.path.exists(out), log
    print(f"{framework}: train.py ran one epoch: " +
          [line for line in log.splitlines() if "loss" in line][-1].strip(), flush=True)


def train_distributed(folder, out):
    log = run([sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", "2",
               "--master_addr", "127.0.0.1", "--master_port", str(free_port()), "train_ddp.py",
               "--epochs", "1", "--data-dir", HERE, "--out", out, "--backend", "gloo",
               "--timeout", "120"], folder, "torchrun train_ddp.py")
    epochs = [line for line in log.splitlines() if line.startswith("Epoch 1/1")]
    assert len(epochs) == 1, "expected one epoch line (rank 0 only), got:\n" + log
    assert "in 2 processes (gloo, cpu)" in log, log
    assert log.count("Saved the trained weights") == 1, log
    print("pytorch: torchrun --nproc_per_node 2 train_ddp.py ran one epoch: " +
          epochs[0].strip(), flush=True)


def main():
    args = ic.parse_args("Trains the generated PyTorch code with torchrun; Strata reads it")
    os.environ["CUDA_VISIBLE_DEVICES"] = ""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    ic.enter_venv(args.venv, ["numpy", "torch"])
    import numpy as np
    import torch
    torch.set_num_threads(2)

    os.makedirs(args.work, exist_ok=True)
    raw = np.random.default_rng(7).uniform(0, 255, size=(12, 32 * 32)).astype(np.float32)
    failures = []
    frameworks = ["pytorch"]
    try:
        import tensorflow  # noqa: F401
        frameworks.append("keras")
    except Exception as e:
        print(f"keras: skipped (cannot import tensorflow: {e})")
    for framework in frameworks:
        for other in ("all_layers", "window_settings"):
            folder = os.path.join(args.work, other, framework)
            try:
                ic.run_cli(args.cli, "export", os.path.join(HERE, other + ".strata"), "--format",
                           framework, "--out", folder)
                check_round_trip(folder, framework, other)
            except Exception as e:
                failures.append(f"{other} {framework}: {type(e).__name__}: {e}")
                print(f"{other} {framework}: FAILED: {type(e).__name__}: {e}", flush=True)
        folder = os.path.join(args.work, framework)
        try:
            ic.run_cli(args.cli, "export", PROJECT, "--format", framework, "--out", folder)
            check_round_trip(folder, framework, "ddp_round_trip")
            trained = [os.path.join(folder, "trained.safetensors")]
            train_once(folder, framework, trained[0])
            if framework == "pytorch":
                trained.append(os.path.join(folder, "ddp.safetensors"))
                train_distributed(folder, trained[1])
            for path in trained:
                check_in_strata(args, folder, framework, path, raw)
        except Exception as e:
            failures.append(f"{framework}: {type(e).__name__}: {e}")
            print(f"{framework}: FAILED: {type(e).__name__}: {e}", flush=True)
    if failures:
        print("\n".join(["", "Failures:"] + failures))
        return 1
    print("Weights trained by the generated code (torchrun included) come back to Strata")
    return 0


if __name__ == "__main__":
    sys.exit(main())
