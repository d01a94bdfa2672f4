#!/usr/bin/env bash
# Installs what vpa-store needs, if any is missing.
#   scripts/install-deps.sh          the Debian packages it builds against: libsqlite3-dev (the event
#                                    log), libprotobuf-c-dev (event bodies and frames),
#                                    protobuf-c-compiler (protoc-c, to regenerate and check Sources/CStoreProto)
#   scripts/install-deps.sh --test   also what the test suite runs: openssl (deploy/make-secrets.sh), sqlite3
#                                    (the shell, reading the readable views as operators do) and
#                                    kubernetes-validate from PyPI (the manifests in deploy/ against
#                                    Kubernetes 1.33's schema), and promtool (/usr/local/bin, taken from Debian's
#                                    prometheus package without installing the Prometheus server: it checks the
#                                    /metrics scrapes and examples/alerts.yaml). kubectl must be on PATH (it renders deploy/).
# Swift 6.1 or newer must already be on PATH.
set -euo pipefail
packages=(libsqlite3-dev libprotobuf-c-dev protobuf-c-compiler)
[ "${1:-}" = "--test" ] && packages+=(openssl sqlite3)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if [ "${1:-}" = "--test" ]; then
  # Pinned: its schemas decide what "valid" means, so a new release must not change a test's verdict.
  validator_version=1.37.0
  if ! kubernetes-validate --version 2>/dev/null | grep -q "$validator_version"; then
    echo "installing kubernetes-validate $validator_version (PyPI)" >&2
    python3 -m pip install --quiet --disable-pip-version-check "kubernetes-validate==$validator_version" >&2
  fi
  if ! command -v promtool >/dev/null; then
    # Only the promtool binary: installing the package would also set up (and, under systemd, start) a
    # Prometheus server. About 20 MB to download, a few seconds.
    echo "installing promtool (from Debian's prometheus package)" >&2
    [ ${#missing[@]} -gt 0 ] || $sudo apt-get update -qq
    unpacked=$(mktemp -d)
    (cd "$unpacked" && apt-get download -qq prometheus 2>/dev/null && dpkg-deb -x prometheus_*.deb root)
    $sudo install -m 0755 "$unpacked/root/usr/bin/promtool" /usr/local/bin/promtool
    rm -rf "$unpacked"
  fi
  command -v kubectl >/dev/null || { echo "kubectl not found on PATH: the tests render deploy/ with it (kubectl 1.32 or newer)" >&2; exit 1; }
fi
command -v swift >/dev/null || { echo "swift not found on PATH: install Swift 6.1 or newer (swift.org)" >&2; exit 1; }
