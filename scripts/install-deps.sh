#!/usr/bin/env bash
# Installs the Debian packages vpa-store builds against, if any is missing:
# libsqlite3-dev (the event log), libprotobuf-c-dev (event bodies and frames),
# protobuf-c-compiler (protoc-c, to regenerate and check Sources/CStoreProto).
# Swift 6.1 or newer must already be on PATH.
set -euo pipefail
packages=(libsqlite3-dev libprotobuf-c-dev protobuf-c-compiler)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
command -v swift >/dev/null || { echo "swift not found on PATH: install Swift 6.1 or newer (swift.org)" >&2; exit 1; }
