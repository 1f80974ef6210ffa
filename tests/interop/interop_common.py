"""Shared by the interop checks: running under the reference environment (.venv), driving
strata-cli, and reading and writing safetensors files with numpy alone."""

import argparse
import json
import os
import struct
import subprocess
import sys

SKIP = 77  # CTest's SKIP_RETURN_CODE for these checks
SETUP_HINT = "reference environment missing: run scripts/setup_reference_env.sh"


def parse_args(description):
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--cli", required=True, help="the strata-cli binary")
    p.add_argument("--venv", required=True, help="the reference virtual environment (.venv)")
    p.add_argument("--work", required=True, help="a folder for the files the check writes")
    return p.parse_args()


def skip(message):
    print("SKIPPED: " + message)
    sys.exit(SKIP)


def enter_venv(venv, modules):
    """Re-runs this script under the venv's Python, then imports `modules` (skipping the
    check, with a message, when the environment or a module is missing)."""
    venv = os.path.abspath(venv)
    python = os.path.join(venv, "bin", "python")
    if os.path.realpath(sys.prefix) != os.path.realpath(venv):
        if not os.path.exists(python):
            skip(SETUP_HINT + " (no " + python + ")")
        os.execv(python, [python] + sys.argv)
    loaded = {}
    for name in modules:
        try:
            loaded[name] = __import__(name)
        except Exception as e:  # an ImportError, or a module broken in another way
            skip(SETUP_HINT + " (cannot import " + name + ": " + str(e) + ")")
    return loaded


def run_cli(cli, *args):
    """Runs strata-cli; fails the check with its output when it exits non-zero."""
    r = subprocess.run([cli] + [str(a) for a in args], capture_output=True, text=True)
    if r.returncode != 0:
        raise AssertionError("strata-cli " + " ".join(str(a) for a in args) + " failed (exit " +
                             str(r.returncode) + "):\n" + r.stdout + r.stderr)
    return r.stdout


def predict(cli, project, weights, rows, csv_path):
    """Class probabilities as strata-cli predict prints them, for rows of raw samples."""
    import numpy as np
    np.savetxt(csv_path, rows.reshape(rows.shape[0], -1), delimiter=",", fmt="%.9g")
    out = run_cli(cli, "predict", project, "--weights", weights, "--input", csv_path)
    lines = out.strip().splitlines()[1:]  # the first line names the classes
    return np.array([[float(v) for v in line.split(",")] for line in lines], dtype=np.float64)


def read_safetensors(path):
    import numpy as np
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    metadata = header.pop("__metadata__", {})
    tensors = {}
    for name, info in sorted(header.items(), key=lambda kv: kv[1]["data_offsets"][0]):
        assert info["dtype"] == "F32", name
        begin, end = info["data_offsets"]
        tensors[name] = np.frombuffer(data[begin:end], dtype="<f4").reshape(info["shape"]).copy()
    return tensors, metadata


def write_safetensors(path, tensors, metadata):
    header, offset, blobs = {}, 0, []
    for name, t in tensors.items():
        blob = t.astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(blob)]}
        offset += len(blob)
        blobs.append(blob)
    header["__metadata__"] = metadata
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def probabilities(output, activation):
    """What strata-cli predict prints, from a model's raw output and its output_activation."""
    import numpy as np
    out = np.asarray(output, dtype=np.float64).reshape(output.shape[0], -1)
    if activation == "softmax":
        e = np.exp(out - out.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)
    if activation == "sigmoid":
        return 1 / (1 + np.exp(-out))
    return out


def compare(name, got, want, tolerance):
    import numpy as np
    got, want = np.asarray(got), np.asarray(want)
    if got.shape != want.shape:
        raise AssertionError(name + ": shape " + str(got.shape) + ", expected " + str(want.shape))
    worst = float(np.max(np.abs(got - want))) if got.size else 0.0
    if worst > tolerance:
        raise AssertionError(name + ": differs by " + str(worst) + " (tolerance " +
                             str(tolerance) + ")\n got " + str(got) + "\nwant " + str(want))
    return worst
