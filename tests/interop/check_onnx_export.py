#!/usr/bin/env python3
"""Every example project, the all-layers, ONNX details and window settings graphs, exported
to ONNX by strata-cli, pass onnx.checker (full check), run in ONNX Runtime and in OpenCV's DNN
module, and give the class probabilities strata-cli predict prints for the same inputs, to
within 1e-4."""

import glob
import json
import os
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import interop_common as ic  # noqa: E402

TOLERANCE = 1e-4
SAMPLES = 4


def weights_worth_checking(cli, project, work, np):
    """The project's initial weights (strata-cli export without --weights) with every bias
    and BatchNorm statistic drawn at random, the normalisation a runtime must apply, and
    class names."""
    fresh = os.path.join(work, "fresh.safetensors")
    ic.run_cli(cli, "export", project, "--format", "safetensors", "--out", fresh)
    tensors, metadata = ic.read_safetensors(fresh)
    rng = np.random.default_rng(3)
    for name, t in tensors.items():
        ranges = {".bias": (-0.5, 0.5), ".beta": (-0.5, 0.5), ".running_mean": (-0.5, 0.5),
                  ".gamma": (0.5, 1.5), ".running_var": (0.5, 2.0)}
        for tail, (lo, hi) in ranges.items():
            if name.endswith(tail):
                tensors[name] = rng.uniform(lo, hi, t.shape).astype(np.float32)
    metadata["strata_normalization"] = json.dumps(
        {"mode": "standardize", "scale": 1 / 255, "mean": [0.25], "std": [0.5]})
    weights = os.path.join(work, "weights.safetensors")
    ic.write_safetensors(weights, tensors, metadata)
    return weights


def check(cli, project, work, mods):
    np, onnx, ort, cv2 = mods["numpy"], mods["onnx"], mods["onnxruntime"], mods["cv2"]
    os.makedirs(work, exist_ok=True)
    weights = weights_worth_checking(cli, project, work, np)
    model_path = os.path.join(work, "model.onnx")
    ic.run_cli(cli, "export", project, "--weights", weights, "--format", "onnx", "--out",
               model_path)

    model = onnx.load(model_path)
    onnx.checker.check_model(model, full_check=True)
    assert [o.version for o in model.opset_import if o.domain in ("", "ai.onnx")] == [13]
    meta = {p.key: p.value for p in model.metadata_props}
    for key in ("class_names", "normalization", "output_activation"):
        assert key in meta, "metadata '" + key + "' missing"
    norm = json.loads(meta["normalization"])
    assert norm["mode"] == "standardize"

    dims = model.graph.input[0].type.tensor_type.shape.dim
    assert dims[0].dim_param == "batch", "the batch dimension is not dynamic"
    sample = [d.dim_value for d in dims[1:]]
    rng = np.random.default_rng(7)
    raw = rng.uniform(0, 255, [SAMPLES] + sample).astype(np.float32)
    want = ic.predict(cli, project, weights, raw, os.path.join(work, "rows.csv"))

    # The runtimes get the input as Strata's predict does: normalised as the metadata says.
    x = ((raw.astype(np.float64) * norm["scale"] - norm["mean"][0]) / norm["std"][0])
    x = x.astype(np.float32)
    session = ort.InferenceSession(model_path, providers=["CPUExecutionProvider"])
    assert session.get_inputs()[0].shape[0] == "batch"
    out = session.run(None, {session.get_inputs()[0].name: x})[0]
    ort_worst = ic.compare("ONNX Runtime", ic.probabilities(out, meta["output_activation"]),
                           want, TOLERANCE)

    net = cv2.dnn.readNetFromONNX(model_path)
    net.setInput(x)
    cv_out = net.forward()
    cv_worst = ic.compare("OpenCV DNN", ic.probabilities(cv_out, meta["output_activation"]),
                          want, TOLERANCE)
    return ort_worst, cv_worst


def main():
    args = ic.parse_args(__doc__)
    mods = ic.enter_venv(args.venv, ["numpy", "onnx", "onnxruntime", "cv2"])
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    projects = sorted(glob.glob(os.path.join(root, "projects", "*.strata")))
    projects += [os.path.join(root, "tests", "interop", name)
                 for name in ("all_layers.strata", "onnx_details.strata",
                              "window_settings.strata")]
    failures = 0
    for project in projects:
        name = os.path.splitext(os.path.basename(project))[0]
        start = time.time()
        try:
            ort_worst, cv_worst = check(args.cli, project, os.path.join(args.work, name), mods)
            print("ok   %-24s ONNX Runtime %.1e, OpenCV %.1e (%.1f s)" %
                  (name, ort_worst, cv_worst, time.time() - start))
        except Exception as e:  # report every project, then fail
            failures += 1
            print("FAIL %-24s %s: %s" % (name, type(e).__name__, e))
    print("%d of %d models agree with strata-cli predict" % (len(projects) - failures,
                                                             len(projects)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
