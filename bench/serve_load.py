#!/usr/bin/env python3
"""Load test of `strata-cli serve` on the loopback interface, beside the same model served by
Flask with PyTorch (the tutorials' "simple Flask server"), in one run.

N client threads post predict requests for T seconds to each server in turn; halfway through
Strata's run the weights file is replaced (written beside it and renamed, as Strata saves) and
the server swaps the new version in while the clients go on. Printed: requests, failed
requests, throughput, p50/p99 latency, and the versions Strata answered with.

    .venv/bin/python bench/serve_load.py [--project projects/keras_mnist_cnn.strata]
        [--clients 8] [--seconds 10] [--threads 2] [--instances 1] [--json FILE]

Needs build/app/strata-cli and, for the Flask side, .venv with torch and flask
(scripts/setup_reference_env.sh). The numbers mean something only on a quiet machine.
"""

import argparse
import http.client
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_clients(port, path, body, clients, seconds, on_half=None):
    """Each client posts `body` to `path` until the time is up; returns latencies, failures
    (with a sample of their reasons) and the versions seen."""
    stop = time.perf_counter() + seconds
    lock = threading.Lock()
    latencies, failures, reasons, versions = [], [0], [], []

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, seen = [], []
        while time.perf_counter() < stop:
            t0 = time.perf_counter()
            try:
                conn.request("POST", path, body, {"Content-Type": "application/json"})
                r = conn.getresponse()
                data = r.read()
                ok = r.status == 200
                if ok:
                    m = re.match(rb'\{"model_version": (\d+)', data)
                    if m:
                        seen.append(int(m.group(1)))
                else:
                    why = f"HTTP {r.status}: {data[:200]!r}"
            except (OSError, http.client.HTTPException) as e:
                ok, why = False, repr(e)
                conn.close()
            if ok:
                mine.append(time.perf_counter() - t0)
            else:
                with lock:
                    failures[0] += 1
                    if len(reasons) < 5:
                        reasons.append(why)
        with lock:
            latencies.extend(mine)
            versions.extend(seen)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    if on_half:
        time.sleep(seconds / 2)
        on_half()
    for t in threads:
        t.join()
    return latencies, failures[0], reasons, versions


def summary(name, latencies, failures, seconds):
    latencies = sorted(latencies)
    n = len(latencies)
    q = lambda p: latencies[min(n - 1, int(round(p * (n - 1))))] * 1000 if n else float("nan")
    return {"server": name, "requests": n, "failed": failures, "per_second": n / seconds,
            "p50_ms": q(0.5), "p99_ms": q(0.99),
            "mean_ms": statistics.fmean(latencies) * 1000 if n else float("nan")}


def wait_for(port, path, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", path)
            if c.getresponse().status in (200, 404, 405):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"no server answered on port {port}")


def strata_side(args, work, body, served, second):
    cmd = [args.strata_cli, "serve", args.project, "--weights", served, "--port", "0",
           "--threads", str(args.threads), "--name", "model", "--watch", "0.25"]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = p.stdout.readline()
    m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
    if not m:
        p.kill()
        raise SystemExit("strata-cli serve did not start: " + line + p.stderr.read())
    port = int(m.group(1))
    swapped = {}

    def swap():
        t0 = time.perf_counter()
        tmp = served + ".new"
        shutil.copyfile(second, tmp)
        os.replace(tmp, served)
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while time.perf_counter() - t0 < 30:
            c.request("GET", "/v1/models/model")
            status = json.loads(c.getresponse().read())
            if status["model_version_status"][0]["version"] == "2":
                swapped["seconds"] = time.perf_counter() - t0
                return
            time.sleep(0.02)

    try:
        result = run_clients(port, "/v1/models/model:predict", body, args.clients,
                             args.seconds, None if args.no_swap else swap)
    finally:
        p.terminate()
        p.wait(timeout=30)
    return result, swapped.get("seconds")


FLASK_APP = r'''
import importlib.util, inspect, sys
import numpy as np, torch
from flask import Flask, jsonify, request
spec = importlib.util.spec_from_file_location("model", sys.argv[1])
m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)
cls = [c for _, c in inspect.getmembers(m, inspect.isclass)
       if issubclass(c, torch.nn.Module) and c.__module__ == "model"][0]
torch.set_num_threads(int(sys.argv[4]))
model = cls(); m.load_weights(model, sys.argv[2]); model.eval()
app = Flask(__name__)

@app.route("/predict", methods=["POST"])
def predict():
    p = m.predict(model, request.get_json()["instances"])
    top = p.argmax(1)
    return jsonify({"predictions": [{"probabilities": row.tolist(), "index": int(t)}
                                    for row, t in zip(p, top)]})

app.run(host="127.0.0.1", port=int(sys.argv[3]), threaded=True)
'''


def flask_side(args, work, body, weights):
    code = os.path.join(work, "pytorch")
    subprocess.run([args.strata_cli, "export", args.project, "--weights", weights, "--format",
                    "pytorch", "--out", code], check=True, stdout=subprocess.DEVNULL)
    app = os.path.join(work, "flask_app.py")
    with open(app, "w") as f:
        f.write(FLASK_APP)
    port = free_port()
    p = subprocess.Popen([sys.executable, app, os.path.join(code, "model.py"), weights,
                          str(port), str(args.threads)],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(port, "/predict")
        return run_clients(port, "/predict", body, args.clients, args.seconds)
    finally:
        p.terminate()
        p.wait(timeout=30)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--project", default=os.path.join(ROOT, "projects/keras_mnist_cnn.strata"))
    ap.add_argument("--strata-cli", default=os.path.join(ROOT, "build/app/strata-cli"))
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--instances", type=int, default=1, help="instances in each request")
    ap.add_argument("--skip-flask", action="store_true")
    ap.add_argument("--no-swap", action="store_true", help="keep Strata's weights file as it is")
    ap.add_argument("--json", help="also write the results here")
    args = ap.parse_args()

    work = tempfile.mkdtemp(prefix="strata-serve-load-")
    try:
        # Two versions of the model's weights: its export, and a copy of the project with
        # another seed exported (other weights, same shapes).
        first = os.path.join(work, "v1.safetensors")
        second = os.path.join(work, "v2.safetensors")
        served = os.path.join(work, "served.safetensors")
        subprocess.run([args.strata_cli, "export", args.project, "--format", "safetensors",
                        "--out", first], check=True, stdout=subprocess.DEVNULL)
        with open(args.project) as f:
            project = json.load(f)
        project.setdefault("training", {})["seed"] = project["training"].get("seed", 1) + 1
        other = os.path.join(os.path.dirname(os.path.abspath(args.project)), ".serve-load.strata")
        with open(other, "w") as f:
            json.dump(project, f)
        try:
            subprocess.run([args.strata_cli, "export", other, "--format", "safetensors",
                            "--out", second], check=True, stdout=subprocess.DEVNULL)
        finally:
            os.remove(other)
        shutil.copyfile(first, served)

        rng = random.Random(1)
        size = sample_size(args)
        instances = [[rng.randrange(256) for _ in range(size)] for _ in range(args.instances)]
        body = json.dumps({"instances": instances})

        print(f"{args.clients} clients, {args.seconds:g} s each server, {args.instances} "
              f"instance(s) of {size} values a request, {args.threads} threads, "
              f"{os.path.basename(args.project)}", flush=True)
        (lat, failed, reasons, versions), swap_s = strata_side(args, work, body, served, second)
        rows = [summary("strata-cli serve", lat, failed, args.seconds)]
        rows[0]["versions"] = sorted(set(versions))
        rows[0]["swap_seconds"] = swap_s
        if reasons:
            print("Strata failures:", *reasons, sep="\n  ")
        if not args.skip_flask:
            lat, failed, reasons, _ = flask_side(args, work, body, first)
            rows.append(summary("Flask + PyTorch (threaded)", lat, failed, args.seconds))
            if reasons:
                print("Flask failures:", *reasons, sep="\n  ")
        print("| server | requests | failed | requests/s | p50 ms | p99 ms |")
        print("| --- | ---: | ---: | ---: | ---: | ---: |")
        for r in rows:
            print(f"| {r['server']} | {r['requests']} | {r['failed']} | {r['per_second']:.0f} "
                  f"| {r['p50_ms']:.2f} | {r['p99_ms']:.2f} |")
        if len(rows) == 2 and rows[1]["per_second"] > 0:
            print(f"Strata/Flask: throughput {rows[0]['per_second'] / rows[1]['per_second']:.2f}x,"
                  f" p50 latency {rows[0]['p50_ms'] / rows[1]['p50_ms']:.2f}x,"
                  f" p99 latency {rows[0]['p99_ms'] / rows[1]['p99_ms']:.2f}x")
        if not args.no_swap:
            print(f"Strata answered with versions {rows[0]['versions']}; the new file was "
                  f"serving {swap_s:.2f} s after it was written" if swap_s else
                  "Strata did not swap the new version in")
        if args.json:
            with open(args.json, "w") as f:
                json.dump(rows, f, indent=2)
        return 0 if rows[0]["failed"] == 0 and (swap_s or args.no_swap) else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


def sample_size(args):
    """Values in one sample: the project's Input node's shape, multiplied out."""
    with open(args.project) as f:
        project = json.load(f)
    for node in project["model"]["nodes"]:
        if node["type"] == "Input":
            p = node.get("params", {})
            if "shape" in p:
                n = 1
                for d in p["shape"]:
                    n *= d
                return n
            if "features" in p:
                return p["features"]
            return p.get("channels", 1) * p.get("height", 1) * p.get("width", 1)
    raise SystemExit("the project has no Input node")


if __name__ == "__main__":
    sys.exit(main())
