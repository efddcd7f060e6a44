#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Keeps functions short enough to read (#16): a function in src/, bench/, tools/ or fuzz/ longer than
# 80 lines fails the check unless the line just above it (its comment) holds
# "long-function:" followed by the reason; at most 3 such exceptions. Function extents come
# from universal-ctags (--fields=+ne: start and end line). Prints each offender and fails.
# Usage: check-function-length.sh [SOURCE_ROOT]   (default: the repository of this script)
set -euo pipefail
root=${1:-$(dirname "$0")/..}
cd "$root"
max_lines=80
max_exceptions=3
command -v ctags >/dev/null || { echo "ctags (universal-ctags) not found" >&2; exit 2; }
ctags --version | grep -q 'Universal Ctags' || { echo "ctags is not universal-ctags" >&2; exit 2; }

long=$(ctags --languages=C++ --c++-kinds=f --fields=+ne -R -f - src bench tools fuzz 2>/dev/null |
    awk -F'\t' -v max="$max_lines" '{
        start = ""; end = ""
        for (i = 4; i <= NF; i++) {
            if ($i ~ /^line:/) start = substr($i, 6)
            if ($i ~ /^end:/) end = substr($i, 5)
        }
        if (start != "" && end != "" && end - start + 1 > max)
            printf "%s\t%d\t%d\t%s\n", $2, start, end - start + 1, $1
    }' | sort -u)

offenders=()
exceptions=()
while IFS=$'\t' read -r file start length name; do
    [ -n "$file" ] || continue
    # The function's comment: the lines above its first line, up to a blank line.
    comment=$(awk -v s="$start" 'NR < s { buf[NR] = $0 } END {
        for (i = s - 1; i > 0 && buf[i] ~ /^[ \t]*(\/\/|\/\*|\*)/; i--) print buf[i] }' "$file")
    where="$file:$start $name ($length lines)"
    if grep -q 'long-function:' <<<"$comment"; then
        exceptions+=("$where")
    else
        offenders+=("$where")
    fi
done <<<"$long"

status=0
if [ ${#offenders[@]} -gt 0 ]; then
    echo "Functions over $max_lines lines without a 'long-function: <reason>' comment:" >&2
    printf '  %s\n' "${offenders[@]}" >&2
    status=1
fi
if [ ${#exceptions[@]} -gt $max_exceptions ]; then
    echo "More than $max_exceptions functions over $max_lines lines carry a reason:" >&2
    printf '  %s\n' "${exceptions[@]}" >&2
    status=1
fi
[ $status -eq 0 ] && echo "No function over $max_lines lines but ${#exceptions[@]} with a reason:" &&
    printf '  %s\n' "${exceptions[@]}"
exit $status
