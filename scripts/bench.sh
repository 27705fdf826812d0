#!/usr/bin/env bash
# The benchmark command: training throughput of 784-500-10 (batch 32, MNIST 8k) natively and in
# the site's Web Worker in headless Chromium, one CSV table each. Not a test: these machines are
# shared, so quote medians and compare ratios from one run.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/env.sh
cargo build --release --bin brainprop
wasm_env trunk build --release >/dev/null
echo "# native ($(nproc) cores, $(date -u +%Y-%m-%d))"
target/release/brainprop bench "$@"
echo "# wasm in a dedicated worker, headless $(chromium --version 2>/dev/null)"
node scripts/bench-browser.mjs --seconds 15 --rule bp,fa,dfa,shallow
