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
build_site_unless_no_build soak "$@"
exec node scripts/soak.mjs --dist "$site_dist" ${site_args[@]+"${site_args[@]}"}
