#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Proves scripts/debian-packages.txt instead of trusting it: every system file
# that the build and the tests use must come from a Debian package that a
# fresh Debian 12 machine gets from `scripts/setup.sh` -- a package of the
# list, of the base system (Essential / Priority: required), or one of their
# hard dependencies (Depends, Pre-Depends; not Recommends: setup.sh installs
# with --no-install-recommends). A package that is only on this machine
# because somebody installed it by hand, or because another package merely
# recommends it, fails the check, named with the files that need it.
#
#   tests/packaging/check-packages.sh BUILD_DIR
#
# The files, from a configured and built BUILD_DIR:
#   - the CMake package configurations the build found (the *_DIR entries of
#     CMakeCache.txt) and the compiler, make program and pkg-config it runs;
#   - every header outside the tree that ninja recorded as a dependency
#     (`ninja -t deps`);
#   - every shared library the executables and tests load (ldd), and the Qt
#     plugins they load at run time (SQLite driver, TLS backend, platforms,
#     SVG), with the libraries those load;
#   - the programs the test command and the tests run (dockerd and its
#     helpers, busybox, git, openssl, node, curl, clang, xvfb-run, the .deb
#     tools, ...), and every program a test or the benchmark starts by name
#     (found in their sources, so a new one is covered without editing this).
#
# Environment: MIST_PACKAGE_LIST (default scripts/debian-packages.txt): the
# list to prove (the check's own test drops a package from a copy).
# Prints a summary; exit status 0 when every file is covered, 1 otherwise.
set -uo pipefail
export LC_ALL=C
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/packaging/packages-lib.sh
. "$ROOT/tests/packaging/packages-lib.sh"

BUILD=${1:?usage: check-packages.sh BUILD_DIR}
case $BUILD in /*) ;; *) BUILD=$PWD/$BUILD ;; esac
LIST=${MIST_PACKAGE_LIST:-$ROOT/scripts/debian-packages.txt}
[ -f "$BUILD/CMakeCache.txt" ] || { echo "check-packages: $BUILD is not configured" >&2; exit 2; }
[ -f "$LIST" ] || { echo "check-packages: no package list $LIST" >&2; exit 2; }

WORK=$(mktemp -d /tmp/mist-check-packages.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
started=$(date +%s.%N)

# --- what a fresh machine has after setup.sh --------------------------------
mapfile -t LISTED < <(sed 's/#.*//; s/[[:space:]]//g; /^$/d' "$LIST")
mapfile -t BASE < <(base_system)
closure "${LISTED[@]}" "${BASE[@]}" >"$WORK/closure"
[ -s "$WORK/closure" ] || { echo "check-packages: apt-cache gave no closure" >&2; exit 2; }

# --- what the build and the tests use ----------------------------------------
# file<TAB>why, one per line
use() { printf '%s\t%s\n' "$1" "$2" >>"$WORK/used"; }
: >"$WORK/used"

# CMake package configurations, and the tools the build runs.
while IFS='=' read -r key dir; do
  case $dir in "$ROOT"* | "$BUILD"*) continue ;; esac
  for config in "$dir"/*Config.cmake "$dir"/*-config.cmake; do
    [ -f "$config" ] && use "$config" "CMake: ${key%%:*}" && break
  done
done < <(grep -E '^[A-Za-z0-9_]+_DIR:PATH=/' "$BUILD/CMakeCache.txt")
while IFS='=' read -r key file; do
  [ -f "$file" ] && use "$file" "CMake: ${key%%:*}"
done < <(grep -E '^(CMAKE_(C|CXX)_COMPILER|CMAKE_MAKE_PROGRAM|PKG_CONFIG_EXECUTABLE|pkgcfg_lib_[A-Za-z0-9_]+|HTTP_PARSER_LIBRARY|MIST_LLD):FILEPATH=/' \
  "$BUILD/CMakeCache.txt")
# A compiler launcher (ccache, scripts/setup.sh) is named, not a path.
while IFS='=' read -r key launcher; do
  file=$(command -v "$launcher") && use "$(readlink -f "$file")" "CMake: ${key%%:*}"
done < <(grep -E '^CMAKE_(C|CXX)_COMPILER_LAUNCHER:[A-Z]+=.' "$BUILD/CMakeCache.txt")

# Headers from ninja's dependency log (system headers are absolute paths).
if command -v ninja >/dev/null 2>&1 && [ -f "$BUILD/build.ninja" ]; then
  ninja -C "$BUILD" -t deps 2>/dev/null | awk '/^    \// { print $1 }' | sort -u |
    grep -v -e "^$ROOT/" -e "^$BUILD/" | sed 's/$/\theader/' >>"$WORK/used"
fi
headers=$(grep -c $'\theader$' "$WORK/used")

# Shared libraries of the executables and tests, and the Qt plugins loaded at
# run time with theirs.
mapfile -t ELVES < <(find "$BUILD/bin" "$BUILD/tests" -maxdepth 1 -type f -perm -u+x 2>/dev/null)
PLUGINS=()
qt_plugins=$(sed -n 's|^Qt6Core_DIR:PATH=\(.*\)/cmake/Qt6Core$|\1/qt6/plugins|p' "$BUILD/CMakeCache.txt")
for p in sqldrivers/libqsqlite.so tls/libqopensslbackend.so platforms/libqoffscreen.so \
  platforms/libqxcb.so iconengines/libqsvgicon.so imageformats/libqsvg.so; do
  PLUGINS+=("$qt_plugins/$p")
  if [ -f "$qt_plugins/$p" ]; then use "$qt_plugins/$p" "Qt plugin"; else use "/nonexistent/$p" "Qt plugin"; fi
done
shared_libraries "${ELVES[@]}" "${PLUGINS[@]}" | sed 's/$/\tshared library/' >>"$WORK/used"
# Qt's own translation, loaded at start by the desktop (tst_gui_translations).
use "$(realpath -m "$qt_plugins/../../../../share/qt6/translations/qtbase_de.qm")" "Qt's German translation"
libraries=$(grep -c $'\tshared library$' "$WORK/used")
# Debian's Python and its aiosmtpd, which tst_server_alertemail runs as
# /usr/bin/python3 tests/support/smtp_receiver.py.
use /usr/bin/python3 "program python3 (SMTP test server)"
use "$(realpath -m /usr/lib/python3/dist-packages/aiosmtpd/__init__.py)" "python module aiosmtpd"

# Programs: those the scripts of the test command run, the ones the engine
# runs for them, and every program the tests, the benchmark and the tools
# start by name. A program counts as provided when some copy of it on PATH
# comes from a package (a hand-installed one earlier on PATH, e.g. in
# /usr/local/bin, shadows it here but is absent on a fresh machine).
PROGRAMS=(cmake ninja cc c++ pkg-config git curl openssl node
  dockerd docker containerd containerd-shim-runc-v2 runc docker-init busybox
  xvfb-run Xvfb xauth clang clang++ clang-format ctags
  cpack dpkg-deb dpkg-shlibdeps desktop-file-validate appstreamcli systemd-analyze
  groff man apt-cache apt-get dpkg-query ldd)
mapfile -t STARTED < <(grep -rhoE '\.start\(QStringLiteral\("[A-Za-z0-9_.+][A-Za-z0-9_.+-]*"\)' \
  "$ROOT/tests" "$ROOT/bench" "$ROOT/tools" 2>/dev/null | sed 's/.*("\(.*\)")/\1/')
: >"$WORK/programs" # candidate<TAB>program
for prog in $(printf '%s\n' "${PROGRAMS[@]}" "${STARTED[@]}" | sort -u); do
  mapfile -t copies < <(type -ap "$prog" 2>/dev/null)
  [ ${#copies[@]} -gt 0 ] || copies=("/nonexistent/$prog")
  for c in "${copies[@]}"; do printf '%s\tprogram %s\n' "$c" "$prog" >>"$WORK/programs"; done
done
cut -f1 "$WORK/programs" | sort -u >"$WORK/program-paths"
owners "$WORK/program-paths" | sort >"$WORK/program-owners"
# Per program: the first copy that a package owns, else the first copy.
sort -t$'\t' -k1,1 "$WORK/programs" | join -t$'\t' - "$WORK/program-owners" |
  awk -F'\t' '{ n[$2]++; if ($3 != "-" && !($2 in owned)) owned[$2] = $1; if (!($2 in first)) first[$2] = $1 }
    END { for (p in n) print ((p in owned) ? owned[p] : first[p]) "\t" p }' >>"$WORK/used"
programs=$(grep -c $'\tprogram ' "$WORK/used")
# The published page's client (tests/js) runs on Node's own WebSocket where
# Node has one (with the flag where it needs one), else on Debian's ws module.
if command -v node >/dev/null 2>&1; then
  flag=--experimental-websocket
  node $flag -e '' 2>/dev/null || flag=
  # shellcheck disable=SC2086
  node $flag -e 'process.exit(globalThis.WebSocket ? 0 : 1)' 2>/dev/null ||
    use /usr/share/nodejs/ws/package.json "node module ws (this Node has no WebSocket)"
fi

# --- which package each comes from -------------------------------------------
cut -f1 "$WORK/used" | sort -u >"$WORK/paths"
owners "$WORK/paths" | sort >"$WORK/owners"
sort -t$'\t' -k1,1 "$WORK/used" | join -t$'\t' - "$WORK/owners" >"$WORK/table" # path why pkg

# Files no package owns, and files of packages outside the closure.
awk -F'\t' '$3 == "-"' "$WORK/table" >"$WORK/unowned"
awk -F'\t' 'NR == FNR { ok[$1] = 1; next } $3 != "-" && !($3 in ok)' \
  "$WORK/closure" "$WORK/table" >"$WORK/outside"

files=$(wc -l <"$WORK/paths")
packages=$(awk -F'\t' '$3 != "-" { print $3 }' "$WORK/table" | sort -u | wc -l)
elapsed=$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
echo "check-packages: $files files used by the build and the tests ($headers headers," \
  "$libraries shared libraries, $programs programs) come from $packages packages;" \
  "the closure of $(basename "$LIST") has $(wc -l <"$WORK/closure") (${elapsed} s)"

status=0
if [ -s "$WORK/outside" ]; then
  status=1
  echo "check-packages: FAIL: packages used but not installed by scripts/setup.sh on a fresh machine:"
  awk -F'\t' '{ print $3 "\t" $1 "\t" $2 }' "$WORK/outside" | sort | awk -F'\t' '
    function flush() { if (pkg != "") printf "  %s  (%d file%s, e.g.)%s\n", pkg, n, (n == 1 ? "" : "s"), ex }
    $1 != pkg { flush(); pkg = $1; n = 0; ex = "" }
    { n++; if (n <= 3) ex = ex "\n      " $2 "  (" $3 ")" }
    END { flush() }' 
  echo "  add them to $(basename "$LIST") (or the package of the list that should depend on them)"
fi
if [ -s "$WORK/unowned" ]; then
  status=1
  echo "check-packages: FAIL: files used that no Debian package provides (a fresh machine lacks them):"
  awk -F'\t' '{ printf "  %s  (%s)\n", $1, $2 }' "$WORK/unowned"
fi
[ $status -eq 0 ] && echo "check-packages: PASS"
exit $status
