#!/usr/bin/env bash
# Installs every Debian 12 package Strata's build, tests and examples need. Runs as root (or
# through sudo); safe to run again.
set -euo pipefail
packages=(
  build-essential cmake ninja-build pkg-config
  qt6-base-dev qt6-base-dev-tools qt6-svg-dev libgl1-mesa-dev libxkbcommon-dev
  libqcustomplot-dev
  # The Profiler dock: Dear ImGui with its OpenGL 3 backend; Mesa's software OpenGL for Xvfb.
  libimgui-dev libqt6opengl6-dev libgl1-mesa-dri fonts-dejavu-core
  # Debian's oneDNN is built with its OpenCL GPU runtime: its CMake package needs OpenCL's.
  libdnnl-dev ocl-icd-opencl-dev opencl-headers
  nlohmann-json3-dev zlib1g-dev libstb-dev libonnx-dev libprotobuf-dev
  protobuf-compiler
  dataset-fashion-mnist
  # tests/interop/check_augmentation.py runs the exported data.py with numpy.
  python3-numpy
  xvfb xauth
  # scripts/package_test.sh: the desktop entry's and the AppStream metainfo's validators.
  desktop-file-utils appstream
  # strata-cli serve: the HTTP server.
  libcpp-httplib-dev
  # scripts/fuzz.sh: libFuzzer with AddressSanitizer and UndefinedBehaviorSanitizer.
  clang libclang-rt-dev
)
if [[ $(id -u) -eq 0 ]]; then sudo=(); else sudo=(sudo); fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "Installing: ${missing[*]}"
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
    "${missing[@]}"
fi
