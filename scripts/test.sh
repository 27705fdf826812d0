#!/usr/bin/env bash
# Sets up what is missing, then runs every test: native engine tests, the engine in headless
# Chromium (wasm-bindgen-test, in a dedicated worker), the front end's unit tests, and end-to-end
# tests of the built site in headless Chromium (screenshots go to artifacts/).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/env.sh

echo "== format and lints"
cargo fmt --check
cargo clippy --release --all-targets -- -D warnings
scripts/check-cycles.py

echo "== native engine tests"
cargo test --release

echo "== engine in headless Chromium (dedicated worker)"
CHROMEDRIVER=/usr/bin/chromedriver \
WASM_BINDGEN_TEST_WEBDRIVER_JSON=tests/webdriver.json \
WASM_BINDGEN_TEST_TIMEOUT=180 \
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  wasm_env cargo test --release --target wasm32-unknown-unknown --test wasm

echo "== front-end unit tests"
node --test tests/js/

echo "== site build and end-to-end tests"
if [ -f target/wasm-toolchain ]; then
  wasm_env trunk build --release # the Debian rustc-web fallback needs its environment
else
  # Plain `trunk build --release` as a student types it in a fresh terminal: a login shell with
  # nothing of this script's environment, so the test fails if plain trunk cannot build offline.
  env -i HOME="$HOME" TERM=dumb bash -lc 'cd "$1" && trunk build --release' bash "$PWD"
fi
mkdir -p artifacts
node --test --test-concurrency=1 tests/e2e/
