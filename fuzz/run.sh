#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs the libFuzzer targets for a bounded time each (docs/FUZZING.md).
#
#   fuzz/run.sh BUILD_DIR SECONDS [TARGET...]
#
# BUILD_DIR is a build with -DMIST_FUZZ=ON (executables in BUILD_DIR/bin); without TARGETs all
# eight run, MIST_FUZZ_JOBS (default: the number of cores) at a time. Each works on a copy of
# its seed corpus (tests/fuzz/TARGET/)
# in a temporary directory: nothing is written into the source tree. Prints, per target, the
# runs executed, runs per second, coverage (cov = code edges, ft = features) and corpus size;
# for a failure the crash report and the saved input. The last line is
#   fuzz: N passed, M failed
# and the exit status is 1 when a target failed (a crash, a broken invariant, a sanitizer
# report, a leak, a timeout or running out of memory).
#
# Environment: MIST_FUZZ_ARTIFACTS=DIR keeps crash inputs there (default: inside the temporary
# directory, which is then kept and printed); MIST_FUZZ_KEEP_CORPUS=DIR copies each target's
# grown corpus to DIR/TARGET at the end; MIST_FUZZ_STRICT=1 makes known issues fail too;
# MIST_FUZZ_JOBS=N runs N targets at a time.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -lt 2 ]; then
  sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
BIN=$(cd "$1" && pwd)/bin
SECONDS_EACH=$2
shift 2
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(fuzz_logstream_multiplexed fuzz_logstream_tty fuzz_servicelog
                                      fuzz_parsing fuzz_http_request fuzz_proc fuzz_build_output
                                      fuzz_client_json)

WORK=$(mktemp -d /tmp/mist-fuzz.XXXXXX)
ARTIFACTS=${MIST_FUZZ_ARTIFACTS:-$WORK/artifacts}
mkdir -p "$ARTIFACTS"
ARTIFACTS=$(cd "$ARTIFACTS" && pwd)

# run_one TARGET: fuzzes one target; its report goes to $WORK/TARGET.report, and
# $WORK/TARGET.failed marks a failure. Targets run side by side, MIST_FUZZ_JOBS at a time
# (default: the number of cores): each still gets its full SECONDS, the reports print in order.
run_one() {
  local t=$1 corpus dict log status runs speed rss last cov ft units summary
  exec >"$WORK/$t.report" 2>&1
  if [ ! -x "$BIN/$t" ]; then
    echo "fuzz: $t: no executable $BIN/$t"
    : >"$WORK/$t.failed"
    return
  fi
  corpus=$WORK/corpus/$t
  mkdir -p "$corpus"
  [ -d "$ROOT/tests/fuzz/$t" ] && cp -R "$ROOT/tests/fuzz/$t/." "$corpus/"
  dict=()
  [ -f "$ROOT/fuzz/dict/$t.dict" ] && dict=(-dict="$ROOT/fuzz/dict/$t.dict")
  log=$WORK/$t.log
  # -timeout: one input running that long is a hang; the outer timeout guards the whole run.
  # A smaller ASan quarantine than the default 256 MiB: with millions of small allocations
  # the default one keeps the RSS growing towards -rss_limit_mb over a long run.
  (cd "$WORK" && ASAN_OPTIONS=${ASAN_OPTIONS:-quarantine_size_mb=64} UBSAN_OPTIONS=print_stacktrace=1 \
    timeout --kill-after=10 $((SECONDS_EACH + 120)) \
    "$BIN/$t" -max_total_time="$SECONDS_EACH" -rss_limit_mb=2048 -timeout=25 \
              -print_final_stats=1 -artifact_prefix="$ARTIFACTS/$t-" "${dict[@]}" "$corpus") \
    >"$log" 2>&1
  status=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -1)
  last=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -1)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  units=$(find "$corpus" -type f | wc -l)
  summary="${runs:-?} runs (${speed:-?}/s), cov ${cov:-?}, ft ${ft:-?}, corpus $units, rss ${rss:-?} MB"
  grep -h '^==== known issue' "$log" | sort -u | sed "s/^==== /fuzz: $t: /"
  if [ $status -eq 0 ]; then
    echo "fuzz: $t: ok, $summary"
  else
    echo "fuzz: $t: FAILED (exit $status), $summary"
    # The report: from the broken invariant or sanitizer line, at most 60 lines of it.
    awk '/^==== invariant broken|^==[0-9]+==|runtime error:|^ALARM|ERROR: libFuzzer/ {p=1} p' "$log" |
      head -60 | sed "s/^/  $t| /"
    ls "$ARTIFACTS"/"$t"-* 2>/dev/null | sed "s/^/  $t| saved input: /"
    echo "  $t| full log: $log"
    : >"$WORK/$t.failed"
  fi
  if [ -n "${MIST_FUZZ_KEEP_CORPUS:-}" ]; then
    mkdir -p "$MIST_FUZZ_KEEP_CORPUS/$t"
    cp -R "$corpus/." "$MIST_FUZZ_KEEP_CORPUS/$t/"
  fi
}

JOBS=${MIST_FUZZ_JOBS:-$(nproc)}
for t in "${TARGETS[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n; done
  run_one "$t" &
done
wait
passed=0
failed=0
for t in "${TARGETS[@]}"; do
  cat "$WORK/$t.report"
  if [ -e "$WORK/$t.failed" ]; then failed=$((failed + 1)); else passed=$((passed + 1)); fi
done

if [ $failed -eq 0 ]; then
  rm -rf "$WORK"
else
  echo "fuzz: logs and inputs kept in $WORK"
fi
echo "fuzz: $passed passed, $failed failed"
[ $failed -eq 0 ]
