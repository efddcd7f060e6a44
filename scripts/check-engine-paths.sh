#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Keeps the Docker Engine API behind one door: no source outside src/core/engine/ may write an
# engine path (a string literal starting with /containers, /services, /images, /tasks, /nodes,
# /build, /info or /events, optionally after /v1.xx). Calls go through engine::Engine
# (src/core/engine/EngineApi.h). Prints file:line of each offender and fails.
# Usage: check-engine-paths.sh [SOURCE_ROOT]   (default: the repository of this script)
set -eu
root=${1:-$(dirname "$0")/..}
cd "$root"
pattern='"(/v1\.[0-9]+)?/(containers|services|images|tasks|nodes|build|info|events)([/?"]|$)'
dirs=
for d in src bench tools; do
    [ -d "$d" ] && dirs="$dirs $d"
done
# shellcheck disable=SC2086
found=$(grep -rnE --include='*.cpp' --include='*.h' --include='*.c' "$pattern" $dirs |
    grep -v '^src/core/engine/' || true)
if [ -n "$found" ]; then
    echo "Engine paths outside src/core/engine/ (use engine::Engine from engine/EngineApi.h):" >&2
    echo "$found" >&2
    exit 1
fi
echo "No engine paths outside src/core/engine/."
