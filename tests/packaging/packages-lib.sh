# SPDX-License-Identifier: GPL-3.0-or-later

# Shell functions shared by check-packages.sh and check-deb.sh: which Debian
# package a file comes from, and which packages a list of packages brings
# along over hard dependencies. Sourced, not run.

# closure PACKAGE...: prints every package reachable from the arguments over
# Depends and Pre-Depends (no Recommends, Suggests, Enhances), one per line,
# the arguments included. A virtual package stands for all its providers
# (apt-cache lists them under it), so an alternative counts as reachable.
closure() {
  [ $# -gt 0 ] || return 0
  apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts \
    --no-breaks --no-replaces --no-enhances "$@" 2>/dev/null |
    sed -n 's/^[[:space:]]*\(|\{0,1\}\(Pre\)\{0,1\}Depends: \)\{0,1\}<\{0,1\}\([^>[:space:]]*\)>\{0,1\}$/\3/p' |
    sed 's/:.*//' | sort -u
}

# base_system: the packages every Debian 12 installation has (Essential: yes
# and Priority: required, which debootstrap's minbase installs), one per line.
base_system() {
  dpkg-query -W -f='${Package} ${Essential} ${Priority}\n' 2>/dev/null |
    awk '$2 == "yes" || $3 == "required" { print $1 }' | sed 's/:.*//' | sort -u
}

# owners FILE_OF_PATHS: for each absolute path in the file (one per line),
# prints "PATH<TAB>PACKAGE", or "PATH<TAB>-" when no installed package owns
# it. Debian 12 merges /bin, /sbin and /lib into /usr while dpkg still records
# the unmerged names, so both spellings are tried, for the path as given and
# for the file it resolves to.
owners() {
  local queries=$1 expanded
  expanded=$(mktemp)
  # path<TAB>candidate: the path, the file it resolves to, and the other
  # spelling of each under the merged /usr.
  paste "$queries" <(tr '\n' '\0' <"$queries" | xargs -0 -r realpath -m --) |
    awk -F'\t' '{
      n = split($1 "\t" $2, c, "\t")
      for (i = 1; i <= n; i++) {
        print $1 "\t" c[i]
        if (c[i] ~ /^\/usr\/(bin|sbin|lib|lib64)\//) print $1 "\t" substr(c[i], 5)
        else if (c[i] ~ /^\/(bin|sbin|lib|lib64)\//) print $1 "\t/usr" c[i]
      }
    }' >"$expanded"
  # One pass over dpkg's file lists: path -> package (arch qualifier dropped).
  awk -F'\t' '
    FNR == NR { want[$2] = 1; next }
    FILENAME ~ /\.list$/ {
      if (FNR == 1) { pkg = FILENAME; sub(/.*\//, "", pkg); sub(/\.list$/, "", pkg); sub(/:.*/, "", pkg) }
      if ($0 in want && !($0 in owner)) owner[$0] = pkg
      next
    }
    { order[++n] = $1; cand[n] = $2 }
    END {
      for (i = 1; i <= n; i++) {
        p = order[i]
        if (p in done) continue
        if (cand[i] in owner) { print p "\t" owner[cand[i]]; done[p] = 1 }
      }
      for (i = 1; i <= n; i++) {
        p = order[i]
        if (!(p in done)) { print p "\t-"; done[p] = 1 }
      }
    }' "$expanded" /var/lib/dpkg/info/*.list "$expanded"
  rm -f "$expanded"
}

# shared_libraries FILE...: the shared libraries (absolute paths) that the
# ELF files among the arguments load, as ldd resolves them, one per line.
shared_libraries() {
  local f elves=()
  for f in "$@"; do
    [ -f "$f" ] && [ "$(head -c 4 "$f" 2>/dev/null | tail -c 3)" = ELF ] && elves+=("$f")
  done
  [ ${#elves[@]} -gt 0 ] || return 0
  ldd "${elves[@]}" 2>/dev/null |
    awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// && $1 !~ /:$/ { print $1 }' | sort -u
}
