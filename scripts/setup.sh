#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
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

# The list lives in scripts/debian-packages.txt, where tests/packaging/check-packages.sh
# reads it too.
mapfile -t PACKAGES < <(sed 's/#.*//; s/[[:space:]]//g; /^$/d' "$ROOT/scripts/debian-packages.txt")

install_deps() {
  [ "${MIST_SKIP_INSTALL:-0}" = 1 ] && return 0
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
}

# Compiles go through ccache (MIST_CCACHE=0 turns it off, e.g. to time a cold build). Paths are
# made relative to the checkout and the build directory is not hashed, so a clean clone
# elsewhere (CI clones into a new temporary directory every time) reuses what an earlier build
# of the same sources compiled; tests/support/TestPaths.h keeps absolute paths out of the
# objects. ccache hashes the preprocessed source and the whole command line: a hit is the same
# object the compiler would make.
export CCACHE_BASEDIR=$ROOT CCACHE_NOHASHDIR=1
ccache_stats() { ccache --print-stats 2>/dev/null | awk '$1 ~ /^(direct|preprocessed)_cache_hit$/ {h += $2} $1 == "cache_miss" {m += $2} END {print h + 0, m + 0}'; }

build() { # build DIR [extra cmake args...]
  local dir=$1; shift
  local launcher=() before=""
  if [ "${MIST_CCACHE:-1}" != 0 ] && command -v ccache >/dev/null; then
    launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
    before=$(ccache_stats)
  fi
  cmake -S "$ROOT" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}" "$@" >/dev/null
  cmake --build "$dir" -j "$JOBS"
  if [ -n "$before" ]; then
    read -r h0 m0 <<<"$before"
    read -r h1 m1 <<<"$(ccache_stats)"
    echo "setup: ccache: $((h1 - h0)) objects reused, $((m1 - m0)) compiled"
  fi
}

# phase NAME COMMAND...: runs COMMAND as one step of the test command and
# records how long it took; the table is printed when the script ends, also
# after a failure (the failing phase is marked).
PHASES=()
CURRENT_PHASE=""
phase() {
  CURRENT_PHASE=$1
  PHASE_START=$(date +%s)
  shift
  echo "setup: --- $CURRENT_PHASE"
  "$@" # errexit stops the script here, and on_exit reports the phase as failed
  PHASES+=("$(printf '%-46s %5d s' "$CURRENT_PHASE" $(($(date +%s) - PHASE_START)))")
  CURRENT_PHASE=""
}
print_phases() {
  [ ${#PHASES[@]} -gt 0 ] || [ -n "$CURRENT_PHASE" ] || return 0
  [ -z "$CURRENT_PHASE" ] ||
    PHASES+=("$(printf '%-46s %5d s  FAILED' "$CURRENT_PHASE" $(($(date +%s) - PHASE_START)))")
  echo "setup: phases"
  printf '  %s\n' "${PHASES[@]}"
  printf '  %-46s %5d s\n' "total" $(($(date +%s) - SCRIPT_START))
}
SCRIPT_START=$(date +%s)
ENGINE_DIR=""
on_exit() {
  local rc=$?
  [ -z "$ENGINE_DIR" ] || stop_private_engine
  print_phases
  exit $rc
}
trap on_exit EXIT

# A private Docker engine for this shell (tests, benchmarks), stopped on exit.
# `start_private_engine swarm` also makes it a single-node Swarm (the tests of
# apps that are services, tests/server/tst_swarm.cpp), which it leaves again
# before the engine stops.
start_private_engine() {
  ENGINE_DIR=$(mktemp -d /tmp/mist-engine.XXXXXX)
  eval "$("$ROOT/scripts/test-dockerd.sh" start "$ENGINE_DIR")"
  export DOCKER_HOST
  if [ "${1:-}" = swarm ]; then
    "$ROOT/scripts/test-dockerd.sh" swarm "$ENGINE_DIR"
  fi
}

stop_private_engine() {
  "$ROOT/scripts/test-dockerd.sh" stop "$ENGINE_DIR" # leaves the swarm first
  rm -rf "$ENGINE_DIR"
  ENGINE_DIR=""
}

# Whether the private engine still answers; if not, its log's last lines say why (a
# suite run once lost its engine half-way, and all the log said was "Cannot connect").
engine_alive() {
  local pid=""
  [ -f "$ENGINE_DIR/dockerd.pid" ] && pid=$(cat "$ENGINE_DIR/dockerd.pid")
  if curl -sf --max-time 10 --unix-socket "$ENGINE_DIR/docker.sock" http://d/_ping >/dev/null 2>&1; then
    [ -z "$pid" ] || echo "setup: private engine alive (dockerd $pid, $(awk '/^VmRSS/ {print $2 " kB"}' "/proc/$pid/status" 2>/dev/null))"
    return 0
  fi
  echo "setup: the private Docker engine ($ENGINE_DIR) no longer answers; dockerd ${pid:-?}" \
    "$([ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "still runs" || echo "is gone"); the end of its log:"
  tail -n 60 "$ENGINE_DIR/dockerd.log" 2>/dev/null | sed 's/^/  dockerd: /'
  dmesg 2>/dev/null | grep -E "Killed process [0-9]+ \((dockerd|containerd)" | tail -n 5 | sed 's/^/  kernel: /' || true
  return 1
}

run_suite() { # run_suite DIR LABEL
  echo "setup: running the suite ($2)"
  local rc=0
  (cd "$1" && ctest --output-on-failure -j "$JOBS" --timeout 600) || rc=$?
  engine_alive || rc=1
  return $rc
}

build_fuzzers() {
  cmake -S "$ROOT" -B "$BUILD_DIR-fuzz" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
    -DMIST_FUZZ=ON -DMIST_BUILD_GUI=OFF -DMIST_BUILD_TESTS=OFF >/dev/null
  cmake --build "$BUILD_DIR-fuzz" --target fuzzers -j "$JOBS"
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
  phase "install packages" install_deps
  phase "build ($BUILD_DIR)" build "$BUILD_DIR"
  # Early, seconds long: the package list is proven, not trusted
  # (tests/packaging/check-packages.sh), and the proof can fail: with a
  # package the build needs left out, it must name it.
  phase "package list covers what build and tests use" \
    "$ROOT/tests/packaging/check-packages.sh" "$BUILD_DIR"
  phase "package check names a dropped package" \
    "$ROOT/tests/packaging/test-check-packages.sh" "$BUILD_DIR"
  phase "private Docker engine (swarm)" start_private_engine swarm
  export MIST_TEST_ENGINE_SCRIPT="$ROOT/scripts/test-dockerd.sh"
  phase "suite" run_suite "$BUILD_DIR" "plain"
  if [ "${MIST_SKIP_BENCH:-0}" != 1 ]; then
    # Every benchmark scenario for seconds (docs/PERFORMANCE.md), so the tool cannot rot:
    # lost lines or refused clients fail it; its figures are printed, not judged.
    phase "benchmark smoke run" "$BUILD_DIR/bin/mist-monitor-bench" --smoke
  fi
  if [ "${MIST_SKIP_PACKAGING:-0}" != 1 ]; then
    phase ".deb build and checks" "$ROOT/tests/packaging/check-deb.sh" "$BUILD_DIR"
  fi
  if [ "${MIST_SKIP_SANITIZE:-0}" != 1 ]; then
    # -g1: line tables only, which is all a sanitizer report needs for file:line in its stack;
    # full debug information made this build a tenth slower.
    phase "build ($BUILD_DIR-asan, ASan+UBSan)" \
      build "$BUILD_DIR-asan" -DMIST_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug \
      -DCMAKE_C_FLAGS_DEBUG=-g1 -DCMAKE_CXX_FLAGS_DEBUG=-g1
    # A fresh engine: the sanitizer suite starts from what the plain one started from, not
    # from what that suite and the benchmarks left behind.
    stop_private_engine
    phase "private Docker engine (swarm), fresh" start_private_engine swarm
    ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      phase "suite under ASan+UBSan" \
      run_suite "$BUILD_DIR-asan" "AddressSanitizer + UndefinedBehaviorSanitizer"
  fi
  if [ "${MIST_SKIP_FUZZ:-0}" != 1 ]; then
    # The libFuzzer targets (fuzz/, docs/FUZZING.md), built with clang: each runs for
    # MIST_FUZZ_SECONDS (default 20) on a copy of its seed corpus; a crash fails the script.
    phase "build fuzzers (clang)" build_fuzzers
    phase "fuzzing (${MIST_FUZZ_SECONDS:-20} s per target)" \
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
  build_fuzzers
  exec "$ROOT/fuzz/run.sh" "$BUILD_DIR-fuzz" "${1:-600}" "${@:2}"
  ;;
*)
  sed -n '3,18p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
  ;;
esac
