#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Every source file the project owns names its licence in an SPDX line within
# its first five lines (after a shebang or an XML declaration), so a new file
# cannot come in without one. Run by ctest as packaging_spdx.
#
#   tests/packaging/check-spdx.sh [SOURCE_DIR]
#
# Owned: C, C++ and JavaScript sources, shell and Python scripts, CMake files,
# Qt Designer forms, the Debian maintainer scripts, the bash completion and .ci/run;
# test data (testdata/, tests/fuzz/ corpora) is not. Files come from git (the
# tracked ones and new ones not ignored) or, outside a git checkout, from find.
# Exit status: 0 when every file has the line, 1 otherwise (naming them).
set -uo pipefail

ROOT=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
TAG='SPDX-License-Identifier: GPL-3.0-or-later'
cd "$ROOT" || exit 2

if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  list() { git ls-files --cached --others --exclude-standard; }
else
  list() { find . -path './build*' -prune -o -path './.git' -prune -o -type f -print | sed 's|^\./||'; }
fi

owned() {
  grep -E '\.(cpp|h|c|mjs|sh|py|cmake|ui)$|(^|/)CMakeLists\.txt$|^packaging/debian/(postinst|postrm|prerm)$|^packaging/mist-monitor\.bash-completion$|^\.ci/run$' |
    grep -vE '(^|/)testdata/|^tests/fuzz/'
}

checked=0
missing=()
while IFS= read -r f; do
  [ -f "$f" ] || continue # deleted but still in the index
  checked=$((checked + 1))
  head -5 "$f" | grep -qF "$TAG" || missing+=("$f")
done < <(list | owned | sort -u)

if [ "$checked" -eq 0 ]; then
  echo "check-spdx: no source files found under $ROOT" >&2
  exit 1
fi
if [ "${#missing[@]}" -gt 0 ]; then
  echo "check-spdx: ${#missing[@]} of $checked files lack \"$TAG\" in their first 5 lines:"
  printf '  %s\n' "${missing[@]}"
  exit 1
fi
echo "check-spdx: all $checked source files carry \"$TAG\""
