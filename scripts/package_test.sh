#!/usr/bin/env bash
# Builds Strata's Debian package (CUDA off: the package depends on Debian's packages only),
# validates its desktop files, installs it with apt, runs the installed programs on an
# installed example, and removes it again. Runs as root or through sudo, on a machine where
# scripts/setup.sh has run. Usage: bash scripts/package_test.sh [BUILD_DIR] (default:
# build-package).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build-package}
if [[ $(id -u) -eq 0 ]]; then sudo=(); else sudo=(sudo); fi
app_id=org.stratastudio.Strata

echo "== Desktop files"
desktop-file-validate "$root/packaging/desktop/$app_id.desktop"
appstreamcli validate --no-net "$root/packaging/desktop/$app_id.metainfo.xml"
for page in "$root"/packaging/man/*.1; do
  warnings=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null || true)
  [[ -z $warnings ]] || { echo "$page: $warnings"; exit 1; }
done

echo "== Build (Release, CUDA off, no tests) in $build"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSTRATA_WITH_CUDA=OFF \
  -DSTRATA_BUILD_TESTS=OFF -DCMAKE_INSTALL_PREFIX=/usr >/dev/null
cmake --build "$build" -j"$(nproc)" --target strata strata-cli strata_man_pages
(cd "$build" && rm -f strata_*.deb && cpack -G DEB >/dev/null)
deb=$(ls "$build"/strata_*.deb)
echo "Package: $deb ($(du -h "$deb" | cut -f1))"
dpkg-deb --field "$deb" Package Version Depends Recommends
contents=$(dpkg-deb --contents "$deb" | awk '{print $6}')
for path in ./usr/bin/strata ./usr/bin/strata-cli \
  ./usr/share/applications/$app_id.desktop \
  ./usr/share/icons/hicolor/scalable/apps/$app_id.svg \
  ./usr/share/mime/packages/$app_id.xml ./usr/share/metainfo/$app_id.metainfo.xml \
  ./usr/share/man/man1/strata.1.gz ./usr/share/man/man1/strata-cli.1.gz \
  ./usr/share/strata/projects/keras_mnist_cnn.strata \
  ./usr/share/strata/projects/data/shapes/train/circle/000.png; do
  grep -qxF "$path" <<<"$contents" || { echo "missing from the package: $path"; exit 1; }
done

echo "== Install"
if dpkg-query -W -f='${Status}' strata 2>/dev/null | grep -q "install ok installed"; then
  echo "A strata package is installed already: remove it first (apt-get remove strata)"
  exit 1
fi
trap '"${sudo[@]}" apt-get remove -y -qq strata >/dev/null 2>&1 || true' EXIT
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "$deb"
work=$(mktemp -d)
trap '"${sudo[@]}" apt-get remove -y -qq strata >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
cd "$work"
/usr/bin/strata-cli --version
/usr/bin/strata-cli summary /usr/share/strata/projects/keras_mnist_cnn.strata | tail -4
/usr/bin/strata-cli check /usr/share/strata/projects/shapes_folder.strata
QT_QPA_PLATFORM=offscreen XDG_CONFIG_HOME="$work" XDG_RUNTIME_DIR="$work" /usr/bin/strata --version
grep -q "application/x-strata-project" /usr/share/mime/globs2 ||
  { echo "the MIME database does not know .strata files"; exit 1; }
grep -q "$app_id.desktop" /usr/share/applications/mimeinfo.cache ||
  { echo "the desktop database does not open .strata files with Strata"; exit 1; }
man -w strata-cli >/dev/null
# The installed server answers a prediction (bash's /dev/tcp: no HTTP client needed).
/usr/bin/strata-cli export /usr/share/strata/projects/xor.strata --format safetensors \
  --out xor.safetensors >/dev/null
/usr/bin/strata-cli serve /usr/share/strata/projects/xor.strata --weights xor.safetensors \
  --port 0 --watch 0 >serve.out &
serve_pid=$!
for _ in $(seq 100); do grep -q "http://" serve.out && break; sleep 0.2; done
port=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\)\/.*/\1/p' serve.out)
[[ -n $port ]] || { echo "strata-cli serve did not start: $(cat serve.out)"; exit 1; }
body='{"instances": [[0, 1]]}'
exec 3<>"/dev/tcp/127.0.0.1/$port"
printf 'POST /v1/models/xor:predict HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Length: %d\r\n\r\n%s' \
  "${#body}" "$body" >&3
answer=$(cat <&3)
exec 3>&-
kill "$serve_pid"
wait "$serve_pid"
grep -q '"predictions"' <<<"$answer" || { echo "strata-cli serve did not answer: $answer"; exit 1; }
echo "strata-cli serve answered: $(tail -c 160 <<<"$answer")"
echo "== Remove"
"${sudo[@]}" apt-get remove -y -qq strata >/dev/null
[[ ! -e /usr/bin/strata ]] || { echo "/usr/bin/strata is still there after removal"; exit 1; }
trap 'rm -rf "$work"' EXIT
echo "Package test passed: built, installed, ran, removed"
