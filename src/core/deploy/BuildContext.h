// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

// The build context of a deployment: the cloned repository packed into the uncompressed tar
// archive that the Docker Engine API's `POST /build` takes as its body (what `docker build`
// does on the client side). Written with libarchive, in the pax-restricted format: plain ustar
// headers, with pax extended headers only for what ustar cannot hold (long names, big files).
//
// What goes in
// - Everything under `root`, recursively, in byte order of names (so the same tree always gives
//   the same archive), with paths relative to root ("src/main.c", directories too, so empty
//   directories survive). Owner and group are written as 0 (root) and no user names, so
//   nothing about the build host leaks into the image; permission bits (including the
//   executable bit) and modification times (whole seconds) are kept.
// - Symbolic links are stored as links with their target text as is; they are never followed,
//   neither to read a file nor to enter a directory, so nothing outside root is ever read.
//   Every file and directory is opened relative to its parent directory with O_NOFOLLOW, so a
//   link swapped in while packing is refused instead of followed.
// - Names are stored as the file system's bytes (a non-ASCII one in a pax "path" record, labelled
//   hdrcharset=BINARY when the process locale cannot call it UTF-8); the engine takes them as is.
// - Hard links are stored as separate files. Sockets, FIFOs and device nodes are skipped (they
//   are not build inputs, and opening a FIFO would block).
//
// What stays out
// - The top-level `.git` (directory, or file for worktrees and submodules): history is no
//   build input and can dwarf the tree.
// - What the top-level `.dockerignore` excludes, with the docker CLI's rules: one pattern a
//   line; blank lines and lines starting with '#' are ignored; surrounding blanks are trimmed;
//   a pattern is cleaned like a path ("./a//b/" is "a/b", a leading '/' is dropped, ".."
//   resolved) and matched against the whole path relative to root, and a pattern that matches
//   a directory excludes everything under it. Supported: exact paths ("secret.txt",
//   "docs/internal"), '*' (any run of characters but '/'), '?' (one character but '/'),
//   "[a-z]" / "[!a-z]" character classes, '\' escaping the next character, "**" (any number
//   of directories, including none: "**/*.log", "logs/**"), and "!pattern" exceptions (the
//   last matching line wins, so "*.md" then "!README.md" keeps README.md). "dir/" is "dir" (as
//   in docker, the trailing slash is cleaned away). Patterns are anchored at root: "*.log"
//   matches "a.log" but not "sub/a.log". The top-level Dockerfile and .dockerignore are always
//   sent even when excluded, because the engine needs them; like docker, it then leaves them
//   out of what COPY sees.
//
// Refusals (a failure that says why): root missing or not a directory; an unreadable
// file, directory or .dockerignore (over 1 MiB is refused too); more entries than
// limits.maxFiles; an archive larger than limits.maxBytes (checked before a file is read, so a
// huge file is not read in vain); directories nested deeper than 256 levels; a file that
// changes size while it is read.

#include "base/Expected.h"

#include <QByteArray>
#include <QString>
#include <QtGlobal>

#include <optional>

namespace mist::deploy {

struct BuildContextLimits {
    qint64 maxBytes = 512LL * 1024 * 1024; // size of the archive: data, headers and padding
    int maxFiles = 200000;                 // archive entries: files, directories and symlinks
};

// Packs directory `root` (recursively) into an uncompressed tar (ustar/pax) in memory, as the
// engine's POST /build wants. See above for what is included and when it refuses.
Expected<QByteArray> packBuildContext(const QString &root, const BuildContextLimits &limits = {});

// The Dockerfile `path` ('/'-separated) of the checkout at `root`, resolved the way the engine
// resolves it inside a build context: symbolic links are followed, but only inside root. An
// absolute link target starts again at root and ".." stops at root, so nothing outside root is
// ever looked at (every step is an openat/fstatat relative to a directory already inside,
// without following links). Returns the path relative to root, without links, when it names a
// regular file: what the engine's `dockerfile` parameter then gets. nullopt otherwise
// (missing, a directory, a link loop, more than 40 links, unreadable): one answer for all, so
// a repository learns nothing about the server's files.
std::optional<QString> resolveDockerfile(const QString &root, const QString &path);

} // namespace mist::deploy
