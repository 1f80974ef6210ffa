#!/usr/bin/env bash
# Sets up, builds and runs the main job: the studio on the default example. Without a
# display it trains the default example with strata-cli instead.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
if [[ -x build/app/gui/strata && ( -n "${DISPLAY:-}" || -n "${WAYLAND_DISPLAY:-}" ) ]]; then
  exec build/app/gui/strata "$@"
fi
echo "No display: training the default example headless (strata-cli)."
exec build/app/strata-cli train projects/spirals.strata "$@"
