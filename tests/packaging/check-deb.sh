#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds the Debian package with CPack and checks it: file name and control
# fields (shlibdeps ran; the explicit runtime dependencies are there; apt can
# resolve it), contents, maintainer scripts, the .desktop entry
# (desktop-file-validate), the AppStream metainfo (appstreamcli validate),
# the systemd unit (systemd-analyze verify and security), the man page (groff
# and man without warnings; it covers every subcommand and option the binary
# knows), the bash completion (bash -n; it offers every subcommand and
# option), server.conf (every key; accepted by the packaged binary's --config),
# and that versions agree.
#
#   tests/packaging/check-deb.sh [--install] [BUILD_DIR]
#
# BUILD_DIR (default: build-pkg) is configured if needed and built, then
# `cpack -G DEB` runs in it; an existing build directory (e.g. build) works.
# --install (root only, a machine you may change): also install the package
# with apt-get, check the system user, state directory and an operator
# command as that user, then remove and purge it again. Refused when
# mist-monitor is installed already.
#
# Environment: JOBS (default: number of cores).
# Needs: cmake ninja-build dpkg-dev desktop-file-utils appstream groff-base
#        man-db systemd (for systemd-analyze), plus the build dependencies.
# Prints one PASS/FAIL line per check and ends with
#   packaging: N passed, M failed
# Exit status: 0 when nothing failed, 1 otherwise.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
INSTALL_TEST=0
BUILD=""
for arg in "$@"; do
  case $arg in
  --install) INSTALL_TEST=1 ;;
  -h | --help)
    sed -n '3,27p' "$0" | sed 's/^# \{0,1\}//'
    exit 0
    ;;
  -*)
    echo "check-deb: unknown option $arg" >&2
    exit 2
    ;;
  *) BUILD=$arg ;;
  esac
done
BUILD=${BUILD:-$ROOT/build-pkg}
case $BUILD in /*) ;; *) BUILD=$PWD/$BUILD ;; esac
JOBS=${JOBS:-$(nproc)}

PASSED=0
FAILED=0
WORK=$(mktemp -d /tmp/mist-check-deb.XXXXXX)
SERVER_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

pass() {
  PASSED=$((PASSED + 1))
  echo "PASS $1"
}
fail() {
  FAILED=$((FAILED + 1))
  echo "FAIL $1"
  [ $# -gt 1 ] && [ -n "$2" ] && printf '%s\n' "$2" | sed 's/^/     | /'
  return 0
}
# check NAME COMMAND...: passes when COMMAND exits 0.
check() {
  local name=$1 out
  shift
  if out=$("$@" 2>&1); then pass "$name"; else fail "$name" "$out"; fi
}
# check_quiet NAME COMMAND...: passes when COMMAND exits 0 and prints nothing.
check_quiet() {
  local name=$1 out rc
  shift
  out=$("$@" 2>&1)
  rc=$?
  if [ $rc -eq 0 ] && [ -z "$out" ]; then pass "$name"; else fail "$name" "exit $rc: $out"; fi
}
finish() {
  echo "packaging: $PASSED passed, $FAILED failed"
  [ "$FAILED" -eq 0 ]
  exit $?
}
need() { # need PROGRAM PACKAGE
  command -v "$1" >/dev/null 2>&1 && return 0
  fail "tool $1 is installed (apt-get install $2)"
  return 1
}
contains_word() { # contains_word WORD LIST...
  local w=$1 x
  shift
  for x in "$@"; do [ "$x" = "$w" ] && return 0; done
  return 1
}

# --- build and package -------------------------------------------------------
for tool in "cmake cmake" "ninja ninja-build" "cpack cmake" "dpkg-deb dpkg" \
  "dpkg-shlibdeps dpkg-dev" "desktop-file-validate desktop-file-utils" \
  "appstreamcli appstream" "groff groff-base" "man man-db" "systemd-analyze systemd"; do
  # shellcheck disable=SC2086
  need $tool
done
[ "$FAILED" -eq 0 ] || finish

VERSION=$(sed -n 's/^project(mist-monitor VERSION \([0-9][0-9.]*\).*/\1/p' "$ROOT/CMakeLists.txt")
ARCH=$(dpkg --print-architecture)
[ -n "$VERSION" ] || { fail "project version found in CMakeLists.txt"; finish; }

if [ ! -f "$BUILD/CMakeCache.txt" ]; then
  echo "check-deb: configuring $BUILD"
  if ! out=$(cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DMIST_BUILD_TESTS=OFF 2>&1); then
    fail "configure $BUILD" "$out"
    finish
  fi
fi
echo "check-deb: building $BUILD"
if ! out=$(cmake --build "$BUILD" -j "$JOBS" 2>&1); then
  fail "build $BUILD" "$(printf '%s\n' "$out" | tail -30)"
  finish
fi
rm -f "$BUILD"/mist-monitor_*.deb
if out=$(cd "$BUILD" && cpack -G DEB 2>&1); then
  pass "cpack -G DEB"
else
  fail "cpack -G DEB" "$out"
  finish
fi
DEB=$BUILD/mist-monitor_${VERSION}_${ARCH}.deb
if [ -f "$DEB" ]; then pass "package file is $(basename "$DEB")"; else
  fail "package file is mist-monitor_${VERSION}_${ARCH}.deb" "$(ls "$BUILD"/*.deb 2>&1)"
  finish
fi
echo "check-deb: $DEB"

# --- control fields ----------------------------------------------------------
field() { dpkg-deb -f "$DEB" "$1"; }
# Package names of a relationship field (versions and alternatives dropped).
names() { field "$1" | tr ',|' '\n\n' | sed 's/(.*)//; s/:any//; s/[[:space:]]//g' | sed '/^$/d'; }
[ "$(field Package)" = mist-monitor ] && pass "Package: mist-monitor" ||
  fail "Package: mist-monitor" "$(field Package)"
[ "$(field Version)" = "$VERSION" ] && pass "Version: $VERSION" ||
  fail "Version: $VERSION" "$(field Version)"
[ "$(field Architecture)" = "$ARCH" ] && pass "Architecture: $ARCH" ||
  fail "Architecture: $ARCH" "$(field Architecture)"
for f in Maintainer Description Section Priority Installed-Size; do
  [ -n "$(field $f)" ] && pass "field $f is set" || fail "field $f is set"
done
mapfile -t DEPENDS < <(names Depends)
for dep in adduser git libqt6sql6-sqlite qt6-qpa-plugins libqt6svg6 \
  libc6 libqt6core6 libqt6network6 libqt6websockets6 libcurl4 libsodium23 libarchive13; do
  contains_word "$dep" "${DEPENDS[@]}" && pass "Depends: $dep" ||
    fail "Depends: $dep" "Depends: $(field Depends)"
done
# dpkg-shlibdeps writes versioned library dependencies; the hand-written ones are not.
field Depends | grep -q 'libqt6core6 (>= ' && pass "Depends come from dpkg-shlibdeps (versioned)" ||
  fail "Depends come from dpkg-shlibdeps (versioned)" "$(field Depends)"
mapfile -t RECOMMENDS < <(names Recommends)
contains_word docker.io "${RECOMMENDS[@]}" && pass "Recommends: docker.io" ||
  fail "Recommends: docker.io" "$(field Recommends)"
# apt can resolve every relationship on this system (simulation only).
if out=$(apt-get install -s -o Debug::NoLocking=1 "$DEB" 2>&1) &&
  printf '%s\n' "$out" | grep -qE '^Inst mist-monitor |mist-monitor is already the newest'; then
  pass "apt-get install -s resolves the package"
else
  fail "apt-get install -s resolves the package" "$(printf '%s\n' "$out" | tail -15)"
fi

# --- control archive: conffiles and maintainer scripts -----------------------
CTRL=$WORK/control
dpkg-deb -e "$DEB" "$CTRL"
[ "$(cat "$CTRL/conffiles" 2>/dev/null)" = /etc/mist-monitor/server.conf ] &&
  pass "conffiles: /etc/mist-monitor/server.conf" ||
  fail "conffiles: /etc/mist-monitor/server.conf" "$(cat "$CTRL/conffiles" 2>&1)"
for script in postinst prerm postrm; do
  if [ -x "$CTRL/$script" ] && sh -n "$CTRL/$script" 2>/dev/null; then
    pass "$script is an executable, valid sh script"
  else
    fail "$script is an executable, valid sh script" "$(ls -l "$CTRL/$script" 2>&1; sh -n "$CTRL/$script" 2>&1)"
  fi
done
grep -q 'adduser --system --group' "$CTRL/postinst" && grep -q 'adduser --quiet "$USER_NAME" docker' "$CTRL/postinst" &&
  pass "postinst creates the system user and adds it to group docker" ||
  fail "postinst creates the system user and adds it to group docker"

# --- contents ----------------------------------------------------------------
dpkg-deb -c "$DEB" >"$WORK/contents"
EXPECTED=(
  ./usr/bin/mist-monitor
  ./usr/libexec/mist-monitor/mist-monitor-server
  ./lib/systemd/system/mist-monitor.service
  ./etc/mist-monitor/server.conf
  ./usr/share/applications/mist-monitor.desktop
  ./usr/share/metainfo/io.github.mist_monitor.MistMonitor.metainfo.xml
  ./usr/share/icons/hicolor/scalable/apps/mist-monitor.svg
  ./usr/share/man/man1/mist-monitor.1.gz
  ./usr/share/bash-completion/completions/mist-monitor
  ./usr/share/doc/mist-monitor/INSTALL.md
  ./usr/share/doc/mist-monitor/copyright
)
ICON_SIZES=(16 22 24 32 48 64 128 256 512)
for size in "${ICON_SIZES[@]}"; do
  EXPECTED+=("./usr/share/icons/hicolor/${size}x${size}/apps/mist-monitor.png")
done
for path in "${EXPECTED[@]}"; do
  awk '{print $6}' "$WORK/contents" | grep -qxF "$path" && pass "contains ${path#.}" ||
    fail "contains ${path#.}"
done
grep -E ' \./usr/bin/mist-monitor$' "$WORK/contents" | grep -q '^-rwxr-xr-x root/root' &&
  pass "/usr/bin/mist-monitor is root-owned, mode 0755" ||
  fail "/usr/bin/mist-monitor is root-owned, mode 0755" "$(grep mist-monitor$ "$WORK/contents")"
bad=$(awk '$2 != "root/root"' "$WORK/contents")
[ -z "$bad" ] && pass "every file is owned by root/root" || fail "every file is owned by root/root" "$bad"
bad=$(awk '{print $6}' "$WORK/contents" | grep -E '^\./(usr/local|home|root|tmp|work)/' || true)
[ -z "$bad" ] && pass "nothing under /usr/local, /home, /tmp or a build path" ||
  fail "nothing under /usr/local, /home, /tmp or a build path" "$bad"
grep -E ' \./etc/mist-monitor/server.conf$' "$WORK/contents" | grep -q '^-rw-r--r--' &&
  pass "server.conf has mode 0644" || fail "server.conf has mode 0644"

PKG=$WORK/root
dpkg-deb -x "$DEB" "$PKG"
BIN=$PKG/usr/bin/mist-monitor

# Every shared library the packaged executables load, and the Qt plugins they
# load at run time (SQLite driver, TLS backend, platforms, SVG) with theirs,
# comes from a package that installing the .deb brings: one in the
# hard-dependency closure of its Depends (tests/packaging/packages-lib.sh).
# shellcheck source=tests/packaging/packages-lib.sh
. "$ROOT/tests/packaging/packages-lib.sh"
mapfile -t PKG_ELVES < <(find "$PKG" -type f -perm -u+x)
QT_PLUGINS=$(dirname "$(ldd "$BIN" | awk '/libQt6Core\.so/ { print $3 }')")/qt6/plugins
for p in sqldrivers/libqsqlite.so tls/libqopensslbackend.so platforms/libqxcb.so \
  platforms/libqoffscreen.so iconengines/libqsvgicon.so imageformats/libqsvg.so; do
  PKG_ELVES+=("$QT_PLUGINS/$p")
done
{
  shared_libraries "${PKG_ELVES[@]}"
  printf '%s\n' "${PKG_ELVES[@]}" | grep -v "^$PKG/"
} | sort -u >"$WORK/deb-libs"
mapfile -t DEB_DEPENDS < <(names Depends)
closure "${DEB_DEPENDS[@]}" >"$WORK/deb-closure"
owners "$WORK/deb-libs" >"$WORK/deb-owners"
bad=$(awk -F'\t' 'NR == FNR { ok[$1] = 1; next } !($2 in ok) { print $1 " (" ($2 == "-" ? "no package" : $2) ")" }' \
  "$WORK/deb-closure" "$WORK/deb-owners")
[ -s "$WORK/deb-libs" ] && [ -z "$bad" ] &&
  pass "every library the packaged binaries and their Qt plugins load ($(wc -l <"$WORK/deb-libs")) is in the Depends closure" ||
  fail "every library the packaged binaries and their Qt plugins load is in the Depends closure" \
    "${bad:-no libraries found}"

# PNG icons: real PNGs of the size their directory names (IHDR width/height).
for size in "${ICON_SIZES[@]}"; do
  png=$PKG/usr/share/icons/hicolor/${size}x${size}/apps/mist-monitor.png
  read -r w h < <(od -An -tu1 -j16 -N8 "$png" 2>/dev/null |
    awk '{print $1*16777216+$2*65536+$3*256+$4, $5*16777216+$6*65536+$7*256+$8}')
  magic=$(od -An -c -j1 -N3 "$png" 2>/dev/null | tr -d ' ')
  [ "$magic" = PNG ] && [ "${w:-0}" = "$size" ] && [ "${h:-0}" = "$size" ] &&
    pass "icon ${size}x${size} is a ${size}x${size} PNG" ||
    fail "icon ${size}x${size} is a ${size}x${size} PNG" "magic=$magic size=${w:-?}x${h:-?}"
done

# --- the binary --------------------------------------------------------------
out=$(env -u DISPLAY -u WAYLAND_DISPLAY "$BIN" --version 2>&1)
[ "$out" = "mist-monitor $VERSION" ] && pass "packaged binary: --version is $VERSION" ||
  fail "packaged binary: --version is $VERSION" "$out"

# --- desktop entry and AppStream metainfo -----------------------------------
DESKTOP=$PKG/usr/share/applications/mist-monitor.desktop
METAINFO=$PKG/usr/share/metainfo/io.github.mist_monitor.MistMonitor.metainfo.xml
check_quiet "desktop-file-validate mist-monitor.desktop" desktop-file-validate "$DESKTOP"
for line in 'Exec=mist-monitor' 'Icon=mist-monitor' 'Type=Application' 'Categories=System;Monitor;'; do
  grep -qxF "$line" "$DESKTOP" && pass "desktop entry: $line" || fail "desktop entry: $line"
done
check "appstreamcli validate --no-net --strict (metainfo)" \
  appstreamcli validate --no-net --strict "$METAINFO"
grep -q '<id>io.github.mist_monitor.MistMonitor</id>' "$METAINFO" &&
  pass "metainfo id matches its file name" || fail "metainfo id matches its file name"
grep -q '<project_license>GPL-3.0-or-later</project_license>' "$METAINFO" &&
  pass "metainfo: project_license GPL-3.0-or-later" || fail "metainfo: project_license GPL-3.0-or-later"
COPYRIGHT=$PKG/usr/share/doc/mist-monitor/copyright
head -1 "$COPYRIGHT" 2>/dev/null | grep -qxF 'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/' &&
  grep -qxF 'License: GPL-3+' "$COPYRIGHT" &&
  pass "doc/mist-monitor/copyright: machine-readable, GPL-3+" ||
  fail "doc/mist-monitor/copyright: machine-readable, GPL-3+" "$(head -5 "$COPYRIGHT" 2>&1)"
grep -q '<launchable type="desktop-id">mist-monitor.desktop</launchable>' "$METAINFO" &&
  pass "metainfo launches mist-monitor.desktop" || fail "metainfo launches mist-monitor.desktop"
first_release=$(grep -o '<release [^>]*version="[^"]*"' "$METAINFO" | head -1 | sed 's/.*version="//; s/"$//')
[ "$first_release" = "$VERSION" ] && pass "metainfo: newest release is $VERSION" ||
  fail "metainfo: newest release is $VERSION (add a <release> when the version changes)" \
    "newest <release>: ${first_release:-none}"

# --- systemd unit ------------------------------------------------------------
UNIT=$PKG/lib/systemd/system/mist-monitor.service
EXEC='ExecStart=/usr/bin/mist-monitor --server --data-dir /var/lib/mist-monitor --config /etc/mist-monitor/server.conf'
for line in "$EXEC" User=mist-monitor StateDirectory=mist-monitor SupplementaryGroups=docker \
  Restart=on-failure NoNewPrivileges=yes ProtectSystem=strict ProtectHome=yes PrivateTmp=yes \
  CapabilityBoundingSet= 'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6' \
  SystemCallArchitectures=native LockPersonality=yes WantedBy=multi-user.target; do
  grep -qxF "$line" "$UNIT" && pass "unit: $line" || fail "unit: $line"
done
# Verified as installed, except that ExecStart names the packaged binary and
# man finds the packaged man page (Documentation=man:mist-monitor(1)). Any
# output (unknown key, bad value, missing executable) fails.
mkdir -p "$WORK/unit"
sed "s#/usr/bin/mist-monitor#$BIN#" "$UNIT" >"$WORK/unit/mist-monitor.service"
MANPATH=$PKG/usr/share/man check_quiet "systemd-analyze verify mist-monitor.service" \
  systemd-analyze verify "$WORK/unit/mist-monitor.service"
check "systemd-analyze security: exposure at most 2.0" \
  systemd-analyze security --offline=yes --threshold=20 "$WORK/unit/mist-monitor.service"

# --- man page ----------------------------------------------------------------
MAN=$WORK/mist-monitor.1
gzip -dc "$PKG/usr/share/man/man1/mist-monitor.1.gz" >"$MAN"
check_quiet "groff -man -ww: no warnings" groff -man -Tutf8 -ww -z "$MAN"
out=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$MAN" 2>&1 >/dev/null)
[ -z "$out" ] && pass "man --warnings -l: no warnings" || fail "man --warnings -l: no warnings" "$out"
MANTEXT=$(sed 's/\\-/-/g; s/\\f[BIRP]//g' "$MAN")

# Subcommands and options, from the binary itself.
run_bin() { env -u DISPLAY -u WAYLAND_DISPLAY "$BIN" "$@" 2>&1; }
opts_of() { run_bin "$@" --help | grep -oE -- '--[a-z][a-z-]*' | sort -u; }
SERVER_OPTS=$(run_bin --help | grep -oE -- '--[a-z][a-z-]*' | sort -u)
[ -n "$SERVER_OPTS" ] && pass "mist-monitor --help lists options" || fail "mist-monitor --help lists options"
declare -A CMD_OPTS=()
for group in user app project; do
  while read -r sub; do
    [ -n "$sub" ] && CMD_OPTS["$group $sub"]=$(opts_of "$group" "$sub")
  done < <(run_bin "$group" --help | sed -n "s/^Usage: mist-monitor $group \([a-z-]*\).*/\1/p")
done
for group in "alert rule" "alert channel"; do
  while read -r sub; do
    # shellcheck disable=SC2086
    [ -n "$sub" ] && CMD_OPTS["$group $sub"]=$(opts_of $group "$sub")
  done < <(run_bin $group --help | sed -n "s/^Usage: mist-monitor $group \([a-z-]*\).*/\1/p")
done
for cmd in deploy deployment logs metrics stats; do
  CMD_OPTS[$cmd]=$(opts_of "$cmd")
done
for cmd in "user add" "user list" "app add" "app list" "project add-member" deploy deployment logs metrics stats \
  "alert rule add" "alert rule list" "alert rule rm" "alert channel add" "alert channel list" \
  "alert channel rm" "alert channel test"; do
  [ -n "${CMD_OPTS[$cmd]:-}" ] && pass "binary knows '$cmd' (its --help lists options)" ||
    fail "binary knows '$cmd' (its --help lists options)"
done

missing=()
for opt in $SERVER_OPTS; do
  grep -qE -- "(^|[^a-z-])$opt([^a-z-]|$)" <<<"$MANTEXT" || missing+=("$opt")
done
for cmd in "${!CMD_OPTS[@]}"; do
  grep -qxF ".B $cmd" <<<"$MANTEXT" || missing+=("subcommand '$cmd'")
  for opt in ${CMD_OPTS[$cmd]}; do
    grep -qE -- "(^|[^a-z-])$opt([^a-z-]|$)" <<<"$MANTEXT" || missing+=("$opt ($cmd)")
  done
done
[ ${#missing[@]} -eq 0 ] && pass "man page covers every subcommand and option of the binary" ||
  fail "man page covers every subcommand and option of the binary" "missing: ${missing[*]}"

# --- bash completion ---------------------------------------------------------
COMPLETION=$PKG/usr/share/bash-completion/completions/mist-monitor
check "bash -n completion" bash -n "$COMPLETION"
# complete WORD...: what the completion offers for the last (partial) word.
complete_words() {
  bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _mist_monitor
           printf "%s\n" "${COMPREPLY[@]}"' _ "$COMPLETION" mist-monitor "$@" 2>&1
}
missing=()
offered=$(complete_words '')
for cmd in user app project deploy deployment logs metrics stats alert; do
  grep -qx "$cmd" <<<"$offered" || missing+=("subcommand $cmd")
done
offered=$(complete_words '--')
for opt in $SERVER_OPTS; do grep -qx -- "$opt" <<<"$offered" || missing+=("$opt"); done
for cmd in "${!CMD_OPTS[@]}"; do
  # shellcheck disable=SC2086
  offered=$(complete_words $cmd '--')
  for opt in ${CMD_OPTS[$cmd]}; do
    grep -qx -- "$opt" <<<"$offered" || missing+=("$opt ($cmd)")
  done
done
offered=$(complete_words user add --role '')
[ "$(echo $offered)" = "owner admin user" ] || missing+=("--role values (got: $(echo $offered))")
[ ${#missing[@]} -eq 0 ] && pass "completion offers every subcommand and option of the binary" ||
  fail "completion offers every subcommand and option of the binary" "missing: ${missing[*]}"

# --- server.conf ---------------------------------------------------------------
CONF=$PKG/etc/mist-monitor/server.conf
bad=$(grep -vE '^[[:space:]]*(#.*)?$' "$CONF" || true)
[ -z "$bad" ] && pass "server.conf: every setting is commented out" ||
  fail "server.conf: every setting is commented out" "$bad"
missing=()
for opt in $SERVER_OPTS; do
  # --ca-cert is the desktop's (remote TLS); --server refuses it.
  case $opt in --server | --config | --help | --help-all | --version | --ca-cert) continue ;; esac
  grep -qE "^#${opt#--} = " "$CONF" || missing+=("${opt#--}")
done
for key in $(sed -n 's/^#\([a-z-]*\) = .*/\1/p' "$CONF"); do
  grep -qx -- "--$key" <<<"$SERVER_OPTS" || missing+=("unknown key $key")
done
[ ${#missing[@]} -eq 0 ] && pass "server.conf lists every server option as a key" ||
  fail "server.conf lists every server option as a key" "${missing[*]}"

# The packaged binary starts with the packaged file, and with every key
# uncommented (except tls-*, which name example files): the defaults shown
# are values --config accepts. The command line wins over the file, so
# --listen/--data-dir/--docker-host below keep it on a free loopback port.
starts_with_config() { # starts_with_config CONFIG_FILE -> 0 when it serves
  local log=$WORK/server.log i
  rm -rf "$WORK/data"
  env -u DISPLAY -u WAYLAND_DISPLAY "$BIN" --server --config "$1" --listen 127.0.0.1:0 \
    --data-dir "$WORK/data" --docker-host unix:///nonexistent/docker.sock >"$log" 2>&1 &
  SERVER_PID=$!
  for i in $(seq 1 300); do # up to 30 s: CI machines can be busy
    grep -q 'serving on' "$log" && break
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  local ok=1 rc
  grep -q 'serving on' "$log" && ok=0
  kill "$SERVER_PID" 2>/dev/null
  wait "$SERVER_PID" 2>/dev/null
  rc=$?
  SERVER_PID=""
  [ $ok -eq 0 ] || { echo "no 'serving on' after $i tries; exit status $rc; output:"; cat "$log"; return 1; }
}
check "the packaged binary serves with the packaged server.conf" starts_with_config "$CONF"
sed -E 's/^#([a-z][a-z-]*) = /\1 = /; s/^(tls-(cert|key)) = /#\1 = /' "$CONF" >"$WORK/all-keys.conf"
check "the packaged binary serves with every server.conf key set to its default" \
  starts_with_config "$WORK/all-keys.conf"

# --- optional: install, use, remove, purge -------------------------------------
if [ "$INSTALL_TEST" = 1 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    fail "--install needs root"
  elif dpkg-query -W -f='${Status}' mist-monitor 2>/dev/null | grep -q installed; then
    fail "--install: mist-monitor is installed already; remove it first"
  else
    export DEBIAN_FRONTEND=noninteractive
    check "apt-get install ./$(basename "$DEB")" apt-get install -y -q "$DEB"
    check "system user mist-monitor exists" getent passwd mist-monitor
    check "mist-monitor is in group docker" sh -c 'id -nG mist-monitor | tr " " "\n" | grep -qx docker'
    check "state directory is mist-monitor's, mode 0700" \
      sh -c '[ "$(stat -c %U:%a /var/lib/mist-monitor)" = mist-monitor:700 ]'
    check "operator command as mist-monitor on /var/lib/mist-monitor" sh -c \
      'echo "check-deb passphrase 1" | runuser -u mist-monitor -- mist-monitor user add \
         --data-dir /var/lib/mist-monitor --email check-deb@example.com --role owner --password-stdin &&
       runuser -u mist-monitor -- mist-monitor user list --data-dir /var/lib/mist-monitor |
         grep -q check-deb@example.com'
    check "apt-get remove mist-monitor" apt-get remove -y -q mist-monitor
    check "after remove: conffile and data are kept" \
      test -f /etc/mist-monitor/server.conf -a -f /var/lib/mist-monitor/mist.db
    check "apt-get purge mist-monitor" apt-get purge -y -q mist-monitor
    check "after purge: /etc/mist-monitor and /var/lib/mist-monitor are gone" \
      sh -c '! test -e /etc/mist-monitor && ! test -e /var/lib/mist-monitor'
    check "after purge: the package and its files are gone" sh -c \
      '! dpkg-query -W mist-monitor >/dev/null 2>&1 && ! test -e /usr/bin/mist-monitor &&
       ! test -e /lib/systemd/system/mist-monitor.service'
  fi
fi

finish
