#!/usr/bin/env bash
# Mist Monitor: one script a newcomer runs on a fresh Debian 12 machine.
#
#   scripts/setup.sh run [ARGS...]   install what is needed, build, run the desktop app
#                                    (ARGS go to mist-monitor, e.g. --server)
#   scripts/setup.sh test            install what is needed, build (plain and with
#                                    ASan+UBSan), start a private Docker engine,
#                                    run the whole suite, stop the engine
#   scripts/setup.sh build           install and build only
#   scripts/setup.sh fuzz [SECONDS]  build the libFuzzer targets and run each longer
#   scripts/setup.sh bench [OPTS]    build, start a private engine, run mist-monitor-bench
#                                    (docs/PERFORMANCE.md; OPTS e.g. --only relay)
#
# Environment: BUILD_DIR (default build), JOBS (default: number of cores),
# MIST_SKIP_INSTALL=1 to skip apt-get, MIST_SKIP_SANITIZE=1 / MIST_SKIP_PACKAGING=1 /
# MIST_SKIP_FUZZ=1 / MIST_SKIP_BENCH=1 to skip the sanitizer pass, the .deb check, the
# short fuzzing or the benchmark smoke run.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD_DIR=${BUILD_DIR:-build}
JOBS=${JOBS:-$(nproc)}
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo

PACKAGES=(
  build-essential cmake ninja-build pkg-config git curl ca-certificates
  qt6-base-dev libqt6opengl6-dev qt6-websockets-dev qt6-charts-dev qt6-tools-dev qt6-tools-dev-tools
  qt6-l10n-tools libqt6sql6-sqlite qt6-svg-dev qtkeychain-qt6-dev libgl-dev
  libcurl4-openssl-dev libsodium-dev libhttp-parser-dev libarchive-dev
  docker.io busybox-static xvfb xauth clang-format
  clang libclang-rt-14-dev
  dpkg-dev desktop-file-utils appstream groff-base man-db systemd
)

install_deps() {
  [ "${MIST_SKIP_INSTALL:-0}" = 1 ] && return 0
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  # The published-page client test runs the page's JavaScript on Node's
  # built-in WebSocket (Node >= 20.10); keep a newer Node if there is one.
  command -v node >/dev/null 2>&1 || missing+=(nodejs)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
}

build() { # build DIR [extra cmake args...]
  local dir=$1; shift
  cmake -S "$ROOT" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
  cmake --build "$dir" -j "$JOBS"
}

# A private Docker engine for this shell (tests, benchmarks), stopped on exit.
# `start_private_engine swarm` also makes it a single-node Swarm (the tests of
# apps that are services, tests/server/tst_swarm.cpp), which it leaves again
# before the engine stops.
start_private_engine() {
  ENGINE_DIR=$(mktemp -d /tmp/mist-engine.XXXXXX)
  trap stop_private_engine EXIT
  eval "$("$ROOT/scripts/test-dockerd.sh" start "$ENGINE_DIR")"
  export DOCKER_HOST
  if [ "${1:-}" = swarm ]; then
    "$ROOT/scripts/test-dockerd.sh" swarm "$ENGINE_DIR"
  fi
}

stop_private_engine() {
  "$ROOT/scripts/test-dockerd.sh" stop "$ENGINE_DIR" # leaves the swarm first
  rm -rf "$ENGINE_DIR"
}

run_suite() { # run_suite DIR LABEL
  echo "setup: running the suite ($2)"
  (cd "$1" && ctest --output-on-failure -j "$JOBS" --timeout 600)
}

case ${1:-} in
run)
  shift
  install_deps
  build "$BUILD_DIR"
  exec "$BUILD_DIR/bin/mist-monitor" "$@"
  ;;
build)
  install_deps
  build "$BUILD_DIR"
  ;;
test)
  install_deps
  build "$BUILD_DIR"
  start_private_engine swarm
  export MIST_TEST_ENGINE_SCRIPT="$ROOT/scripts/test-dockerd.sh"
  run_suite "$BUILD_DIR" "plain"
  if [ "${MIST_SKIP_BENCH:-0}" != 1 ]; then
    # Every benchmark scenario for seconds (docs/PERFORMANCE.md), so the tool cannot rot:
    # lost lines or refused clients fail it; its figures are printed, not judged.
    echo "setup: benchmark smoke run (mist-monitor-bench --smoke)"
    "$BUILD_DIR/bin/mist-monitor-bench" --smoke
  fi
  if [ "${MIST_SKIP_PACKAGING:-0}" != 1 ]; then
    echo "setup: building and checking the .deb (tests/packaging/check-deb.sh)"
    "$ROOT/tests/packaging/check-deb.sh" "$BUILD_DIR"
  fi
  if [ "${MIST_SKIP_SANITIZE:-0}" != 1 ]; then
    build "$BUILD_DIR-asan" -DMIST_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
    ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      run_suite "$BUILD_DIR-asan" "AddressSanitizer + UndefinedBehaviorSanitizer"
  fi
  if [ "${MIST_SKIP_FUZZ:-0}" != 1 ]; then
    # The libFuzzer targets (fuzz/, docs/FUZZING.md), built with clang: each runs for
    # MIST_FUZZ_SECONDS (default 20) on a copy of its seed corpus; a crash fails the script.
    echo "setup: fuzzing (libFuzzer, ${MIST_FUZZ_SECONDS:-20} s per target)"
    cmake -S "$ROOT" -B "$BUILD_DIR-fuzz" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
      -DMIST_FUZZ=ON -DMIST_BUILD_GUI=OFF -DMIST_BUILD_TESTS=OFF >/dev/null
    cmake --build "$BUILD_DIR-fuzz" --target fuzzers -j "$JOBS"
    "$ROOT/fuzz/run.sh" "$BUILD_DIR-fuzz" "${MIST_FUZZ_SECONDS:-20}"
  fi
  ;;
bench)
  # scripts/setup.sh bench [mist-monitor-bench options]: install, build, start a private
  # engine and measure (docs/PERFORMANCE.md), e.g. `scripts/setup.sh bench --only relay`.
  shift
  install_deps
  build "$BUILD_DIR"
  start_private_engine
  "$BUILD_DIR/bin/mist-monitor-bench" "$@"
  ;;
fuzz)
  # scripts/setup.sh fuzz [SECONDS [TARGET...]]: install what is needed, build the libFuzzer
  # targets and run each (or the TARGETs) for SECONDS (default 600); see docs/FUZZING.md.
  shift
  install_deps
  cmake -S "$ROOT" -B "$BUILD_DIR-fuzz" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
    -DMIST_FUZZ=ON -DMIST_BUILD_GUI=OFF -DMIST_BUILD_TESTS=OFF >/dev/null
  cmake --build "$BUILD_DIR-fuzz" --target fuzzers -j "$JOBS"
  exec "$ROOT/fuzz/run.sh" "$BUILD_DIR-fuzz" "${1:-600}" "${@:2}"
  ;;
*)
  sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
  ;;
esac
