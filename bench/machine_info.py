"""What a benchmark ran on: the frameworks' versions, the CPU and the GPU (for the reports of
reference_bench.py)."""

import os
import platform
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def versions(frameworks, strata_bench):
    """One line per framework saying what was measured."""
    lines = []
    if "strata" in frameworks:
        lines.append(f"Strata: {os.path.relpath(strata_bench, REPO)}")
    code = {
        "torch": "import torch; print('PyTorch', torch.__version__)",
        "keras": "import os; os.environ['TF_CPP_MIN_LOG_LEVEL']='2'; import tensorflow as tf, "
                 "keras; print('TensorFlow', tf.__version__, '/ Keras', keras.__version__)",
    }
    for f in ("torch", "keras"):
        if f in frameworks:
            out = subprocess.run([sys.executable, "-c", code[f]], stdout=subprocess.PIPE,
                                 stderr=subprocess.DEVNULL, text=True).stdout.strip()
            lines.append(out or f"{f}: not importable")
    return lines


def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def gpu_name():
    code = "import torch; print(torch.cuda.get_device_name(0))"
    out = subprocess.run([sys.executable, "-c", code], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True).stdout.strip()
    return out or "unknown GPU"
