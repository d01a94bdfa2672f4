#!/usr/bin/env bash
# Installs what vpa-store needs, if any is missing.
#   scripts/install-deps.sh          the Debian packages it builds against: libsqlite3-dev (the event
#                                    log), libprotobuf-c-dev (event bodies and frames),
#                                    protobuf-c-compiler (protoc-c, to regenerate and check Sources/CStoreProto)
#   scripts/install-deps.sh --test   also what the test suite runs: openssl (deploy/make-secrets.sh) and
#                                    kubernetes-validate from PyPI (the manifests in deploy/ against
#                                    Kubernetes 1.33's schema). kubectl must be on PATH (it renders deploy/).
# Swift 6.1 or newer must already be on PATH.
set -euo pipefail
packages=(libsqlite3-dev libprotobuf-c-dev protobuf-c-compiler)
[ "${1:-}" = "--test" ] && packages+=(openssl)
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
  command -v kubectl >/dev/null || { echo "kubectl not found on PATH: the tests render deploy/ with it (kubectl 1.32 or newer)" >&2; exit 1; }
fi
command -v swift >/dev/null || { echo "swift not found on PATH: install Swift 6.1 or newer (swift.org)" >&2; exit 1; }
