#!/usr/bin/env bash
# The README's pictures of `vpa-store report`, made, not drawn by hand: runs `vpa-store demo` (whose
# last lines name the page it drew of the liveliest workload) and the README tour (whose pod was
# OOM-killed and evicted), and photographs both pages with headless Chromium into docs/.
#   scripts/report-screenshot.sh                               release binaries, built if missing
#   VPA_STORE_BIN_DIR=.build/debug scripts/report-screenshot.sh   the debug ones
# Installs Debian's `chromium` package when it is missing (with sudo unless root), as
# install-deps.sh installs its packages; the test suite never needs it.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
bin_dir=${VPA_STORE_BIN_DIR:-.build/release}
[ -x "$bin_dir/vpa-store" ] || swift build -c release
bin_dir=$(cd "$bin_dir" && pwd)
if ! command -v chromium >/dev/null; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing chromium (Debian package) for the screenshots" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Run where the pages will say they were read from ./vpa-store-demo.db and ./vpa-store.db.
(cd "$work" && "$bin_dir/vpa-store" demo) > "$work/demo.out"
grep -A1 '^report of the liveliest workload' "$work/demo.out"
page=$(sed -n 's/^report of the liveliest workload, .*: \(.*\.html\)$/\1/p' "$work/demo.out")
[ -f "$work/$page" ] || { echo "the demo printed no report page; its output is above" >&2; exit 1; }
VPA_STORE_BIN="$bin_dir/vpa-store" VPA_STORE_DB="$work/vpa-store.db" scripts/tour.sh > /dev/null
(cd "$work" && "$bin_dir/vpa-store" report --db ./vpa-store.db --workload shop/Deployment/web --out tour.html)

# A window as wide as the page's panels; tall enough for the lanes, short enough to keep each PNG small.
shot() {
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size="$3" --screenshot="$root/$2" \
    "file://$1" 2> /dev/null
}
mkdir -p docs
shot "$work/$page" docs/report-demo.png 1000,2400
shot "$work/tour.html" docs/report-tour.png 1000,1250
ls -l docs/report-demo.png docs/report-tour.png
