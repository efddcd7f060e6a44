#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The package check can fail: run it on copies of scripts/debian-packages.txt
# with a package left out that the build needs, and require that it fails and
# names exactly that package. libqt6opengl6-dev is the one a fresh Debian 12
# once lacked (Qt6Charts' CMake config needs Qt6OpenGL; qt6-base-dev only
# recommends it); libsodium-dev is found through its headers and library.
#
#   tests/packaging/test-check-packages.sh BUILD_DIR
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${1:?usage: test-check-packages.sh BUILD_DIR}
WORK=$(mktemp -d /tmp/mist-test-check-packages.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

status=0
for dropped in libqt6opengl6-dev libsodium-dev; do
  grep -vx "$dropped" "$ROOT/scripts/debian-packages.txt" >"$WORK/list"
  out=$(MIST_PACKAGE_LIST=$WORK/list "$ROOT/tests/packaging/check-packages.sh" "$BUILD" 2>&1)
  rc=$?
  if [ $rc -eq 1 ] && grep -qE "^  $dropped  \(" <<<"$out"; then
    echo "test-check-packages: PASS: without $dropped the check fails and names it"
  else
    status=1
    echo "test-check-packages: FAIL: without $dropped the check should fail naming it (exit $rc):"
    printf '%s\n' "$out" | sed 's/^/  | /'
  fi
done
exit $status
