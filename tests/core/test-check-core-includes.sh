#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# scripts/check-core-includes.sh can fail: on copies of src/core with one include planted that
# climbs to a higher layer (relative, with spaces, and absolute), it must fail and name the file
# and line; on the unchanged copy it must pass.
#   tests/core/test-check-core-includes.sh
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d /tmp/mist-test-check-core-includes.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

status=0
copy() {
    rm -rf "$WORK/tree" && mkdir -p "$WORK/tree/src" "$WORK/tree/scripts"
    cp -r "$ROOT/src/core" "$WORK/tree/src/core"
    cp "$ROOT/scripts/check-core-includes.sh" "$WORK/tree/scripts/"
}

copy
if out=$(sh "$WORK/tree/scripts/check-core-includes.sh" "$WORK/tree" 2>&1); then
    echo "PASS: the unchanged tree passes"
else
    status=1
    echo "FAIL: the unchanged tree should pass:"
    printf '%s\n' "$out" | sed 's/^/  | /'
fi

for planted in '#include "../server/Logging.h"' '#  include  "../../core/server/Logging.h"' \
    '#include "/work/src/core/server/Logging.h"' '#include "endpoints/../../store/Store.h"'; do
    copy
    file=$WORK/tree/src/core/metrics/MetricsSampler.cpp
    printf '%s\n' "$planted" >>"$file"
    line=$(wc -l <"$file")
    if out=$(sh "$WORK/tree/scripts/check-core-includes.sh" "$WORK/tree" 2>&1); then
        status=1
        echo "FAIL: passed with $planted"
    elif printf '%s\n' "$out" | grep -qF "src/core/metrics/MetricsSampler.cpp:$line:"; then
        echo "PASS: fails with $planted and names it"
    else
        status=1
        echo "FAIL: with $planted the check should name MetricsSampler.cpp:$line:"
        printf '%s\n' "$out" | sed 's/^/  | /'
    fi
done
exit $status
