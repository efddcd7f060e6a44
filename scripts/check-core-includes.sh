#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The core's layering is kept by the build (src/core/CMakeLists.txt): a layer's sources see only
# the include roots of the layers it names, so "server/Logging.h" in metrics does not compile.
# The one way around it is a path the compiler resolves from the including file's folder: an
# include that climbs out of it ("../server/Logging.h") or starts at /. Prints file:line of each
# and fails.
# Usage: check-core-includes.sh [SOURCE_ROOT]   (default: the repository of this script)
set -eu
root=${1:-$(dirname "$0")/..}
cd "$root"
found=$(grep -rnE --include='*.cpp' --include='*.h' \
    '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"](/|([^">]*/)?\.\./)' src/core || true)
if [ -n "$found" ]; then
    echo "Includes in src/core that leave their folder (write \"<layer>/<Header>.h\" and name" >&2
    echo "the layer in src/core/CMakeLists.txt, if it is below):" >&2
    echo "$found" >&2
    exit 1
fi
echo "No include in src/core climbs out of its folder."
