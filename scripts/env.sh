# Sourced by the scripts: tool paths, and the environment for wasm builds.
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-never}
export TRUNK_SKIP_VERSION_CHECK=true
# When set-up had to fall back to Debian's rustc-web, wasm builds use it with build-std.
wasm_env() {
  if [ -f target/wasm-toolchain ]; then
    env RUSTUP_TOOLCHAIN="$(cat target/wasm-toolchain)" RUSTC_BOOTSTRAP=1 CARGO_UNSTABLE_BUILD_STD=std,panic_abort "$@"
  else
    "$@"
  fi
}
