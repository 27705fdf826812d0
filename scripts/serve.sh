#!/usr/bin/env bash
# Sets up what is missing, then serves the site at http://127.0.0.1:8080/ (optimised build, so
# training runs at full speed). Extra arguments go to `trunk serve` (e.g. --port 9000).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/env.sh
wasm_env trunk serve --release "$@"
