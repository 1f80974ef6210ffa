#!/usr/bin/env bash
# Optional: the reference frameworks (PyTorch, TensorFlow/Keras, ONNX tooling) in a
# project-local virtual environment, .venv/, from PyPI. Used only by the benchmark and the
# interop checks; Strata never needs them to build or run.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
  if [[ $(id -u) -eq 0 ]]; then apt-get install -y -qq python3-venv; else sudo apt-get install -y -qq python3-venv; fi
fi
[[ -x .venv/bin/python ]] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
# Pillow: the exported data.py reads image folders with it. torchvision: its ResNet-18 is one
# of check_onnx_import.py's models; installed with torch so pip picks the matching pair.
# Flask: bench/serve_load.py serves the same model with it, as the tutorials do.
.venv/bin/python -m pip install -q numpy torch torchvision tensorflow-cpu onnx onnxruntime opencv-python-headless pillow flask
.venv/bin/python -c 'import torch, torchvision, tensorflow as tf; print("torch", torch.__version__, "| torchvision", torchvision.__version__, "| tensorflow", tf.__version__)'
