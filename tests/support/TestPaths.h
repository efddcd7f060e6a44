// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <QString>

namespace mist::test {

// Where the built programs and the source tree are. Only TestPaths.cpp knows the two absolute
// directories (tests/CMakeLists.txt gives them to that one file), so every other test file
// compiles to the same object in any checkout and ccache can reuse it across clones (CI builds
// a clean clone each time, scripts/setup.sh).
QString binaryPath(const QString &program);  // e.g. binaryPath("mist-monitor")
QString sourcePath(const QString &relative); // e.g. sourcePath("tests/deploy/fixtures/")

} // namespace mist::test
