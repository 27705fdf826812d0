#!/usr/bin/env bash
# The benchmark command: training throughput of 784-500-10 (sigmoid, softmax-CE, SGD lr 1, batch 32,
# MNIST 8k) natively for every rule (`brainprop bench`), in the site's Web Worker in headless
# Chromium, and in TensorFlow.js 4.22 (wasm and cpu backends) in the same Chromium session, as one
# table with the ratios, plus the site's first-load size and main-thread long tasks
# (scripts/bench-compare.mjs). Not a test: these machines are shared, so quote medians and compare
# ratios from one run. Takes about two minutes. Arguments go to bench-compare.mjs, e.g.
#   scripts/bench.sh --seconds 15 --warmup 3 --rules bp,fa --repeats 5 --batches 250
#
# With --long-tasks it measures the page instead: every live chapter trains its figures at the
# fastest speed setting, one after the other, for 60 s per chapter, and one table counts the main
# thread's tasks over 50 ms per chapter (scripts/bench-browser.mjs; exit status 1 if there are any):
#   scripts/bench.sh --long-tasks [--seconds 60] [--chapters backprop,nudging,feedback,spikes,dendrites,time]
#       [--speed max|default] [--json FILE] [--no-build]
# It builds the site into $BRAINPROP_DIST (default dist/) first, unless --no-build.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/env.sh

if [ "${1:-}" = --long-tasks ]; then
  build_site_unless_no_build bench "$@"
  exec node scripts/bench-browser.mjs ${site_args[@]+"${site_args[@]}"} --dist "$site_dist"
fi
cargo build --release --bin brainprop
log=$(mktemp)
trap 'rm -f "$log"' EXIT
wasm_env trunk build --release >"$log" 2>&1 || { cat "$log"; echo "bench: trunk build failed" >&2; exit 1; }
node scripts/bench-compare.mjs "$@"
