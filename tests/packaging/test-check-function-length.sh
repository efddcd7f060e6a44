#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Proves scripts/check-function-length.sh can fail: in a scratch tree, an 81-line function
# fails it, the same with a "long-function:" reason passes, and a fourth reasoned one fails.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/src" "$work/scripts"
cp "$here/scripts/check-function-length.sh" "$work/scripts/"

function_of() { # name lines
    printf 'int %s() {\n' "$1"
    for ((i = 0; i < $2 - 2; i++)); do printf '    int v%d = %d;\n' "$i" "$i"; done
    printf '}\n\n'
}
expect() { # want-status description
    local got=0
    bash "$work/scripts/check-function-length.sh" "$work" >"$work/out" 2>&1 || got=$?
    if [ "$got" != "$1" ]; then
        echo "FAIL: $2: exit $got, wanted $1" >&2
        cat "$work/out" >&2
        exit 1
    fi
    echo "ok: $2"
}

function_of shortOne 80 >"$work/src/a.cpp"
expect 0 "an 80-line function passes"
function_of longOne 81 >>"$work/src/a.cpp"
expect 1 "an 81-line function fails"
grep -q 'longOne' "$work/out" || { echo "FAIL: the offender is not named" >&2; exit 1; }
{ function_of shortOne 80; echo '// long-function: one table, read top to bottom'; function_of longOne 81; } >"$work/src/a.cpp"
expect 0 "an 81-line function with a reason passes"
for n in 2 3 4; do
    { echo "// long-function: reason $n"; function_of "long$n" 90; } >>"$work/src/a.cpp"
done
expect 1 "a fourth reasoned exception fails"
