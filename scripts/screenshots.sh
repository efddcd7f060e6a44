#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Takes the README's screenshots (docs/screenshots/*.png) from the real app:
# a private Docker engine, an X server (Xvfb), real containers and a real
# deployment, and the first-run walk of the test suite. Needs a build (scripts/setup.sh build) and root for the engine.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD_DIR=${BUILD_DIR:-build}
ENGINE_DIR=$(mktemp -d /tmp/mist-shots.XXXXXX)
trap '"$ROOT/scripts/test-dockerd.sh" stop "$ENGINE_DIR"; rm -rf "$ENGINE_DIR"' EXIT
eval "$("$ROOT/scripts/test-dockerd.sh" start "$ENGINE_DIR")"
"$ROOT/scripts/test-dockerd.sh" swarm "$ENGINE_DIR" # for the service app's shot
export DOCKER_HOST
# A fresh settings/keychain home so the shots show defaults.
export HOME="$ENGINE_DIR/home" XDG_CONFIG_HOME="$ENGINE_DIR/home/.config"
mkdir -p "$HOME"
xvfb-run -a -s "-screen 0 1280x800x24" "$BUILD_DIR/bin/mist-monitor-screenshots" "$ROOT/docs/screenshots"
# The first-run walk (tests/gui/tst_screenshotwalk.cpp): the suite's own test, in English and
# German at 1024x600 and 1600x1000, one picture per step; the README shows four of them.
WALK_DIR="$ENGINE_DIR/walk"
MIST_SCREENSHOT_DIR="$WALK_DIR" QT_QPA_PLATFORM=xcb \
  xvfb-run -a -s "-screen 0 1600x1000x24" "$BUILD_DIR/tests/tst_gui_screenshotwalk"
for shot in en-1600x1000-1-first-run en-1600x1000-3-logs en-1600x1000-4-states \
  de-1024x600-4-states; do
  cp "$WALK_DIR/$shot.png" "$ROOT/docs/screenshots/walk-$shot.png"
done
