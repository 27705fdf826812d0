#!/usr/bin/env bash
# The soak test (long: about 14 minutes; never part of scripts/test.sh): builds the site, then
# trains the Backprop chapter on a toy set at full speed in headless Chromium for 10 minutes after
# a 3-minute warm-up and fails if the engine worker's wasm memory or the page's JS heap grew by
# more than 10 % (scripts/soak.mjs says how). Arguments go to scripts/soak.mjs, e.g.
#   scripts/soak.sh --minutes 10 --warmup 180 --max-growth 0.10 [--no-build] [--json FILE]
# The site is built into $BRAINPROP_DIST (default dist/).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/env.sh
dist=${BRAINPROP_DIST:-dist}
args=()
build=1
for a in "$@"; do
  if [ "$a" = --no-build ]; then build=0; else args+=("$a"); fi
done
if [ "$build" = 1 ]; then
  log=$(mktemp)
  trap 'rm -f "$log"' EXIT
  wasm_env trunk build --release --dist "$dist" >"$log" 2>&1 || { cat "$log"; echo "soak: trunk build failed" >&2; exit 1; }
fi
exec node scripts/soak.mjs --dist "$dist" "${args[@]}"
