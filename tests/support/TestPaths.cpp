// SPDX-License-Identifier: GPL-3.0-or-later

#include "TestPaths.h"

namespace mist::test {

QString binaryPath(const QString &program) {
    return QStringLiteral(MIST_BINARY_DIR "/") + program;
}

QString sourcePath(const QString &relative) {
    return QStringLiteral(MIST_SOURCE_DIR "/") + relative;
}

} // namespace mist::test
