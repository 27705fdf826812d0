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

# For the page-measuring commands (bench --long-tasks, soak): builds the site into $BRAINPROP_DIST
# (default dist/) unless the arguments hold --no-build, and leaves the other arguments in the
# array `site_args` and the folder in `site_dist`. $1 names the command in the failure message.
build_site_unless_no_build() {
  local who=$1 build=1 a log
  shift
  site_dist=${BRAINPROP_DIST:-dist}
  site_args=()
  for a in "$@"; do
    if [ "$a" = --no-build ]; then build=0; else site_args+=("$a"); fi
  done
  if [ "$build" = 1 ]; then
    log=$(mktemp)
    wasm_env trunk build --release --dist "$site_dist" >"$log" 2>&1 || { cat "$log"; rm -f "$log"; echo "$who: trunk build failed" >&2; return 1; }
    rm -f "$log"
  fi
}
