#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Takes the README's screenshots (docs/screenshots/*.png) from the real app:
# a private Docker engine, an X server (Xvfb), real containers and a real
# deployment. Needs a build (scripts/setup.sh build) and root for the engine.
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
